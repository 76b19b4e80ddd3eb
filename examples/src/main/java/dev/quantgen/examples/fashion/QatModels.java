package dev.quantgen.examples.fashion;

import dev.quantgen.examples.mlp.Fc1;
import dev.quantgen.examples.mlp.Fc1_BinaryFakeQuant;
import dev.quantgen.examples.mlp.Fc1_Int4FakeQuant;
import dev.quantgen.examples.mlp.Fc1_Int8FakeQuant;
import dev.quantgen.examples.mlp.Fc2;
import dev.quantgen.examples.mlp.Fc2_BinaryFakeQuant;
import dev.quantgen.examples.mlp.Fc2_Int4FakeQuant;
import dev.quantgen.examples.mlp.Fc2_Int8FakeQuant;
import dev.quantgen.examples.mlp.Fc3;
import dev.quantgen.examples.mlp.Fc3_BinaryFakeQuant;
import dev.quantgen.examples.mlp.Fc3_Int4FakeQuant;
import dev.quantgen.examples.mlp.Fc3_Int8FakeQuant;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.Relu;
import dev.quantgen.training.qat.ActivationFakeQuant;
import dev.quantgen.training.qat.ActivationQuant;
import dev.quantgen.training.qat.BinaryActivation;
import dev.quantgen.training.qat.BinaryWeightTransform;
import dev.quantgen.training.qat.BinaryWeights;
import dev.quantgen.training.qat.Int32Bias;
import dev.quantgen.training.qat.IntegerKernelForward;
import dev.quantgen.training.qat.IntegerWeightTransform;
import dev.quantgen.training.qat.PerChannelWeightQuant;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quantization-aware variants of the Fashion-MNIST 784-256-128-10 MLP, and their weight files.
 *
 * <ul>
 *   <li>{@link Variant#INT4}: every layer INT4 per-channel weights, every boundary (input, both
 *       hidden outputs, the logits) int8 activations; all three layers run on the STATIC integer
 *       kernel.
 *   <li>{@link Variant#BINARY}: every layer's weights binary (sign and per-channel mean|w|), float
 *       activations with ReLU: fc1, fc2 and fc3 are all binary.
 *   <li>{@link Variant#XNOR}: binary weights in every layer, and binary activations into fc2 and
 *       fc3 (fc1 reads the float pixels, whose signs are all +1). No ReLU: the sign is the
 *       nonlinearity.
 * </ul>
 *
 * <p>The fake-quant operators are by default the ones javac generated from the annotated layers
 * {@link Fc1}, {@link Fc2} and {@link Fc3} ({@link Operators#GENERATED}): INT4 weights from {@code
 * Fc<k>_Int4FakeQuant} (symmetric per-channel INT4, as their {@code @Quantize(precision = INT4)}),
 * binary weights from {@code Fc<k>_BinaryFakeQuant}, and each int8 boundary from the static INT8
 * variant's {@code Fc<k>_Int8FakeQuant.ACTIVATIONS} of the layer it feeds (fc3's for the logits):
 * the layers' INT4 variants quantize activations per call for post-training quantization, while QAT
 * trains static int8 boundaries so that every layer runs on the STATIC integer kernel. The binary
 * activations of XNOR come from the runtime ({@code BinaryActivation}): no layer asks for {@code
 * Activations.BINARY}. {@link Operators#RUNTIME} builds the same network from the runtime's
 * operators, which train identically, bit for bit.
 */
public final class QatModels {
  static final int[] SIZES = {784, 256, 128, 10};

  /** Which layers are quantized how. */
  public enum Variant {
    INT4,
    BINARY,
    XNOR;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the fake-quant operators come from. */
  public enum Operators {
    /** The operators javac generated from {@link Fc1}, {@link Fc2} and {@link Fc3}. */
    GENERATED,
    /**
     * The runtime's generic operators ({@code PerChannelWeightQuant}, {@code BinaryWeights}, ...).
     */
    RUNTIME
  }

  private QatModels() {}

  /**
   * The variant's fake-quant network on the generated operators, its float weights copied from
   * {@code fp32}.
   */
  public static Network mlp(Variant variant, float[][] weights, float[][] biases) {
    return mlp(variant, weights, biases, Operators.GENERATED);
  }

  /**
   * The variant's fake-quant network on {@code operators}, its float weights copied from {@code
   * fp32}.
   */
  public static Network mlp(
      Variant variant, float[][] weights, float[][] biases, Operators operators) {
    boolean generated = operators == Operators.GENERATED;
    List<Layer> layers = new ArrayList<>();
    if (variant == Variant.INT4) {
      // pixels are k / 255
      layers.add(
          ActivationQuant.fixedRange(
              SIZES[0], 0f, 1f, generated ? activations(0) : ActivationFakeQuant.INT8));
    }
    for (int l = 0; l < 3; l++) {
      int in = SIZES[l];
      int out = SIZES[l + 1];
      boolean last = l == 2;
      if (variant == Variant.XNOR && l > 0) {
        layers.add(new BinaryActivation(in, 1f));
      }
      Linear linear = Linear.of("fc" + (l + 1), in, out, weights[l], biases[l]);
      ActivationQuant output = null;
      if (variant == Variant.INT4) {
        IntegerWeightTransform q =
            generated ? int4Weights(l) : PerChannelWeightQuant.nearest(QuantType.INT4);
        ActivationQuant input = (ActivationQuant) layers.get(layers.size() - 1);
        output =
            ActivationQuant.movingAverage(
                out, generated ? activations(Math.min(l + 1, 2)) : ActivationFakeQuant.INT8);
        layers.add(int4Linear(linear, q, input, output, !last));
      } else {
        layers.add(linear.withTransform(generated ? binaryWeights(l) : new BinaryWeights()));
      }
      if (!last && variant != Variant.XNOR) {
        layers.add(new Relu(out));
      }
      if (output != null) {
        layers.add(output);
      }
    }
    return Network.of(layers);
  }

  /** The generated INT4 weight operator of layer {@code l} (0-based). */
  private static IntegerWeightTransform int4Weights(int l) {
    return l == 0
        ? Fc1_Int4FakeQuant.nearest()
        : l == 1 ? Fc2_Int4FakeQuant.nearest() : Fc3_Int4FakeQuant.nearest();
  }

  /** The generated binary weight operator of layer {@code l} (0-based). */
  private static BinaryWeightTransform binaryWeights(int l) {
    return l == 0
        ? new Fc1_BinaryFakeQuant()
        : l == 1 ? new Fc2_BinaryFakeQuant() : new Fc3_BinaryFakeQuant();
  }

  /** The generated static int8 activation operator of layer {@code l}'s INT8 variant (0-based). */
  private static ActivationFakeQuant activations(int l) {
    return l == 0
        ? Fc1_Int8FakeQuant.ACTIVATIONS
        : l == 1 ? Fc2_Int8FakeQuant.ACTIVATIONS : Fc3_Int8FakeQuant.ACTIVATIONS;
  }

  /**
   * An INT4 layer between two int8 boundaries: fake-quant weights and int32 bias in training, the
   * STATIC integer kernel in evaluation (so the evaluated network predicts as the integer model).
   */
  private static Linear int4Linear(
      Linear linear,
      IntegerWeightTransform q,
      ActivationQuant input,
      ActivationQuant output,
      boolean relu) {
    return linear
        .withTransform(q)
        .withBiasTransform(new Int32Bias(input, q))
        .withEvaluationKernel(
            new IntegerKernelForward(input, q, output, relu ? Activation.RELU : Activation.NONE));
  }

  /** Reads {@code fc1.weight, fc1.bias, ...} of the MLP from an npz file. */
  public static float[][][] readMlp(Path file) throws IOException {
    float[][] w = new float[3][];
    float[][] b = new float[3][];
    try (WeightSource source = WeightSource.open(file)) {
      for (int l = 0; l < 3; l++) {
        String layer = "fc" + (l + 1);
        w[l] = source.get(layer, layer + ".weight", Shape.of(SIZES[l + 1], SIZES[l])).toArray();
        b[l] = source.get(layer, layer + ".bias", Shape.of(SIZES[l + 1])).toArray();
      }
    }
    return new float[][][] {w, b};
  }

  /**
   * Saves the trained network: each Linear's float weight and bias under PyTorch names, and each
   * activation range as {@code act<k>.range = [lo, hi]} in boundary order.
   */
  public static void save(Network network, Path file) throws IOException {
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    int boundary = 0;
    for (Layer layer : network.layers()) {
      if (layer instanceof Linear linear) {
        tensors.put(
            linear.name() + ".weight",
            FloatTensor.of(Shape.of(linear.outputSize(), linear.inputSize()), linear.weight()));
        tensors.put(
            linear.name() + ".bias", FloatTensor.of(Shape.of(linear.outputSize()), linear.bias()));
      } else if (layer instanceof ActivationQuant q) {
        tensors.put("act" + boundary++ + ".range", FloatTensor.of(Shape.of(2), q.range()));
      }
    }
    NpyWriter.writeNpz(file, tensors, true);
  }

  /** The network saved by {@link #save}, ready for evaluation (activation ranges fixed). */
  public static Network load(Variant variant, Path file) throws IOException {
    float[][][] wb = readMlp(file);
    Network trained = mlp(variant, wb[0], wb[1]);
    if (variant != Variant.INT4) {
      return trained;
    }
    List<ActivationQuant> boundaries = new ArrayList<>();
    try (WeightSource source = WeightSource.open(file)) {
      for (Layer layer : trained.layers()) {
        if (layer instanceof ActivationQuant) {
          String name = "act" + boundaries.size();
          float[] range = source.get(name, name + ".range", Shape.of(2)).toArray();
          boundaries.add(
              ActivationQuant.fixedRange(
                  layer.inputSize(), range[0], range[1], ((ActivationQuant) layer).operator()));
        }
      }
    }
    List<Layer> layers = new ArrayList<>();
    int boundary = 0;
    List<Layer> trainedLayers = trained.layers();
    for (int k = 0; k < trainedLayers.size(); k++) {
      Layer layer = trainedLayers.get(k);
      if (layer instanceof ActivationQuant) {
        layers.add(boundaries.get(boundary++));
      } else if (layer instanceof Linear linear) {
        boolean relu = k + 1 < trainedLayers.size() && trainedLayers.get(k + 1) instanceof Relu;
        layers.add(
            int4Linear(
                linear,
                (IntegerWeightTransform) linear.transform(),
                boundaries.get(boundary - 1),
                boundaries.get(boundary),
                relu));
      } else {
        layers.add(layer);
      }
    }
    return Network.of(layers);
  }
}
