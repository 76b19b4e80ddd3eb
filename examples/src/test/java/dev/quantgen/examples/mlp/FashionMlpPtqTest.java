package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Post-training quantization of {@link FashionMlp} at every precision's default configuration runs
 * every layer on the kernels javac generated for it, and computes what the runtime's own kernels
 * compute: bit for bit on integer pipelines (INT8, INT4), within a relative 1e-5 of the output
 * range for float sums (FP32, FP16, BINARY with float activations), whose order of summation is the
 * kernels' own choice.
 */
class FashionMlpPtqTest {
  private static final int[] SIZES = {784, 256, 128, 10};
  private static final int SAMPLES = 64;

  @ParameterizedTest
  @EnumSource(Precision.class)
  void everyPrecisionRunsOnTheGeneratedKernelsAndMatchesTheRuntimeKernels(Precision precision) {
    Random random = new Random(11);
    float[][] w = new float[3][];
    float[][] b = new float[3][];
    for (int l = 0; l < 3; l++) {
      w[l] = gaussian(random, SIZES[l] * SIZES[l + 1], Math.sqrt(2.0 / SIZES[l]));
      b[l] = gaussian(random, SIZES[l + 1], 0.05);
    }
    FloatModel fp32 = FloatModel.mlp(SIZES, w, b);
    float[] x = new float[SAMPLES * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    QuantizedModel runtime =
        PostTrainingQuantizer.quantize(fp32, PtqConfig.of(precision), x, SAMPLES);
    QuantizedModel generated =
        PostTrainingQuantizer.quantize(
            fp32, PtqConfig.of(precision), x, SAMPLES, FashionMlp_Model.kernels());

    String suffix =
        precision.name().charAt(0) + precision.name().substring(1).toLowerCase(Locale.ROOT);
    assertEquals(
        List.of("Fc1_" + suffix, "Fc2_" + suffix, "Fc3_" + suffix), generated.kernelNames());
    assertTrue(generated.allGenerated());
    boolean exact = precision == Precision.INT8 || precision == Precision.INT4;
    float[] xi = new float[784];
    float[] expected = new float[10];
    float[] actual = new float[10];
    for (int s = 0; s < SAMPLES; s++) {
      System.arraycopy(x, s * 784, xi, 0, 784);
      runtime.forward(xi, expected);
      generated.forward(xi, actual);
      if (exact) {
        assertArrayEquals(expected, actual, "sample " + s);
      } else {
        float scale = 0;
        for (float v : expected) {
          scale = Math.max(scale, Math.abs(v));
        }
        for (int c = 0; c < 10; c++) {
          assertEquals(expected[c], actual[c], 1e-5f * (1 + scale), "sample " + s + " output " + c);
        }
      }
    }
  }

  private static float[] gaussian(Random random, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }
}
