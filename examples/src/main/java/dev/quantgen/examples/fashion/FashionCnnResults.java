package dev.quantgen.examples.fashion;

import dev.quantgen.onnx.Int8Executor;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.quantize.calibrate.TextTable;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.WeightTransform;
import dev.quantgen.training.qat.BinaryWeights;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CNN's rows of the Fashion-MNIST results table: FP32, FP16, INT8, INT4 and BINARY after
 * post-training quantization (calibrated on the same 500 training images as the MLP) and INT4 and
 * BINARY after quantization-aware training (the committed weights), each with its stored parameter
 * size and its test accuracy.
 *
 * <p>INT8 and INT4 run the reference integer convolutions of the ONNX path ({@link Int8Executor}:
 * per-channel symmetric weights, static int8 activations, integer-only requantization). FP16 and
 * BINARY run the float network on the weights those precisions store (binary16-rounded weights;
 * sign times the per-channel mean |w|), which is what their kernels compute with float activations.
 */
final class FashionCnnResults {
  static final String QAT_INT4 = "fashion-cnn-qat-int4.npz";
  static final String QAT_BINARY = "fashion-cnn-qat-binary.npz";

  private FashionCnnResults() {}

  /**
   * Appends the CNN rows to {@code table} (the MLP table's columns), accuracies on {@code test}.
   */
  static void addRows(TextTable table, Dataset train, Dataset test) throws IOException {
    if (FashionCnnResults.class.getResource(QatFashionCnn.CNN_FP32) == null) {
      table.row("cnn", "fp32", "trained", "(no committed weights)", "", "", "");
      return;
    }
    Network fp32 = FashionCnn.load(FashionResults.resource(QatFashionCnn.CNN_FP32));
    double base = fp32.accuracy(test, 2);
    table.row(
        "cnn",
        "fp32",
        "trained",
        "fp32 float network",
        Long.toString(bytes(fp32, 32)),
        FashionResults.fmt(base),
        "+0.00");
    double fp16 = withWeights(fp32, FashionCnnResults::halfWeights).accuracy(test, 2);
    table.row(
        "cnn",
        "fp16",
        "ptq",
        "fp16 weights, float activations",
        Long.toString(bytes(fp32, 16)),
        FashionResults.fmt(fp16),
        FashionResults.delta(fp16, base));
    LoweredModel lowered = QatCnnModels.lowered(fp32);
    FloatTensor calibration = calibration(train);
    for (QuantType type : List.of(QuantType.INT8, QuantType.INT4)) {
      Int8Executor model =
          Int8Executor.calibrate(lowered, calibration, 100, RequantMode.INTEGER, type);
      double acc = FashionResults.accuracy(QatFashionCnn.classify(model, test), test);
      String label = type == QuantType.INT8 ? "int8" : "int4 (int8 act.)";
      String kernels =
          (type == QuantType.INT8 ? "int8" : "int4") + " static conv (integer requant.)";
      table.row(
          "cnn",
          label,
          "ptq",
          kernels,
          Long.toString(bytes(fp32, type.bits())),
          FashionResults.fmt(acc),
          FashionResults.delta(acc, base));
    }
    double binary = withWeights(fp32, new BinaryWeights()).accuracy(test, 2);
    table.row(
        "cnn",
        "binary",
        "ptq",
        "binary weights, float activations",
        Long.toString(bytes(fp32, 1)),
        FashionResults.fmt(binary),
        FashionResults.delta(binary, base));
    if (FashionCnnResults.class.getResource(QAT_INT4) != null) {
      Network int4 =
          QatCnnModels.load(QatCnnModels.Variant.INT4, FashionResults.resource(QAT_INT4));
      double acc =
          FashionResults.accuracy(
              QatFashionCnn.classify(QatCnnModels.integerModel(int4), test), test);
      double fake = int4.accuracy(test, 2);
      table.row(
          "cnn",
          "int4 (int8 act.)",
          "qat",
          "int4 static conv (integer requant.)",
          Long.toString(bytes(fp32, 4)),
          FashionResults.fmt(acc),
          FashionResults.delta(acc, base));
      table.row(
          "cnn",
          "int4 (int8 act.)",
          "qat",
          "fake-quant network (evaluated)",
          "",
          FashionResults.fmt(fake),
          FashionResults.delta(fake, base));
    }
    if (FashionCnnResults.class.getResource(QAT_BINARY) != null) {
      Network bin =
          QatCnnModels.load(QatCnnModels.Variant.BINARY, FashionResults.resource(QAT_BINARY));
      double acc = bin.accuracy(test, 2);
      table.row(
          "cnn",
          "binary",
          "qat",
          "binary weights, float activations",
          Long.toString(bytes(fp32, 1)),
          FashionResults.fmt(acc),
          FashionResults.delta(acc, base));
    }
  }

  /**
   * Stored parameter bytes with weights of {@code bits} each, as the dense layers count them:
   * packed weights per output channel row, a float32 scale per channel below 16 bits, a float32
   * bias per channel.
   */
  static long bytes(Network network, int bits) {
    long total = 0;
    for (Layer layer : network.layers()) {
      int rows;
      int cols;
      if (layer instanceof Convolution c) {
        rows = c.filters();
        cols = c.channels() * c.kernel() * c.kernel();
      } else if (layer instanceof Linear l) {
        rows = l.outputSize();
        cols = l.inputSize();
      } else {
        continue;
      }
      total += layerBytes(rows, cols, bits);
    }
    return total;
  }

  /**
   * One layer's stored bytes: {@code rows} output channels of {@code cols} weights of {@code bits}.
   */
  static long layerBytes(int rows, int cols, int bits) {
    return rows * (((long) cols * bits + 7) / 8) + 4L * rows + (bits < 16 ? 4L * rows : 0);
  }

  static void halfWeights(
      float[] w, int rows, int cols, float[] effective, float[] mask, boolean training) {
    for (int i = 0; i < rows * cols; i++) {
      effective[i] = Half.round(w[i]);
      mask[i] = 1f;
    }
  }

  /** The network with every conv and dense layer's weights seen through {@code transform}. */
  static Network withWeights(Network network, WeightTransform transform) {
    List<Layer> layers = new ArrayList<>();
    for (Layer layer : network.layers()) {
      if (layer instanceof Convolution c) {
        layers.add(c.withTransform(transform));
      } else if (layer instanceof Linear l) {
        layers.add(l.withTransform(transform));
      } else {
        layers.add(layer);
      }
    }
    return Network.of(layers);
  }

  /** The MLP's calibration images, as an {@code [N, 1, 28, 28]} batch. */
  static FloatTensor calibration(Dataset train) {
    float[] x = FashionResults.calibration(train);
    return FloatTensor.of(Shape.of(FashionResults.CALIBRATION, 1, 28, 28), x);
  }
}
