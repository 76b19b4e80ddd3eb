package dev.quantgen.spark;

import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The tests' models and data, made the way a user makes them: the examples' trained FP32 FashionMlp
 * quantized after training on the first 500 training images, on its generated kernels, and saved as
 * a {@code .qgen} file; the test images as the project's {@link Dataset} scales them.
 */
final class FashionModels {
  static final int[] SIZES = {784, 256, 128, 10};
  static final String KERNELS = FashionMlp_Model.class.getName();
  private static final String WEIGHTS =
      "/dev/quantgen/examples/fashion/fashion-mlp-784-256-128-10.npz";
  private static final int CALIBRATION = 500;

  private final Path dir;
  private final FloatModel fp32;
  private final float[] calibration;
  private final Map<Precision, Path> files = new EnumMap<>(Precision.class);

  /** Reads the FP32 model and the calibration images once; model files go to {@code dir}. */
  FashionModels(Path fashionMnist, Path dir) throws IOException {
    this.dir = dir;
    this.fp32 = fp32(dir);
    this.calibration =
        inputs(
            Dataset.of(
                Idx.readImages(fashionMnist.resolve("train-images-idx3-ubyte.gz"))
                    .range(0, CALIBRATION),
                Idx.readLabels(fashionMnist.resolve("train-labels-idx1-ubyte.gz"))
                    .range(0, CALIBRATION),
                10));
  }

  /**
   * The trained FashionMlp quantized at {@code precision} on its generated kernels, saved (once) as
   * {@code dir/fashion-<precision>.qgen}.
   */
  Path save(Precision precision) throws IOException {
    Path file = files.get(precision);
    if (file == null) {
      file = dir.resolve("fashion-" + precision.name().toLowerCase(Locale.ROOT) + ".qgen");
      QuantizedModelFiles.save(
          PostTrainingQuantizer.quantize(
              fp32, PtqConfig.of(precision), calibration, CALIBRATION, FashionMlp_Model.kernels()),
          file);
      files.put(precision, file);
    }
    return file;
  }

  /**
   * The trained FashionMlp at INT8 with a per-tensor last layer, which FashionMlp's annotations do
   * not declare (its INT8 kernels are per channel), quantized on the runtime's kernels and saved as
   * {@code dir/fashion-int8-fc3-per-tensor.qgen}.
   */
  Path saveWithoutGeneratedKernelForFc3() throws IOException {
    Path file = dir.resolve("fashion-int8-fc3-per-tensor.qgen");
    PtqConfig config =
        PtqConfig.of(Precision.INT8)
            .withLayer("fc3", LayerQuantization.of(Precision.INT8).withPerChannel(false));
    QuantizedModelFiles.save(
        PostTrainingQuantizer.quantize(fp32, config, calibration, CALIBRATION), file);
    return file;
  }

  /** The 10,000 test images (scaled to [0, 1]) and their labels. */
  static Dataset test(Path fashionMnist) throws IOException {
    return Dataset.of(
        Idx.readImages(fashionMnist.resolve("t10k-images-idx3-ubyte.gz")),
        Idx.readLabels(fashionMnist.resolve("t10k-labels-idx1-ubyte.gz")),
        10);
  }

  /** The inputs of {@code data}, row-major. */
  static float[] inputs(Dataset data) {
    float[] x = new float[data.size() * data.inputSize()];
    for (int i = 0; i < data.size(); i++) {
      data.copyInput(i, x, i * data.inputSize());
    }
    return x;
  }

  private static FloatModel fp32(Path dir) throws IOException {
    Path npz = dir.resolve("fashion-mlp.npz");
    try (InputStream in = FashionModels.class.getResourceAsStream(WEIGHTS)) {
      if (in == null) {
        throw new IOException(WEIGHTS + " is missing from the class path (the examples jar)");
      }
      Files.copy(in, npz, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (WeightSource weights = WeightSource.open(npz)) {
      float[][] w = new float[3][];
      float[][] b = new float[3][];
      for (int l = 0; l < 3; l++) {
        String layer = "fc" + (l + 1);
        w[l] = weights.get(layer, layer + ".weight", Shape.of(SIZES[l + 1], SIZES[l])).toArray();
        b[l] = weights.get(layer, layer + ".bias", Shape.of(SIZES[l + 1])).toArray();
      }
      return FloatModel.mlp(SIZES, w, b);
    }
  }
}
