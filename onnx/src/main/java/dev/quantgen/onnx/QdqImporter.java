package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.conv.WindowGeometry;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Imports a pre-quantized ONNX model (a QDQ graph written by ONNX Runtime's quantizer, PyTorch's
 * export or {@link QdqExporter}) as it is: its scales, zero points, int8 weights and int32 biases
 * run on the static INT8 layers, with no calibration ({@link QdqModel}).
 *
 * <p>Recognized, in a sequential graph with one input:
 *
 * <ul>
 *   <li>{@code QuantizeLinear} of the float input: the input parameters (int8 or uint8, per
 *       tensor).
 *   <li>{@code DequantizeLinear} of the chain's quantized tensor, then {@code Conv}, {@code Gemm}
 *       or {@code MatMul} whose weight is a {@code DequantizeLinear} of an int8 or uint8
 *       initializer (per tensor, or per axis on the output channels) and whose bias, if any, is a
 *       {@code DequantizeLinear} of an int32 initializer with zero point 0 and scale {@code sx *
 *       sw} (the float32 product); then optionally {@code Relu} or {@code Clip} with constant
 *       bounds (int8 codes clamped to the bounds quantized with the output's parameters, which is
 *       exactly the Clip before the QuantizeLinear: quantization is monotone); then {@code
 *       QuantizeLinear}: one static INT8 layer.
 *   <li>{@code MaxPool}, {@code Flatten}, {@code Reshape} (keeping the batch axis) and {@code
 *       Identity} on quantized codes, or between a {@code DequantizeLinear} and a {@code
 *       QuantizeLinear} with the same parameters (max and reshape commute with both exactly).
 *   <li>{@code Add} of the chain's {@code DequantizeLinear} and one of an earlier layer's (or the
 *       input's) codes, then {@code QuantizeLinear}: QLinearAdd with the file's parameters; {@code
 *       Concat} on the channels (axis 1) of the same two, the chain first: QLinearConcat (each
 *       input dequantized with its own parameters, quantized with the output's).
 *   <li>{@code GlobalAveragePool} between a {@code DequantizeLinear} and a {@code QuantizeLinear}:
 *       ONNX Runtime's QLinearGlobalAveragePool, with its arithmetic (an integer sum, one float32
 *       multiplier; see {@link QLinearGlobalAveragePool}).
 *   <li>Graph outputs: the last quantized tensor and/or its {@code DequantizeLinear}.
 * </ul>
 *
 * <p>Conv, MatMul and Gemm layers requantize their exact int32 accumulator as ONNX Runtime does on
 * the CPU by default ({@link Rounding#ONNX_RUNTIME}: the product {@code acc * M} rounded to float32
 * before {@code rint}), or with the runtime's float64 product ({@link Rounding#FLOAT64}).
 *
 * <p>Weights with a nonzero zero point (uint8 weights, asymmetric int8 weights) are run as {@code
 * qw - zw} (held in int16 when a difference leaves [-128, 127]), which gives exactly ONNX's integer
 * accumulator. Everything else is rejected with an {@link UnsupportedOperatorException} naming the
 * node and why it cannot run exactly: per-axis activation scales, a float operator between a
 * DequantizeLinear and a QuantizeLinear, a float Conv input or weight, a float bias, a bias scale
 * other than {@code sx * sw}, Gemm alpha or beta other than 1, blocked quantization, a
 * requantization with no operator between.
 */
public final class QdqImporter {
  /** The operators a QDQ import reads. */
  public static final List<String> SUPPORTED_OPERATORS =
      List.of(
          "QuantizeLinear",
          "DequantizeLinear",
          "Conv",
          "Gemm",
          "MatMul",
          "Relu",
          "Clip",
          "Add",
          "Concat",
          "MaxPool",
          "GlobalAveragePool",
          "Flatten",
          "Reshape",
          "Identity",
          "Constant");

  /** How a Conv, MatMul or Gemm layer rounds {@code acc * M}, its requantization. */
  public enum Rounding {
    /**
     * ONNX Runtime's CPU arithmetic (MLAS, {@link OrtRequantization}): {@code rint(fl32(fl32(acc) *
     * M))}, what its QLinearConv and QGemm compute for the fused QDQ groups. The default: a model
     * imported as it is gives ORT's outputs.
     */
    ONNX_RUNTIME,
    /**
     * The runtime's {@link RequantMode#FLOAT}: {@code rint(acc * M)} with the product in float64,
     * as {@link Int8Executor} and the generated kernels compute. Equal to {@link #ONNX_RUNTIME}
     * except where the float32 product moves a value across a .5 boundary.
     */
    FLOAT64
  }

  private final OnnxModel model;
  private final Rounding rounding;
  private final Map<String, OnnxTensor> constants;
  private final Map<String, Value> values = new HashMap<>();

  /** The layer whose output each codes tensor is (-1: the quantized input), for residual Adds. */
  private final Map<String, Integer> codesLayer = new HashMap<>();

  private final List<QdqModel.Layer> layers = new ArrayList<>();
  private int affineLayers;
  private QuantParams inputParams;

  /** The name of the chain's latest quantized tensor: what the next layer must read. */
  private String current;

  private QdqImporter(OnnxModel model, Rounding rounding) {
    this.model = model;
    this.rounding = rounding;
    this.constants = new HashMap<>(model.initializers());
  }

  /**
   * Imports {@code model}.
   *
   * @throws UnsupportedOperatorException naming the node (or the graph input or output) and why its
   *     pattern cannot run exactly on the int8 layers, or the file and a constant of the wrong
   *     element type
   */
  public static QdqModel importModel(OnnxModel model) {
    return importModel(model, Rounding.ONNX_RUNTIME);
  }

  /**
   * Imports {@code model}, its Conv, MatMul and Gemm layers requantized with {@code rounding}.
   *
   * @throws UnsupportedOperatorException as {@link #importModel(OnnxModel)}
   */
  public static QdqModel importModel(OnnxModel model, Rounding rounding) {
    java.util.Objects.requireNonNull(rounding, "rounding");
    try {
      return new QdqImporter(model, rounding).run();
    } catch (UnsupportedOperatorException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // a constant of another element type than its role needs (a scale held as int32, say):
      // OnnxTensor's
      // message names the tensor and the type expected; this names the file
      throw new UnsupportedOperatorException(model.source() + ": " + e.getMessage());
    }
  }

  // ---- the values flowing through the graph ----

  private sealed interface Value
      permits FloatInput, Codes, Real, Pending, QConst, Sum, Cat, Average {}

  /**
   * A GlobalAveragePool of the chain's dequantized codes, before its QuantizeLinear; {@code shape}
   * is the pooled {@code [C, 1, 1]}.
   */
  private record Average(Real input, OnnxNode node, Shape shape) implements Value {}

  /**
   * An Add of the chain's dequantized codes and an earlier layer's (a residual connection), before
   * its QuantizeLinear.
   */
  private record Sum(Real chain, Real other, int from, OnnxNode node) implements Value {}

  /**
   * A channel Concat of the chain's dequantized codes (first) and an earlier layer's (or the
   * input's), before its QuantizeLinear; {@code shape} is the concatenated {@code [C, H, W]}.
   */
  private record Cat(Real chain, Real other, int from, OnnxNode node, Shape shape)
      implements Value {}

  /** The graph's float input, before its QuantizeLinear. */
  private record FloatInput(Shape shape) implements Value {}

  /**
   * Quantized codes of the chain (held in int8: uint8 shifted by 128), with the parameters that
   * wrote them.
   */
  private record Codes(String name, QuantParams params, QuantType fileType, Shape shape)
      implements Value {}

  /**
   * A float tensor that is exactly {@code DequantizeLinear(codes)} with {@code params} (int8
   * domain).
   */
  private record Real(Codes of, QuantParams params, String node) implements Value {}

  /** The {@code DequantizeLinear} of an integer initializer: a weight or a bias. */
  private record QConst(OnnxTensor values, float[] scales, int[] zeroPoints, int axis, String node)
      implements Value {
    boolean perTensor() {
      return scales.length == 1;
    }
  }

  /** A Conv or dense layer's float result, waiting for its activation and QuantizeLinear. */
  private static final class Pending implements Value {
    final OnnxNode node;
    final boolean conv;
    final IntTensor weights; // [M, C / groups, kh, kw]; dense as [out, in, 1, 1]
    final float[] weightScales;
    final int[] bias;
    final Window2d window;
    final int groups;
    final Real input;
    final Shape outputShape;
    final String weightDescription;
    final List<String> sources = new ArrayList<>();
    Activation activation = Activation.NONE;

    Pending(
        OnnxNode node,
        boolean conv,
        IntTensor weights,
        float[] weightScales,
        int[] bias,
        Window2d window,
        int groups,
        Real input,
        Shape outputShape,
        String weightDescription) {
      this.node = node;
      this.conv = conv;
      this.weights = weights;
      this.weightScales = weightScales;
      this.bias = bias;
      this.window = window;
      this.groups = groups;
      this.input = input;
      this.outputShape = outputShape;
      this.weightDescription = weightDescription;
      sources.add(node.name());
    }
  }

  // ---- the walk ----

  private QdqModel run() {
    if (model.inputs().size() != 1) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": "
              + model.inputs().size()
              + " inputs, expected one (a sequential model)");
    }
    OnnxValueInfo input = model.inputs().get(0);
    long[] dims = input.dims();
    if (dims.length != 4 && dims.length != 2) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": input "
              + input
              + " has rank "
              + dims.length
              + ", expected [N, C, H, W] or [N, K]");
    }
    int[] perSample = new int[dims.length - 1];
    for (int i = 1; i < dims.length; i++) {
      if (dims[i] < 1 || dims[i] > Integer.MAX_VALUE) {
        throw new UnsupportedOperatorException(
            model.source()
                + ": input "
                + input
                + " has dimension "
                + i
                + " = "
                + dims[i]
                + ", expected a fixed positive size (only the batch may be symbolic)");
      }
      perSample[i - 1] = (int) dims[i];
    }
    Shape inputShape = Shape.of(perSample);
    values.put(input.name(), new FloatInput(inputShape));
    if (model.nodes().stream().noneMatch(n -> n.opType().equals("QuantizeLinear"))) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": no QuantizeLinear node: not a pre-quantized (QDQ)"
              + " model; run a float model at fp32, fp16, int8, int4 or binary instead");
    }
    for (OnnxNode node : model.nodes()) {
      lowerNode(node);
    }
    if (inputParams == null) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": the input '"
              + input.name()
              + "' is not quantized by a QuantizeLinear: expected a QDQ model");
    }
    QuantParams outputParams = null;
    Codes last = null;
    for (OnnxValueInfo out : model.outputs()) {
      Value v = values.get(out.name());
      Codes codes = v instanceof Codes c ? c : v instanceof Real r ? r.of() : null;
      if (v instanceof Pending p) {
        throw new UnsupportedOperatorException(
            model.source()
                + ": graph output '"
                + out.name()
                + "' is the float result of "
                + p.node.describe()
                + ", not quantized by a QuantizeLinear: expected"
                + " the last quantized tensor or its DequantizeLinear");
      }
      if (codes == null || !codes.name().equals(current)) {
        throw new UnsupportedOperatorException(
            model.source()
                + ": graph output '"
                + out.name()
                + "' is not the end of the quantized chain '"
                + current
                + "': expected the last quantized tensor or"
                + " its DequantizeLinear (a sequential model)");
      }
      last = codes;
      if (v instanceof Real r) {
        outputParams = r.params();
      }
    }
    if (last == null) {
      throw new UnsupportedOperatorException(model.source() + ": no graph output, expected one");
    }
    if (affineLayers == 0) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": no quantized Conv, MatMul or Gemm: expected at"
              + " least one DequantizeLinear -> Conv/MatMul/Gemm -> QuantizeLinear group");
    }
    return new QdqModel(
        model.source(),
        input.name(),
        inputShape,
        inputParams,
        layers,
        outputParams != null ? outputParams : last.params(),
        last.fileType(),
        last.shape());
  }

  private void lowerNode(OnnxNode node) {
    switch (node.opType()) {
      case "Constant" -> {
        OnnxTensor value =
            node.attribute("value")
                .orElseThrow(() -> unsupported(node, "has no 'value' tensor attribute"))
                .asTensor();
        constants.put(output(node), value);
      }
      case "Identity" -> {
        String in = node.input(0);
        if (constants.containsKey(in)) {
          constants.put(output(node), constants.get(in));
        } else {
          Value v = value(node, 0);
          if (v instanceof Codes c) { // the same codes under a new name: the chain moves to it
            requireCurrent(node, c);
            Codes renamed = new Codes(output(node), c.params(), c.fileType(), c.shape());
            put(renamed);
          } else {
            values.put(output(node), v);
          }
        }
      }
      case "Reshape" -> {
        if (constants.containsKey(
            node.input(0))) { // a weight reshaped at load time (mnist-8 does so)
          OnnxTensor data = constants.get(node.input(0));
          OnnxTensor shape = constant(node, 1);
          constants.put(
              output(node),
              data.reshaped(
                  data.name(),
                  Shape.of(
                      GraphLowering.resolveReshape(node, data.shape().dims(), shape.longs()))));
        } else {
          reshape(node);
        }
      }
      case "QuantizeLinear" -> quantize(node);
      case "DequantizeLinear" -> dequantize(node);
      case "Conv" -> conv(node);
      case "Gemm" -> gemm(node);
      case "MatMul" -> dense(node, false, null);
      case "Relu" -> activation(node, Activation.RELU);
      case "Clip" -> clip(node);
      case "Add" -> add(node);
      case "Concat" -> concat(node);
      case "MaxPool" -> maxPool(node);
      case "GlobalAveragePool" -> globalAveragePool(node);
      case "Flatten" -> reshape(node);
      default -> throw unsupportedOperator(node);
    }
  }

  private UnsupportedOperatorException unsupportedOperator(OnnxNode node) {
    for (String in : node.inputs()) {
      Value v = values.get(in);
      if (v instanceof Pending p) {
        return unsupported(
            node,
            "operator '"
                + node.opType()
                + "' between "
                + p.node.describe()
                + " and its QuantizeLinear: only Relu and Clip with constant bounds can be fused there; a float operator in"
                + " between cannot run exactly on int8");
      }
      if (v instanceof Real r) {
        return unsupported(
            node,
            "operator '"
                + node.opType()
                + "' on the dequantized '"
                + in
                + "' (from "
                + r.node()
                + "): a float operator between DequantizeLinear and QuantizeLinear that the QDQ import"
                + " does not run; supported operators: "
                + String.join(", ", SUPPORTED_OPERATORS));
      }
    }
    return unsupported(
        node,
        "operator '"
            + node.opType()
            + "' is not supported in a QDQ model; supported"
            + " operators: "
            + String.join(", ", SUPPORTED_OPERATORS));
  }

  // ---- QuantizeLinear and DequantizeLinear ----

  private void quantize(OnnxNode node) {
    requireUnblocked(node);
    long outputType = node.longAttribute("output_dtype", 0);
    if (outputType != 0 && outputType != 2 && outputType != 3) { // 2 = uint8, 3 = int8
      throw unsupported(
          node, "output_dtype " + outputType + ": expected int8 or uint8 activations");
    }
    float scale = activationScale(node);
    OnnxTensor zero = zeroPointTensor(node);
    QuantType type =
        zero == null
            ? (outputType == 3 ? QuantType.INT8 : QuantType.UINT8)
            : activationType(node, zero);
    int z = zero == null ? 0 : zero.ints()[0];
    QuantParams params = int8Domain(scale, z, type);
    Value in = value(node, 0);
    String out = output(node);
    if (in instanceof FloatInput f) {
      if (inputParams != null) {
        throw unsupported(
            node, "quantizes the graph input a second time: expected one QuantizeLinear on it");
      }
      inputParams = params;
      put(new Codes(out, params, type, f.shape()));
    } else if (in instanceof Pending p) {
      finish(node, p, params, type);
    } else if (in instanceof Sum sum) {
      QuantParams a = sum.chain().params();
      QuantParams b = sum.other().params();
      Shape shape = sum.chain().of().shape();
      // QLinearAdd: each input dequantized with its DequantizeLinear's parameters, added in
      // float32, quantized
      layers.add(
          QdqModel.Layer.join(
              uniqueName(sum.node()),
              "Add (QLinearAdd) of the chain and "
                  + (sum.from() < 0 ? "the input" : "layer " + sum.from())
                  + ", "
                  + type.onnxName()
                  + " output",
              List.of(sum.node().name(), node.name()),
              shape,
              sum.from(),
              (x, other) ->
                  params.quantize(
                      FloatExecutor.perSample(
                          a.dequantize(x),
                          b.dequantize(other),
                          dev.quantgen.runtime.conv.GraphOps::add,
                          a.dequantize(x).shape()))));
      put(new Codes(out, params, type, shape));
    } else if (in instanceof Cat cat) {
      QuantParams a = cat.chain().params();
      QuantParams b = cat.other().params();
      // QLinearConcat: each input dequantized with its DequantizeLinear's parameters, placed
      // channel after channel, quantized with the output's (concatenation moves values only)
      layers.add(
          QdqModel.Layer.join(
              uniqueName(cat.node()),
              "Concat (QLinearConcat) of the chain and "
                  + (cat.from() < 0 ? "the input" : "layer " + cat.from())
                  + ", "
                  + type.onnxName()
                  + " output",
              List.of(cat.node().name(), node.name()),
              cat.shape(),
              cat.from(),
              (x, other) -> {
                FloatTensor fa = a.dequantize(x);
                int[] dims = fa.shape().dims().clone();
                dims[1] = cat.shape().dim(0);
                return params.quantize(
                    FloatExecutor.perSample(
                        fa,
                        b.dequantize(other),
                        dev.quantgen.runtime.conv.GraphOps::concat,
                        Shape.of(dims)));
              }));
      put(new Codes(out, params, type, cat.shape()));
    } else if (in instanceof Average avg) {
      finishAverage(node, avg, params, type);
    } else if (in instanceof Real r) {
      requireCurrent(node, r.of());
      if (!r.params().equals(params)) {
        throw unsupported(
            node,
            "requantizes '"
                + node.input(0)
                + "' from "
                + describe(r.params())
                + " to "
                + describe(params)
                + " with no operator between: expected the DequantizeLinear's parameters ("
                + "a bare requantization is not run)");
      }
      put(new Codes(out, params, type, r.of().shape()));
    } else {
      throw unsupported(
          node,
          "quantizes '"
              + node.input(0)
              + "', which is "
              + what(in)
              + ": expected the graph input, a dequantized activation, or a Conv, MatMul or Gemm result");
    }
  }

  private void dequantize(OnnxNode node) {
    requireUnblocked(node);
    String x = node.input(0);
    OnnxTensor constant = constants.get(x);
    if (constant != null) {
      values.put(output(node), constantDequantize(node, constant));
      return;
    }
    Value in = value(node, 0);
    if (!(in instanceof Codes c)) {
      throw unsupported(
          node,
          "dequantizes '"
              + x
              + "', which is "
              + what(in)
              + ": expected a quantized activation or an integer initializer");
    }
    if (!codesLayer.containsKey(c.name())) {
      requireCurrent(node, c); // a residual Add may read an earlier layer's codes; nothing else may
    }
    float scale = activationScale(node);
    OnnxTensor zero = zeroPointTensor(node);
    QuantType type = zero == null ? c.fileType() : activationType(node, zero);
    if (type != c.fileType()) {
      throw unsupported(
          node,
          "zero point of type "
              + type.onnxName()
              + " for the "
              + c.fileType().onnxName()
              + " tensor '"
              + x
              + "': expected the same type");
    }
    values.put(
        output(node),
        new Real(c, int8Domain(scale, zero == null ? 0 : zero.ints()[0], type), node.describe()));
  }

  /**
   * DequantizeLinear of an integer initializer: its values, scales and zero points, per tensor or
   * per axis.
   */
  private QConst constantDequantize(OnnxNode node, OnnxTensor x) {
    if (!x.isInteger()) {
      throw unsupported(
          node,
          "dequantizes the initializer '"
              + x.name()
              + "' of type "
              + x.type()
              + ": expected int8, uint8 or int32");
    }
    float[] scales = constant(node, 1).floats().toArray();
    int rank = x.shape().rank();
    long axisAttribute = node.longAttribute("axis", 1);
    int axis = (int) (axisAttribute < 0 ? axisAttribute + rank : axisAttribute);
    if (scales.length != 1) {
      if (constant(node, 1).shape().rank() != 1
          || axis < 0
          || axis >= rank
          || scales.length != x.shape().dim(axis)) {
        throw unsupported(
            node,
            "scale "
                + constant(node, 1).shape()
                + " with axis "
                + axisAttribute
                + " does not match '"
                + x.name()
                + "' "
                + x.shape()
                + ": expected one scale, or one per element of"
                + " the axis");
      }
    }
    for (int i = 0; i < scales.length; i++) {
      requireScale(node, scales[i]);
    }
    int[] zeros = new int[scales.length];
    if (!node.input(2).isEmpty()) {
      OnnxTensor z = constant(node, 2);
      if (z.type() != x.type() || z.shape().size() != scales.length) {
        throw unsupported(
            node,
            "zero point "
                + z
                + " does not match '"
                + x.name()
                + "' of type "
                + x.type()
                + " with "
                + scales.length
                + " scales: expected the same type and count");
      }
      zeros = z.ints();
    }
    return new QConst(x, scales, zeros, scales.length == 1 ? -1 : axis, node.describe());
  }

  /** The one scale of an activation; more than one (per-axis activation parameters) is rejected. */
  private float activationScale(OnnxNode node) {
    OnnxTensor s = constant(node, 1);
    if (s.type() != OnnxTensor.ElementType.FLOAT) {
      throw unsupported(node, "scale '" + s.name() + "' of type " + s.type() + ": expected float");
    }
    if (s.shape().size() != 1) {
      throw unsupported(
          node,
          "per-axis activation scales ("
              + s.shape().size()
              + " values on axis "
              + node.longAttribute("axis", 1)
              + "): the int8 layers take one scale and zero point per activation"
              + " tensor, so per-channel activation quantization cannot run exactly");
    }
    float scale = s.floats().get(0);
    requireScale(node, scale);
    return scale;
  }

  private OnnxTensor zeroPointTensor(OnnxNode node) {
    if (node.input(2).isEmpty()) {
      return null;
    }
    OnnxTensor z = constant(node, 2);
    if (z.shape().size() != 1) {
      throw unsupported(
          node,
          "per-axis activation zero points ("
              + z.shape().size()
              + " values): expected one"
              + " per tensor");
    }
    return z;
  }

  private static QuantType activationType(OnnxNode node, OnnxTensor zero) {
    return switch (zero.type()) {
      case INT8 -> QuantType.INT8;
      case UINT8 -> QuantType.UINT8;
      default ->
          throw unsupported(
              node,
              "zero point '"
                  + zero.name()
                  + "' of type "
                  + zero.type()
                  + ": expected int8 or uint8 activations");
    };
  }

  /**
   * Per-tensor parameters in the int8 domain: a uint8 zero point shifted by 128 (see {@link
   * QdqModel}).
   */
  private static QuantParams int8Domain(float scale, int zeroPoint, QuantType type) {
    return QuantParams.perTensor(
        scale, type == QuantType.UINT8 ? zeroPoint - 128 : zeroPoint, QuantType.INT8);
  }

  private static void requireScale(OnnxNode node, float scale) {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw unsupported(node, "scale " + scale + ": expected a positive finite value");
    }
  }

  private static void requireUnblocked(OnnxNode node) {
    long block = node.longAttribute("block_size", 0);
    if (block != 0) {
      throw unsupported(
          node, "block_size " + block + ": blocked quantization is not supported, expected 0");
    }
  }

  // ---- Conv, Gemm, MatMul ----

  private void conv(OnnxNode node) {
    Real x = dequantizedInput(node);
    if (x.of().shape().rank() != 3) {
      throw unsupported(
          node, "input " + x.of().shape() + " is not [C, H, W]: expected a 2-D feature map");
    }
    QConst w = weight(node, 1);
    Shape ws = w.values().shape();
    if (ws.rank() != 4) {
      throw unsupported(
          node, "weight " + ws + " has rank " + ws.rank() + ", expected [M, C/group, kh, kw]");
    }
    int m = ws.dim(0);
    if (!w.perTensor() && w.axis() != 0) {
      throw unsupported(
          node,
          "weight scales on axis "
              + w.axis()
              + ": expected one per tensor or one per output"
              + " channel (axis 0)");
    }
    int groups = node.intAttribute("group", 1, 1);
    long[] kernel = node.longsAttribute("kernel_shape");
    if (kernel != null
        && (kernel.length != 2 || kernel[0] != ws.dim(2) || kernel[1] != ws.dim(3))) {
      throw unsupported(
          node, "kernel_shape " + Arrays.toString(kernel) + " differs from the weight " + ws);
    }
    Shape in = x.of().shape();
    if ((long) ws.dim(1) * groups != in.dim(0) || m % groups != 0) {
      throw unsupported(
          node, "weight " + ws + " with group " + groups + " does not fit the input " + in);
    }
    Window2d window = GraphLowering.window(node, ws.dim(2), ws.dim(3), true);
    WindowGeometry g;
    try {
      g = window.resolve(in.dim(1), in.dim(2));
    } catch (IllegalArgumentException e) {
      throw unsupported(node, "window does not fit the input " + in + ": " + e.getMessage());
    }
    int[] q = weightCodes(w, i -> i / (ws.size() / m));
    float[] scales = perChannel(w.scales(), m);
    int[] bias = bias(node, 2, x, scales, m);
    put(
        node,
        new Pending(
            node,
            true,
            IntTensor.of(ws, weightType(q), q),
            scales,
            bias,
            window,
            groups,
            x,
            Shape.of(m, g.outHeight(), g.outWidth()),
            weightDescription(w, m)));
  }

  private void gemm(OnnxNode node) {
    if (node.longAttribute("transA", 0) != 0) {
      throw unsupported(node, "transA = 1: expected the activation as the untransposed A");
    }
    float alpha = node.floatAttribute("alpha", 1f);
    float beta = node.floatAttribute("beta", 1f);
    if (alpha != 1f || (beta != 1f && !node.input(2).isEmpty())) {
      throw unsupported(
          node,
          "alpha "
              + alpha
              + ", beta "
              + beta
              + ": a float scaling of the accumulator or bias"
              + " has no exact int8 form, expected 1 and 1");
    }
    dense(node, node.longAttribute("transB", 0) != 0, node.input(2).isEmpty() ? null : 2);
  }

  /**
   * A dense layer from {@code x B (+ C)}; B is {@code [K, N]}, or {@code [N, K]} when transposed.
   */
  private void dense(OnnxNode node, boolean transposed, Integer biasInput) {
    Real x = dequantizedInput(node);
    if (x.of().shape().rank() != 1) {
      throw unsupported(
          node,
          "input " + x.of().shape() + " is not a vector: expected a Flatten or Reshape before it");
    }
    QConst w = weight(node, 1);
    Shape ws = w.values().shape();
    if (ws.rank() != 2) {
      throw unsupported(node, "weight " + ws + " has rank " + ws.rank() + ", expected [K, N]");
    }
    int k = transposed ? ws.dim(1) : ws.dim(0);
    int n = transposed ? ws.dim(0) : ws.dim(1);
    int outAxis = transposed ? 0 : 1;
    if (k != x.of().shape().dim(0)) {
      throw unsupported(
          node, "weight " + ws + " expects " + k + " inputs, but the input is " + x.of().shape());
    }
    if (!w.perTensor() && w.axis() != outAxis) {
      throw unsupported(
          node,
          "weight scales on axis "
              + w.axis()
              + ": expected one per tensor or one per output"
              + " column (axis "
              + outAxis
              + ")");
    }
    int[] file = weightCodes(w, i -> transposed ? i / k : i % n);
    int[] q = new int[file.length]; // [out, in]
    for (int o = 0; o < n; o++) {
      for (int i = 0; i < k; i++) {
        q[o * k + i] = transposed ? file[o * k + i] : file[i * n + o];
      }
    }
    float[] scales = perChannel(w.scales(), n);
    int[] bias = biasInput == null ? new int[n] : bias(node, biasInput, x, scales, n);
    put(
        node,
        new Pending(
            node,
            false,
            IntTensor.of(Shape.of(n, k, 1, 1), weightType(q), q),
            scales,
            bias,
            Window2d.of(1, 1),
            1,
            x,
            Shape.of(n),
            weightDescription(w, n)));
  }

  private Real dequantizedInput(OnnxNode node) {
    Value v = value(node, 0);
    if (!(v instanceof Real r)) {
      throw unsupported(
          node,
          "input '"
              + node.input(0)
              + "' is "
              + what(v)
              + ": in a QDQ model the input must be"
              + " a DequantizeLinear of the quantized activation, or the "
              + node.opType()
              + " runs in float");
    }
    requireCurrent(node, r.of());
    return r;
  }

  private QConst weight(OnnxNode node, int input) {
    QConst w = qconst(node, input, "weight");
    if (w.values().type() != OnnxTensor.ElementType.INT8
        && w.values().type() != OnnxTensor.ElementType.UINT8) {
      throw unsupported(
          node,
          "weight '"
              + w.values().name()
              + "' is "
              + w.values().type()
              + ": expected int8 or uint8 behind the DequantizeLinear");
    }
    return w;
  }

  private QConst qconst(OnnxNode node, int input, String what) {
    String name = node.input(input);
    Value v = values.get(name);
    if (v instanceof QConst q) {
      return q;
    }
    if (constants.containsKey(name)) {
      throw unsupported(
          node,
          what
              + " '"
              + name
              + "' is a float initializer: in a QDQ model it must be a"
              + " DequantizeLinear of an integer initializer (a float "
              + what
              + " runs in float, not on int8)");
    }
    throw unsupported(
        node,
        what
            + " '"
            + name
            + "' is "
            + what(v)
            + ": expected a DequantizeLinear of an"
            + " integer initializer");
  }

  /**
   * The weight codes minus their zero points, in file order (each in [-255, 255]). {@code
   * channelOf} maps a flat index to its scale's index.
   */
  private static int[] weightCodes(QConst w, java.util.function.IntUnaryOperator channelOf) {
    int[] v = w.values().ints();
    for (int i = 0; i < v.length; i++) {
      int z = w.zeroPoints()[w.perTensor() ? 0 : channelOf.applyAsInt(i)];
      v[i] -= z;
    }
    return v;
  }

  /**
   * INT8 when every weight minus its zero point fits, else INT16 (see {@link
   * QuantizedConv2d#ofQuantized}).
   */
  private static QuantType weightType(int[] q) {
    return Arrays.stream(q).allMatch(v -> v >= -128 && v <= 127) ? QuantType.INT8 : QuantType.INT16;
  }

  private static float[] perChannel(float[] scales, int channels) {
    float[] s = new float[channels];
    for (int m = 0; m < channels; m++) {
      s[m] = scales[scales.length == 1 ? 0 : m];
    }
    return s;
  }

  /**
   * The int32 bias of a layer: zero point 0 and scale {@code sx * sw[m]} exactly (float32), as
   * QLinearConv assumes.
   */
  private int[] bias(OnnxNode node, int input, Real x, float[] weightScales, int channels) {
    if (node.input(input).isEmpty()) {
      return new int[channels];
    }
    QConst b = qconst(node, input, "bias");
    if (b.values().type() != OnnxTensor.ElementType.INT32) {
      throw unsupported(
          node,
          "bias '"
              + b.values().name()
              + "' is "
              + b.values().type()
              + ": expected int32 behind the DequantizeLinear");
    }
    if (b.values().shape().size() != channels) {
      throw unsupported(
          node,
          "bias '"
              + b.values().name()
              + "' has shape "
              + b.values().shape()
              + ", expected ["
              + channels
              + "]");
    }
    float sx = x.params().scales().get(0);
    for (int m = 0; m < channels; m++) {
      int z = b.zeroPoints()[b.perTensor() ? 0 : m];
      if (z != 0) {
        throw unsupported(
            node,
            "bias '" + b.values().name() + "' has zero point " + z + " at " + m + ": expected 0");
      }
      float scale = b.scales()[b.perTensor() ? 0 : m];
      float expected = sx * weightScales[m];
      if (scale != expected) {
        throw unsupported(
            node,
            "bias '"
                + b.values().name()
                + "' channel "
                + m
                + " has scale "
                + scale
                + ", but input scale * weight scale is "
                + expected
                + ": the int32 bias must share the accumulator's"
                + " scale to be added to it exactly");
      }
    }
    return b.values().ints();
  }

  private static String weightDescription(QConst w, int channels) {
    boolean zeros = Arrays.stream(w.zeroPoints()).anyMatch(z -> z != 0);
    return w.values().type().name().toLowerCase(java.util.Locale.ROOT)
        + " weights "
        + (w.perTensor() ? "per tensor" : "per channel (" + channels + " scales)")
        + (zeros ? " with zero points" : "");
  }

  // ---- activations fused before the QuantizeLinear ----

  private void activation(OnnxNode node, Activation activation) {
    Value v = value(node, 0);
    if (v instanceof Real r && activation == Activation.RELU) {
      standaloneRelu(node, r);
      return;
    }
    if (!(v instanceof Pending p) || p.activation != Activation.NONE) {
      throw unsupported(
          node,
          node.opType()
              + " on '"
              + node.input(0)
              + "', which is "
              + what(v)
              + ": expected it between a Conv, MatMul or Gemm and its QuantizeLinear (a standalone float activation"
              + " is not run)");
    }
    p.activation = activation;
    p.sources.add(node.name());
    values.put(output(node), p);
  }

  /**
   * {@code DequantizeLinear -> Relu} on the chain's codes: {@code max(DQ(q), 0) = DQ(max(q, z))}
   * exactly (dequantization is monotone and maps z to 0), so the codes are clamped at the zero
   * point and stay dequantized with the same parameters; a following QuantizeLinear must use them.
   */
  private void standaloneRelu(OnnxNode node, Real r) {
    requireCurrent(node, r.of());
    int z = r.params().zeroPoints().get(0);
    layers.add(
        new QdqModel.Layer(
            uniqueName(node),
            "Relu on codes (max with zero point " + z + ")",
            List.of(node.name()),
            r.of().shape(),
            x -> {
              int[] v = x.toArray();
              for (int i = 0; i < v.length; i++) {
                v[i] = Math.max(v[i], z);
              }
              return IntTensor.of(x.shape(), x.type(), v);
            }));
    advanceCodes(node, r.of(), r.of().shape());
  }

  private void clip(OnnxNode node) {
    float lo;
    float hi;
    if (node.attribute("min").isPresent()
        || node.attribute("max").isPresent()
        || node.inputs().size() == 1) {
      lo = node.floatAttribute("min", Float.NEGATIVE_INFINITY);
      hi = node.floatAttribute("max", Float.POSITIVE_INFINITY);
    } else {
      lo = node.input(1).isEmpty() ? Float.NEGATIVE_INFINITY : scalar(node, 1);
      hi = node.input(2).isEmpty() ? Float.POSITIVE_INFINITY : scalar(node, 2);
    }
    activation(node, ClipActivation.of(node, lo, hi));
  }

  private float scalar(OnnxNode node, int input) {
    OnnxTensor t = constant(node, input);
    if (t.type() != OnnxTensor.ElementType.FLOAT || t.shape().size() != 1) {
      throw unsupported(
          node, "input " + input + " '" + t.name() + "' is " + t + ", expected a float scalar");
    }
    return t.floats().get(0);
  }

  /** Ends a layer at its QuantizeLinear: the static INT8 layer from the file's parameters. */
  private void finish(OnnxNode quantize, Pending p, QuantParams output, QuantType type) {
    QuantizedConv2d q;
    try {
      q =
          QuantizedConv2d.ofQuantized(
              p.weights,
              p.weightScales,
              p.bias,
              p.window,
              p.groups,
              p.activation,
              p.input.params(),
              output,
              RequantMode.FLOAT);
    } catch (IllegalArgumentException e) {
      throw unsupported(p.node, e.getMessage());
    }
    p.sources.add(quantize.name());
    int in = p.weights.shape().dim(1);
    int out = p.weights.shape().dim(0);
    UnaryOperator<IntTensor> conv =
        rounding == Rounding.ONNX_RUNTIME ? x -> OrtRequantization.apply(q, x) : q::apply;
    UnaryOperator<IntTensor> step =
        p.conv
            ? conv
            : x ->
                reshape(
                    conv.apply(reshape(x, Shape.of(x.shape().dim(0), in, 1, 1))),
                    Shape.of(x.shape().dim(0), out));
    String kernel =
        p.conv
            ? "Conv "
                + p.window.kernelHeight()
                + "x"
                + p.window.kernelWidth()
                + (p.groups == 1 ? "" : " group " + p.groups)
            : p.node.opType() + " " + in + " -> " + out;
    String act =
        p.activation == Activation.NONE
            ? ""
            : " + " + p.activation.toString().toLowerCase(java.util.Locale.ROOT);
    layers.add(
        new QdqModel.Layer(
            uniqueName(p.node),
            kernel
                + act
                + ", "
                + p.weightDescription
                + ", int32 bias, "
                + type.onnxName()
                + " output",
            p.sources,
            p.outputShape,
            step));
    affineLayers++;
    put(new Codes(output(quantize), output, type, p.outputShape));
  }

  /** An Add of two dequantized activations: the chain's and an earlier layer's (or the input's). */
  private void add(OnnxNode node) {
    if (node.inputs().size() != 2
        || !(values.get(node.input(0)) instanceof Real a)
        || !(values.get(node.input(1)) instanceof Real b)) {
      throw unsupportedOperator(node);
    }
    boolean chainFirst = a.of().name().equals(current);
    Real chain = chainFirst ? a : b;
    Real other = chainFirst ? b : a;
    requireCurrent(node, chain.of());
    if (!other.of().shape().equals(chain.of().shape())) {
      throw unsupported(
          node,
          "adds "
              + chain.of().shape()
              + " and "
              + other.of().shape()
              + ": expected equal shapes (no broadcasting between activations)");
    }
    put(node, new Sum(chain, other, codesLayer.get(other.of().name()), node));
  }

  /**
   * A Concat along the channels of two dequantized activations: the chain's first, then an earlier
   * layer's (or the input's), with equal heights and widths.
   */
  private void concat(OnnxNode node) {
    if (node.inputs().size() != 2
        || !(values.get(node.input(0)) instanceof Real chain)
        || !(values.get(node.input(1)) instanceof Real other)) {
      throw unsupportedOperator(node);
    }
    if (!chain.of().name().equals(current)) {
      throw unsupported(
          node,
          "concatenates '"
              + node.input(1)
              + "', the chain's latest value, second: expected it first (the chain, then the"
              + " earlier value)");
    }
    Shape a = chain.of().shape();
    Shape b = other.of().shape();
    long axis = node.longAttribute("axis", Long.MIN_VALUE);
    int rank = a.rank() + 1; // the batch axis first
    if (a.rank() != 3 || (axis != 1 && axis != 1 - rank)) {
      throw unsupported(
          node,
          "axis "
              + (axis == Long.MIN_VALUE ? "(missing)" : Long.toString(axis))
              + " on "
              + a
              + ": expected axis 1 (channels) of [N, C, H, W] activations");
    }
    if (b.rank() != 3 || b.dim(1) != a.dim(1) || b.dim(2) != a.dim(2)) {
      throw unsupported(
          node,
          "concatenates "
              + a
              + " and "
              + b
              + ": expected the same height and width (no broadcasting between activations)");
    }
    Shape out = Shape.of(a.dim(0) + b.dim(0), a.dim(1), a.dim(2));
    put(node, new Cat(chain, other, codesLayer.get(other.of().name()), node, out));
  }

  // ---- operators on codes ----

  private void maxPool(OnnxNode node) {
    if (node.outputs().size() > 1 && !node.outputs().get(1).isEmpty()) {
      throw unsupported(node, "asks for the Indices output: expected only the pooled values");
    }
    if (node.longAttribute("ceil_mode", 0) != 0) {
      throw unsupported(node, "ceil_mode = 1: expected 0 (floor)");
    }
    if (node.longAttribute("storage_order", 0) != 0) {
      throw unsupported(node, "storage_order = 1: expected 0 (row-major)");
    }
    int[] kernel = node.intsAttribute("kernel_shape", 1);
    if (kernel == null || kernel.length != 2) {
      throw unsupported(
          node, "kernel_shape " + Arrays.toString(kernel) + ": expected two values (2-D pooling)");
    }
    Codes in = chainInput(node);
    if (in.shape().rank() != 3) {
      throw unsupported(
          node, "input " + in.shape() + " is not [C, H, W]: expected a 2-D feature map");
    }
    Window2d window = GraphLowering.window(node, kernel[0], kernel[1], true);
    WindowGeometry g;
    try {
      g = window.resolve(in.shape().dim(1), in.shape().dim(2));
    } catch (IllegalArgumentException e) {
      throw unsupported(
          node, "window does not fit the input " + in.shape() + ": " + e.getMessage());
    }
    Shape out = Shape.of(in.shape().dim(0), g.outHeight(), g.outWidth());
    MaxPool2d pool = new MaxPool2d(window);
    // max commutes with (de)quantization, which is monotone: pooling the codes is exact
    layers.add(
        new QdqModel.Layer(
            uniqueName(node),
            "MaxPool " + kernel[0] + "x" + kernel[1] + " on codes",
            List.of(node.name()),
            out,
            pool::apply));
    advanceCodes(node, in, out);
  }

  /**
   * {@code DequantizeLinear -> GlobalAveragePool} on the chain's codes: waits for its
   * QuantizeLinear, which makes it ONNX Runtime's QLinearGlobalAveragePool ({@link
   * #finishAverage}).
   */
  private void globalAveragePool(OnnxNode node) {
    Value v = value(node, 0);
    if (v instanceof Pending) {
      throw unsupportedOperator(node);
    }
    if (!(v instanceof Real r)) {
      throw unsupported(
          node,
          "input '"
              + node.input(0)
              + "' is "
              + what(v)
              + ": expected a DequantizeLinear of the quantized activation, then the pool, then a"
              + " QuantizeLinear (the pattern ONNX Runtime runs as QLinearGlobalAveragePool)");
    }
    requireCurrent(node, r.of());
    Shape in = r.of().shape();
    if (in.rank() != 3) {
      throw unsupported(node, "input " + in + " is not [C, H, W]: expected a 2-D feature map");
    }
    put(node, new Average(r, node, Shape.of(in.dim(0), 1, 1)));
  }

  /**
   * Ends {@code DequantizeLinear -> GlobalAveragePool -> QuantizeLinear}: one {@link
   * QLinearGlobalAveragePool} from the two sets of parameters, rejected where ONNX Runtime's kernel
   * rejects them.
   */
  private void finishAverage(OnnxNode quantize, Average avg, QuantParams output, QuantType type) {
    Shape in = avg.input().of().shape();
    long pixels = (long) in.dim(1) * in.dim(2);
    float sx = avg.input().params().scales().get(0);
    float sy = output.scales().get(0);
    String refusal = QLinearGlobalAveragePool.refusal(sx, sy, pixels);
    if (refusal != null) {
      throw unsupported(avg.node(), refusal);
    }
    QLinearGlobalAveragePool pool =
        new QLinearGlobalAveragePool(
            sx,
            avg.input().params().zeroPoints().get(0),
            sy,
            output.zeroPoints().get(0),
            (int) pixels);
    layers.add(
        new QdqModel.Layer(
            uniqueName(avg.node()),
            "GlobalAveragePool (QLinearGlobalAveragePool) "
                + in.dim(1)
                + "x"
                + in.dim(2)
                + ", "
                + type.onnxName()
                + " output",
            List.of(avg.node().name(), quantize.name()),
            avg.shape(),
            pool::apply));
    put(new Codes(output(quantize), output, type, avg.shape()));
  }

  private void reshape(OnnxNode node) {
    Codes in = chainInput(node);
    Shape target;
    if (node.opType().equals("Flatten")) {
      long axis = node.longAttribute("axis", 1);
      if (axis != 1 && axis != -(in.shape().rank() + 1)) {
        throw unsupported(node, "axis " + axis + ": expected 1 (keep the batch, flatten the rest)");
      }
      target = Shape.of(in.shape().size());
    } else {
      int[] full = new int[in.shape().rank() + 1];
      full[0] = 1;
      System.arraycopy(in.shape().dims(), 0, full, 1, in.shape().rank());
      OnnxTensor shape = constant(node, 1);
      if (shape.type() != OnnxTensor.ElementType.INT64) {
        throw unsupported(
            node, "shape '" + shape.name() + "' is " + shape.type() + ", expected int64");
      }
      int[] resolved = GraphLowering.resolveReshape(node, full, shape.longs());
      if (resolved.length < 2 || resolved[0] != 1) {
        throw unsupported(
            node,
            "reshapes "
                + Arrays.toString(full)
                + " to "
                + Arrays.toString(resolved)
                + ": expected the first dimension to stay the batch");
      }
      target = Shape.of(Arrays.copyOfRange(resolved, 1, resolved.length));
    }
    if (!target.equals(in.shape())) {
      layers.add(
          new QdqModel.Layer(
              uniqueName(node),
              node.opType() + " to " + target + " on codes",
              List.of(node.name()),
              target,
              x -> reshape(x, batchOf(x, target))));
    }
    advanceCodes(node, in, target);
  }

  /**
   * The codes a MaxPool or reshape reads: the chain's quantized tensor, or its DequantizeLinear.
   */
  private Codes chainInput(OnnxNode node) {
    Value v = value(node, 0);
    Codes c = v instanceof Codes codes ? codes : v instanceof Real r ? r.of() : null;
    if (c == null) {
      throw unsupported(
          node,
          "input '"
              + node.input(0)
              + "' is "
              + what(v)
              + ": expected a quantized activation"
              + " or its DequantizeLinear");
    }
    requireCurrent(node, c);
    return c;
  }

  /**
   * The output of a MaxPool or reshape: codes again, or still dequantized (with the same
   * parameters).
   */
  private void advanceCodes(OnnxNode node, Codes in, Shape out) {
    Value v = value(node, 0);
    String name = output(node);
    Codes codes =
        new Codes(v instanceof Real ? name + "#codes" : name, in.params(), in.fileType(), out);
    current = codes.name();
    codesLayer.put(codes.name(), layers.size() - 1);
    values.put(name, v instanceof Real r ? new Real(codes, r.params(), r.node()) : codes);
  }

  // ---- helpers ----

  private void put(Codes codes) {
    values.put(codes.name(), codes);
    current = codes.name();
    codesLayer.put(codes.name(), layers.size() - 1);
  }

  private void put(OnnxNode node, Value v) {
    values.put(output(node), v);
  }

  private Value value(OnnxNode node, int input) {
    String name = node.input(input);
    Value v = values.get(name);
    if (v == null) {
      throw unsupported(
          node,
          constants.containsKey(name)
              ? "input " + input + " '" + name + "' is a constant:" + " expected an activation"
              : "input "
                  + input
                  + " '"
                  + name
                  + "' is not produced by an earlier node"
                  + " or the graph input");
    }
    return v;
  }

  private void requireCurrent(OnnxNode node, Codes codes) {
    if (!codes.name().equals(current)) {
      throw unsupported(
          node,
          "reads '"
              + codes.name()
              + "', but the chain is at '"
              + current
              + "': expected a sequential graph in which each layer consumes the previous one's output");
    }
  }

  private OnnxTensor constant(OnnxNode node, int input) {
    OnnxTensor t = constants.get(node.input(input));
    if (t == null) {
      throw unsupported(
          node,
          "input "
              + input
              + " '"
              + node.input(input)
              + "' is not a constant: expected an"
              + " initializer");
    }
    return t;
  }

  private static String what(Value v) {
    if (v instanceof FloatInput) {
      return "the float graph input (not quantized)";
    }
    if (v instanceof Codes) {
      return "a quantized tensor (not dequantized)";
    }
    if (v instanceof Real) {
      return "a dequantized activation";
    }
    if (v instanceof Pending p) {
      return "the float result of " + p.node.describe();
    }
    if (v instanceof QConst) {
      return "a dequantized initializer";
    }
    if (v instanceof Sum sum) {
      return "the float sum of " + sum.node().describe() + " (expected its QuantizeLinear next)";
    }
    if (v instanceof Cat cat) {
      return "the float concatenation of "
          + cat.node().describe()
          + " (expected its QuantizeLinear next)";
    }
    if (v instanceof Average avg) {
      return "the float average of "
          + avg.node().describe()
          + " (expected its QuantizeLinear next)";
    }
    return "unknown";
  }

  private static String describe(QuantParams p) {
    return "scale "
        + p.scales().get(0)
        + " / zero point "
        + p.zeroPoints().get(0)
        + " (int8 domain)";
  }

  private static String output(OnnxNode node) {
    if (node.outputs().isEmpty()) {
      throw unsupported(node, "has no output, expected one");
    }
    return node.outputs().get(0);
  }

  private String uniqueName(OnnxNode node) {
    return node.name().isEmpty() ? node.opType() + layers.size() : node.name();
  }

  private static Shape batchOf(IntTensor x, Shape perSample) {
    int[] d = new int[perSample.rank() + 1];
    d[0] = x.shape().dim(0);
    System.arraycopy(perSample.dims(), 0, d, 1, perSample.rank());
    return Shape.of(d);
  }

  private static IntTensor reshape(IntTensor x, Shape shape) {
    return IntTensor.of(shape, x.type(), x.toArray());
  }

  private static UnsupportedOperatorException unsupported(OnnxNode node, String detail) {
    return new UnsupportedOperatorException("node " + node.describe() + ": " + detail);
  }
}
