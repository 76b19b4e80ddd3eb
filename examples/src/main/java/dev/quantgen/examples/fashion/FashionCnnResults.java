package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.calibrate.TextTable;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.qat.ActivationQuant;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The CNN's rows of the Fashion-MNIST results table: FP32, FP16, INT8, INT4 and BINARY after
 * post-training quantization (calibrated on the same 500 training images as the MLP) and INT4 and
 * BINARY after quantization-aware training (the committed weights), each with its stored parameter
 * size and its test accuracy.
 *
 * <p>The post-training rows and binary QAT run on the kernels javac generated from {@link
 * FashionCnnInt8}, {@link FashionCnnFp16}, {@link FashionCnnInt4} and {@link FashionCnnBinary}:
 * FP32 ({@code FashionCnnInt8_Model.fp32}, the {@code *_Fp32} kernels), FP16 and BINARY ({@code
 * floats}: binary16 weights, or sign times the per-channel mean |w|, with float activations),
 * static INT8 and INT4 with int8 activations ({@code calibrate} on the 500 images). INT4 QAT runs
 * the generated INT4 kernels with the activation ranges training fixed ({@link #int4QatModel}),
 * which predict what the fake-quant network predicts on every test image.
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
    Map<String, FloatTensor> weights = weights(fp32);
    List<float[]> calibration = calibration(train);
    double base = accuracy(FashionCnnInt8_Model.fp32(weights)::forward, test);
    row(table, "fp32", "trained", "FashionCnnInt8_*_Fp32", bytes(fp32, 32), base, base);
    double fp16 = accuracy(FashionCnnFp16_Model.floats(weights)::forward, test);
    row(table, "fp16", "ptq", "FashionCnnFp16_*_Fp16", bytes(fp32, 16), fp16, base);
    double int8 = accuracy(FashionCnnInt8_Model.calibrate(weights, calibration)::forward, test);
    row(table, "int8", "ptq", "FashionCnnInt8_*_Int8", bytes(fp32, 8), int8, base);
    double int4 = accuracy(FashionCnnInt4_Model.calibrate(weights, calibration)::forward, test);
    row(table, "int4 (int8 act.)", "ptq", "FashionCnnInt4_*_Int4", bytes(fp32, 4), int4, base);
    double binary = accuracy(FashionCnnBinary_Model.floats(weights)::forward, test);
    row(table, "binary", "ptq", "FashionCnnBinary_*_Binary", bytes(fp32, 1), binary, base);
    if (FashionCnnResults.class.getResource(QAT_INT4) != null) {
      Network int4Qat =
          QatCnnModels.load(QatCnnModels.Variant.INT4, FashionResults.resource(QAT_INT4));
      double acc = accuracy(int4QatModel(int4Qat)::forward, test);
      double fake = int4Qat.accuracy(test, 2);
      row(table, "int4 (int8 act.)", "qat", "FashionCnnInt4_*_Int4", bytes(fp32, 4), acc, base);
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
      // The latent float weights QAT trained; the generated binary kernels take their sign and
      // per-channel mean |w|, as the fake-quant network did in training.
      Map<String, FloatTensor> latent =
          weights(FashionCnn.load(FashionResults.resource(QAT_BINARY)));
      double acc = accuracy(FashionCnnBinary_Model.floats(latent)::forward, test);
      row(table, "binary", "qat", "FashionCnnBinary_*_Binary", bytes(fp32, 1), acc, base);
    }
  }

  /**
   * The generated INT4 model of a trained INT4 QAT network: its float weights (the kernels quantize
   * them per channel to INT4 as training's fake quantization did) and the int8 activation
   * parameters training fixed at its boundaries: the input's, then each layer output's ({@code
   * Pool1}, {@code Pool2} and {@code Flat} keep their input's).
   */
  static FashionCnnInt4_Model.Int8 int4QatModel(Network int4) {
    List<ActivationParams> boundaries =
        int4.layers().stream()
            .filter(ActivationQuant.class::isInstance)
            .map(layer -> ((ActivationQuant) layer).params())
            .toList();
    ActivationParams input = boundaries.get(0);
    ActivationParams conv1 = boundaries.get(1);
    ActivationParams conv2 = boundaries.get(2);
    ActivationParams fc1 = boundaries.get(3);
    ActivationParams fc2 = boundaries.get(4);
    return FashionCnnInt4_Model.int8(
        weights(int4), List.of(input, conv1, conv1, conv2, conv2, conv2, fc1, fc2));
  }

  private static void row(
      TextTable table,
      String precision,
      String method,
      String kernels,
      long bytes,
      double accuracy,
      double base) {
    table.row(
        "cnn",
        precision,
        method,
        kernels,
        Long.toString(bytes),
        FashionResults.fmt(accuracy),
        FashionResults.delta(accuracy, base));
  }

  /**
   * The weights as the generated models bind them: {@code FashionCnn}'s PyTorch names with the
   * layer's declared class name ({@code conv1.weight} becomes {@code Conv1.weight}).
   */
  static Map<String, FloatTensor> weights(Network network) {
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    FashionCnn.parameters(network)
        .forEach(
            (name, tensor) ->
                weights.put(Character.toUpperCase(name.charAt(0)) + name.substring(1), tensor));
    return weights;
  }

  /** The MLP's calibration images ({@link FashionResults#calibration}), one array per image. */
  static List<float[]> calibration(Dataset train) {
    float[] x = FashionResults.calibration(train);
    int size = x.length / FashionResults.CALIBRATION;
    List<float[]> samples = new ArrayList<>(FashionResults.CALIBRATION);
    for (int i = 0; i < FashionResults.CALIBRATION; i++) {
      samples.add(Arrays.copyOfRange(x, i * size, (i + 1) * size));
    }
    return samples;
  }

  /** The fraction of {@code test} whose largest output (first on a tie) is the label. */
  static double accuracy(UnaryOperator<float[]> model, Dataset test) {
    long correct =
        IntStream.range(0, test.size())
            .parallel()
            .filter(
                i -> {
                  float[] x = new float[test.inputSize()];
                  test.copyInput(i, x, 0);
                  return argmax(model.apply(x)) == test.label(i);
                })
            .count();
    return (double) correct / test.size();
  }

  private static int argmax(float[] y) {
    int best = 0;
    for (int i = 1; i < y.length; i++) {
      if (y[i] > y[best]) {
        best = i;
      }
    }
    return best;
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

  /** FP16's weights as {@link CnnPlanTarget} simulates them: each rounded to binary16. */
  static void halfWeights(
      float[] w, int rows, int cols, float[] effective, float[] mask, boolean training) {
    for (int i = 0; i < rows * cols; i++) {
      effective[i] = Half.round(w[i]);
      mask[i] = 1f;
    }
  }
}
