package dev.quantgen.onnx;

import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chain of dense layers (a multilayer perceptron: {@link FloatModel}, or a {@link
 * QuantizedModel} from post-training quantization) as an ONNX model (opset 13), so that ONNX
 * Runtime can run the very same operands as our kernels. Every model has the input {@link #INPUT}
 * of shape {@code [N, in]} and the float output {@link #OUTPUT} of shape {@code [N, out]}.
 *
 * <ul>
 *   <li>{@link #fp32}: {@code Gemm} ({@code transB = 1}, the weights stay {@code [out, in]}) and
 *       the activation ({@code Relu}, or {@code Clip} for ReLU6 and clip bounds) per layer.
 *   <li>{@link #staticQdq}: the static INT8 model as a QDQ graph. {@code QuantizeLinear} on the
 *       input; per layer {@code DequantizeLinear} of the quantized input, of the quantized weights
 *       (axis 0, one scale per output channel, or one per tensor) and of the int32 bias (scale
 *       {@code sa * sw[c]}, the float32 product the bias was rounded with), then {@code Gemm}, the
 *       activation and {@code QuantizeLinear} with the layer's calibrated output parameters. The
 *       last layer's quantized output is the second output {@link #QUANTIZED_OUTPUT}.
 *   <li>{@link #dynamic}: the dynamic INT8 model as ONNX spells it: {@code DynamicQuantizeLinear}
 *       (uint8), {@code MatMulInteger} with the transposed weights and their zero points, {@code
 *       Cast} to float, {@code Mul} by {@code sa * sw[c]}, {@code Add} of the float bias and the
 *       activation, in the order our dynamic kernels compute them.
 * </ul>
 *
 * <p>Activation type of the QDQ graph: our calibration produces int8 activations; {@link
 * QuantType#UINT8} writes the same quantization shifted by 128 ({@code q + 128} with zero point
 * {@code z + 128}, which is exactly {@code saturate(rint(x / s) + z + 128)} in [0, 255]), the type
 * ONNX Runtime's x86 kernels fuse into integer {@code QGemm}.
 *
 * <p>Running the quantized models in ONNX Runtime on x86 without VNNI: set the session option
 * {@code session.x64quantprecision = 1}. Its default uint8 x int8 kernel (VPMADDUBSW) adds pairs of
 * products in int16 with saturation, so its accumulators, unlike ours, can be wrong.
 */
public final class DenseOnnxExporter {
  /** The graph input: float32 {@code [N, in]}. */
  public static final String INPUT = "input";

  /** The float32 output {@code [N, out]}: the dequantized last layer in the quantized graphs. */
  public static final String OUTPUT = "logits";

  /** The QDQ graph's last quantized tensor, {@code [N, out]} of the chosen activation type. */
  public static final String QUANTIZED_OUTPUT = "logits_quantized";

  private static final int OPSET = 13;

  private final GraphWriter graph;

  private DenseOnnxExporter(String name) {
    this.graph = new GraphWriter(name);
  }

  /** The FP32 model: one {@code Gemm} and activation per layer. */
  public static byte[] fp32(FloatModel model) {
    DenseOnnxExporter e = new DenseOnnxExporter("quantgen fp32 dense chain");
    e.graph.input(INPUT, GraphWriter.FLOAT, model.inputSize());
    String x = INPUT;
    List<FloatLayer> layers = model.layers();
    for (int k = 0; k < layers.size(); k++) {
      FloatLayer layer = layers.get(k);
      DenseWeights w = layer.weights();
      String id = "l" + k + "_" + layer.name();
      e.graph.floats(id + "_w", w.weights(), w.out(), w.in());
      e.graph.floats(id + "_b", w.hasBias() ? w.bias() : new float[w.out()], w.out());
      e.graph
          .node("Gemm", id, x, id + "_w", id + "_b", id + "_acc")
          .addAttribute(GraphWriter.integer("transB", 1));
      x =
          e.activation(
              id, id + "_acc", layer.activation(), k == layers.size() - 1 ? OUTPUT : id + "_y");
    }
    e.graph.output(OUTPUT, GraphWriter.FLOAT, model.outputSize());
    return e.graph.toModel(OPSET);
  }

  /**
   * The static INT8 model as a QDQ graph whose activations are {@code activationType}.
   *
   * @throws IllegalArgumentException if {@code activationType} is neither INT8 nor UINT8, a layer
   *     is not quantized with static activations and {@link RequantMode#FLOAT} (ONNX)
   *     requantization, or a layer's output parameters differ from the next layer's input
   *     parameters
   */
  public static byte[] staticQdq(QuantizedModel model, QuantType activationType) {
    if (activationType != QuantType.INT8 && activationType != QuantType.UINT8) {
      throw new IllegalArgumentException(
          "activationType: expected INT8 or UINT8, got " + activationType);
    }
    List<QuantizedDenseParams> layers = quantizedLayers(model, ActivationMode.STATIC);
    for (int k = 0; k < layers.size(); k++) {
      QuantizedDenseParams p = layers.get(k);
      if (p.config().requantization() != RequantMode.FLOAT) {
        throw new IllegalArgumentException(
            "model: layer "
                + k
                + " ("
                + model.layer(k).name()
                + ") requantizes "
                + p.config().requantization()
                + ", expected FLOAT (the QDQ pattern requantizes in floating point, as ONNX)");
      }
      // the graph has one tensor per boundary, so both sides of it must quantize alike
      ActivationParams previous = k == 0 ? null : layers.get(k - 1).requantization().output();
      if (previous != null && !previous.equals(p.requantization().input())) {
        throw new IllegalArgumentException(
            "model: layer "
                + k
                + " ("
                + model.layer(k).name()
                + ") reads "
                + p.requantization().input()
                + ", expected the previous layer's output params "
                + previous);
      }
    }
    boolean unsigned = activationType == QuantType.UINT8;
    DenseOnnxExporter e = new DenseOnnxExporter("quantgen static int8 dense chain (QDQ)");
    e.graph.input(INPUT, GraphWriter.FLOAT, model.inputSize());
    String q =
        e.quantize("input", INPUT, layers.get(0).requantization().input(), unsigned, "input_q");
    for (int k = 0; k < layers.size(); k++) {
      String id = "l" + k + "_" + model.layer(k).name();
      String y = k == layers.size() - 1 ? QUANTIZED_OUTPUT : id + "_q";
      q = e.staticLayer(id, q, layers.get(k), unsigned, y);
    }
    ActivationParams out = layers.get(layers.size() - 1).requantization().output();
    e.scalars("output", out, unsigned);
    e.graph.node("DequantizeLinear", "output_dq", q, "output_scale", "output_zero", OUTPUT);
    e.graph.output(
        QUANTIZED_OUTPUT, unsigned ? GraphWriter.UINT8 : GraphWriter.INT8, model.outputSize());
    e.graph.output(OUTPUT, GraphWriter.FLOAT, model.outputSize());
    return e.graph.toModel(OPSET);
  }

  /**
   * The dynamic INT8 (or INT4-valued) model: {@code DynamicQuantizeLinear} and {@code
   * MatMulInteger}.
   *
   * @throws IllegalArgumentException if a layer is not quantized with dynamic activations, or has
   *     blockwise weight scales (MatMulInteger has one scale per column at most)
   */
  public static byte[] dynamic(QuantizedModel model) {
    List<QuantizedDenseParams> layers = quantizedLayers(model, ActivationMode.DYNAMIC);
    for (int k = 0; k < layers.size(); k++) {
      if (layers.get(k).config().blockSize() != 0) {
        throw new IllegalArgumentException(
            "model: layer "
                + k
                + " ("
                + model.layer(k).name()
                + ") has blockSize "
                + layers.get(k).config().blockSize()
                + ", expected 0 (MatMulInteger has no blockwise scales)");
      }
    }
    DenseOnnxExporter e = new DenseOnnxExporter("quantgen dynamic int8 dense chain");
    e.graph.input(INPUT, GraphWriter.FLOAT, model.inputSize());
    String x = INPUT;
    for (int k = 0; k < layers.size(); k++) {
      String id = "l" + k + "_" + model.layer(k).name();
      x = e.dynamicLayer(id, x, layers.get(k), k == layers.size() - 1 ? OUTPUT : id + "_y");
    }
    e.graph.output(OUTPUT, GraphWriter.FLOAT, model.outputSize());
    return e.graph.toModel(OPSET);
  }

  /** Each layer's parameters, checked to be INT8/INT4 layers in {@code mode}. */
  private static List<QuantizedDenseParams> quantizedLayers(
      QuantizedModel model, ActivationMode mode) {
    List<QuantizedDenseParams> params = new ArrayList<>();
    for (int k = 0; k < model.size(); k++) {
      PreparedLayer layer = model.layer(k);
      if (!(layer instanceof PreparedLayer.Quantized q) || q.params().config().mode() != mode) {
        throw new IllegalArgumentException(
            "model: layer "
                + k
                + " ("
                + layer.name()
                + ") is "
                + layer.label()
                + ", expected INT8 or INT4 weights with "
                + mode
                + " activations");
      }
      params.add(q.params());
    }
    return params;
  }

  /** DQ(x), DQ(w), DQ(b) -> Gemm -> activation -> Q; returns the quantized output's name. */
  private String staticLayer(
      String id, String x, QuantizedDenseParams p, boolean unsigned, String output) {
    StaticRequantization r = p.requantization();
    ActivationParams in = r.input();
    scalars(id + "_x", in, unsigned);
    graph.node("DequantizeLinear", id + "_x_dq", x, id + "_x_scale", id + "_x_zero", id + "_xf");

    float[] scales = p.scales();
    long[] perChannel = scales.length == 1 ? new long[0] : new long[] {scales.length};
    graph.bytes(id + "_w", GraphWriter.INT8, weightMatrix(p, false), p.out(), p.in());
    graph.floats(id + "_w_scale", scales, perChannel);
    graph.bytes(id + "_w_zero", GraphWriter.INT8, p.zeroPoints(), perChannel);
    graph
        .node(
            "DequantizeLinear",
            id + "_w_dq",
            id + "_w",
            id + "_w_scale",
            id + "_w_zero",
            id + "_wf")
        .addAttribute(GraphWriter.integer("axis", 0));

    float[] biasScales = new float[scales.length];
    for (int k = 0; k < scales.length; k++) {
      biasScales[k] = in.scale() * scales[k]; // the float32 product the int32 bias was rounded with
    }
    graph.ints(id + "_b", r.bias(), p.out());
    graph.floats(id + "_b_scale", biasScales, perChannel);
    graph.ints(id + "_b_zero", new int[scales.length], perChannel);
    graph
        .node(
            "DequantizeLinear",
            id + "_b_dq",
            id + "_b",
            id + "_b_scale",
            id + "_b_zero",
            id + "_bf")
        .addAttribute(GraphWriter.integer("axis", 0));

    graph
        .node("Gemm", id, id + "_xf", id + "_wf", id + "_bf", id + "_acc")
        .addAttribute(GraphWriter.integer("transB", 1));
    String y = activation(id, id + "_acc", p.config().activation(), id + "_act");
    return quantize(id + "_y", y, r.output(), unsigned, output);
  }

  /**
   * DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add -> activation; returns the output.
   */
  private String dynamicLayer(String id, String x, QuantizedDenseParams p, String output) {
    graph
        .node("DynamicQuantizeLinear", id + "_x_dql", x, id + "_xq")
        .addOutput(id + "_x_scale")
        .addOutput(id + "_x_zero");
    float[] scales = p.scales();
    long[] perColumn = scales.length == 1 ? new long[0] : new long[] {scales.length};
    graph.bytes(id + "_w", GraphWriter.INT8, weightMatrix(p, true), p.in(), p.out());
    graph.bytes(id + "_w_zero", GraphWriter.INT8, p.zeroPoints(), perColumn);
    graph.node(
        "MatMulInteger", id, id + "_xq", id + "_w", id + "_x_zero", id + "_w_zero", id + "_acc");
    graph
        .node("Cast", id + "_cast", id + "_acc", id + "_accf")
        .addAttribute(GraphWriter.integer("to", GraphWriter.FLOAT));
    graph.floats(id + "_w_scale", scales, perColumn);
    graph.node("Mul", id + "_scale", id + "_x_scale", id + "_w_scale", id + "_s");
    String y = id + "_scaled";
    graph.node("Mul", id + "_rescale", id + "_accf", id + "_s", y);
    if (p.bias() != null) {
      graph.floats(id + "_b", p.bias(), p.out());
      graph.node("Add", id + "_bias", y, id + "_b", id + "_biased");
      y = id + "_biased";
    }
    return activation(id, y, p.config().activation(), output);
  }

  /** {@code x} through the activation into {@code output} (an Identity when there is none). */
  private String activation(String id, String x, Activation activation, String output) {
    switch (activation.kind()) {
      case RELU:
        graph.node("Relu", id + "_relu", x, output);
        break;
      case RELU6:
        graph.floats(id + "_zero", new float[] {0f});
        graph.floats(id + "_six", new float[] {6f});
        graph.node("Clip", id + "_relu6", x, id + "_zero", id + "_six", output);
        break;
      case CLIP:
        // an infinite bound is a float like any other to Clip: min(max(x, -inf), hi) = min(x, hi)
        graph.floats(id + "_clip_min", new float[] {activation.lower()});
        graph.floats(id + "_clip_max", new float[] {activation.upper()});
        graph.node("Clip", id + "_clip", x, id + "_clip_min", id + "_clip_max", output);
        break;
      default:
        graph.node("Identity", id + "_linear", x, output);
    }
    return output;
  }

  private String quantize(
      String id, String x, ActivationParams p, boolean unsigned, String output) {
    scalars(id, p, unsigned);
    graph.node("QuantizeLinear", id + "_q", x, id + "_scale", id + "_zero", output);
    return output;
  }

  /** The scale and zero point initializers of one activation boundary. */
  private void scalars(String id, ActivationParams p, boolean unsigned) {
    graph.floats(id + "_scale", new float[] {p.scale()});
    graph.bytes(
        id + "_zero",
        unsigned ? GraphWriter.UINT8 : GraphWriter.INT8,
        new int[] {unsigned ? p.zeroPoint() + 128 : p.zeroPoint()});
  }

  /**
   * The unpacked quantized weights, {@code [out, in]} row-major or, transposed, {@code [in, out]}.
   */
  private static int[] weightMatrix(QuantizedDenseParams p, boolean transposed) {
    int[] w = new int[p.in() * p.out()];
    for (int c = 0; c < p.out(); c++) {
      for (int i = 0; i < p.in(); i++) {
        w[transposed ? i * p.out() + c : c * p.in() + i] = p.weight(c, i);
      }
    }
    return w;
  }
}
