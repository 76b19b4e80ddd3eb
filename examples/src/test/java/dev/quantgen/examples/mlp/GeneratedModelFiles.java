package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Models as an application gets them: seeded random FP32 weights, post-training quantized at a
 * precision's default configuration (INT8 static, INT4 dynamic, FP16, BINARY, FP32), saved to a
 * {@code .qgen} file and loaded back onto the kernels javac generated.
 */
final class GeneratedModelFiles {
  private GeneratedModelFiles() {}

  /**
   * {@code sizes} with ReLU between layers, quantized at {@code precision}, saved in {@code dir},
   * loaded.
   */
  static QuantizedModel load(
      Path dir, int[] sizes, GeneratedKernels kernels, Precision precision, long seed)
      throws IOException {
    Random random = new Random(seed);
    int layers = sizes.length - 1;
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      w[l] = gaussian(random, sizes[l] * sizes[l + 1], Math.sqrt(2.0 / sizes[l]));
      b[l] = gaussian(random, sizes[l + 1], 0.05);
    }
    int samples = 32;
    float[] calibration = new float[samples * sizes[0]];
    for (int i = 0; i < calibration.length; i++) {
      calibration[i] = random.nextFloat();
    }
    QuantizedModel quantized =
        PostTrainingQuantizer.quantize(
            FloatModel.mlp(sizes, w, b), PtqConfig.of(precision), calibration, samples, kernels);
    Path file = dir.resolve(sizes[1] + "-" + precision + ".qgen");
    QuantizedModelFiles.save(quantized, file);
    QuantizedModel loaded = QuantizedModelFiles.load(file, kernels);
    assertTrue(
        loaded.allGenerated(),
        () -> precision + ": every layer on a generated kernel, got " + loaded.kernelNames());
    return loaded;
  }

  /**
   * One input of {@code size} values in [-0.5, 1.5): pixels and some negatives (dynamic zero
   * points).
   */
  static float[] input(Random random, int size) {
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = 2 * random.nextFloat() - 0.5f;
    }
    return x;
  }

  static int[] bits(float[] v) {
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }

  private static float[] gaussian(Random random, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }
}
