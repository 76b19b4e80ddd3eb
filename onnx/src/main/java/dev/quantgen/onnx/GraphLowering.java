package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.conv.WindowGeometry;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a sequential ONNX graph to an ordered list of {@link LoweredLayer}s, checking shapes
 * through the chain.
 *
 * <ul>
 *   <li>Conv, MatMul and Gemm start a layer; an Add of a per-channel constant folds into its bias,
 *       BatchNormalization folds into its weights and bias (at load time, in float64, rounded to
 *       float32 once), and Relu or Clip with constant bounds becomes its fused activation.
 *   <li>MaxPool and AveragePool become pooling layers; Flatten and a Reshape that flattens become
 *       {@link FlattenSpec}; a Reshape to the same shape and Identity vanish.
 *   <li>Nodes whose inputs are all constants (Constant, Reshape of an initializer) are evaluated
 *       here: mnist-8 reshapes its dense weight that way.
 *   <li>A Reshape target computed from the chain's shape ({@code Shape}, {@code Gather}, {@code
 *       Unsqueeze}, {@code Concat} ...: PyTorch's {@code x.view(x.size(0), -1)} with a dynamic
 *       batch) is evaluated by {@link ShapeArithmetic}, the batch kept as a symbol.
 * </ul>
 *
 * <p>The first axis of the graph input is the batch; a Reshape's first target dimension is taken as
 * the batch as well (mnist-8 fixes it to 1). Anything else is rejected with an {@link
 * UnsupportedOperatorException} that names the node, its operator and what is supported.
 *
 * <p>Attributes are range-checked as longs before they are narrowed to int (strides, dilations,
 * kernel sizes and group at least 1, pads at least 0, all at most 2^31 - 1), and the window
 * arithmetic is done in long by {@link Window2d#resolve}, so no attribute value wraps. Every weight
 * and per-sample activation, and the model's total, is checked against {@link LoweringLimits}
 * before anything of that size exists. Layers that use the same initializer share one weight tensor
 * (a per-layer copy is made only when BatchNormalization is folded into it).
 */
public final class GraphLowering {
  /** The operators this lowering accepts. */
  public static final List<String> SUPPORTED_OPERATORS =
      List.of(
          "Conv",
          "MatMul",
          "Gemm",
          "Add",
          "Relu",
          "Clip",
          "BatchNormalization",
          "MaxPool",
          "AveragePool",
          "GlobalAveragePool",
          "ReduceMean",
          "Concat",
          "Softmax",
          "Flatten",
          "Reshape",
          "Identity",
          "Constant");

  private final OnnxModel model;
  private final LoweringLimits limits;
  private final Map<String, OnnxTensor> constants;

  /**
   * Dense weights in [out, in] layout derived from an initializer, so layers sharing it share them.
   */
  private final Map<DenseWeightKey, FloatTensor> denseWeights = new HashMap<>();

  /** Shape values: a Reshape target computed from the chain's shape (PyTorch's dynamic view). */
  private final ShapeArithmetic shapeArithmetic = new ShapeArithmetic();

  /** Constant Reshapes already folded, so that repeating one yields the same tensor. */
  private final Map<ReshapeKey, OnnxTensor> reshapes = new HashMap<>();

  /** Weight and activation elements of the layers so far, compared with the model limit. */
  private long modelElements;

  private final List<LoweredLayer> layers = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  /**
   * The layer whose output each tensor is (-1: the graph input), for Add and Concat of two
   * activations.
   */
  private final Map<String, Integer> layerOutputs = new HashMap<>();

  private Affine pending;
  private String current;
  private Shape shape;

  private GraphLowering(OnnxModel model, LoweringLimits limits) {
    this.model = model;
    this.limits = limits;
    this.constants = new HashMap<>(model.initializers());
  }

  /**
   * Lowers {@code model} within the limits of {@link LoweringLimits#fromSystemProperties()}.
   *
   * @throws UnsupportedOperatorException for an operator, attribute or graph structure not
   *     supported, or a tensor or model beyond the limits
   * @throws IllegalArgumentException for shapes that do not fit through the chain
   */
  public static LoweredModel lower(OnnxModel model) {
    return lower(model, LoweringLimits.fromSystemProperties());
  }

  /** Lowers {@code model} within {@code limits}; see {@link #lower(OnnxModel)}. */
  public static LoweredModel lower(OnnxModel model, LoweringLimits limits) {
    return new GraphLowering(model, limits).run();
  }

  private LoweredModel run() {
    if (model.inputs().size() != 1 || model.outputs().size() != 1) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": "
              + model.inputs().size()
              + " inputs and "
              + model.outputs().size()
              + " outputs, expected one of each (a sequential model)");
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
    long inputElements = LoweringLimits.elements(Arrays.copyOfRange(dims, 1, dims.length));
    if (inputElements > limits.maxTensorElements()) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": input "
              + input
              + " has "
              + inputElements
              + " elements per sample: expected at most "
              + limits.maxTensorElements()
              + " ("
              + LoweringLimits.MAX_TENSOR_ELEMENTS
              + ", see docs/limits.md)");
    }
    current = input.name();
    shape = Shape.of(perSample);
    layerOutputs.put(current, -1);
    Shape inputShape = shape;
    for (OnnxNode node : model.nodes()) {
      lowerNode(node);
    }
    flush();
    String output = model.outputs().get(0).name();
    if (!output.equals(current)) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": graph output '"
              + output
              + "' is not the end of the layer chain '"
              + current
              + "': expected a sequential model");
    }
    if (layers.isEmpty()) {
      throw new UnsupportedOperatorException(
          model.source()
              + ": no layers: expected at least one Conv, MatMul,"
              + " Gemm or pooling node");
    }
    return new LoweredModel(model.source(), input.name(), inputShape, layers, output);
  }

  private void lowerNode(OnnxNode node) {
    if (node.opType().equals("QuantizeLinear") || node.opType().equals("DequantizeLinear")) {
      throw unsupported(
          node,
          "a pre-quantized (QDQ) model is not lowered as a float model: import it as it is"
              + " with QdqImporter (quantgen eval --precision as-is)");
    }
    if (node.opType().equals("Constant")) {
      OnnxTensor value =
          node.attribute("value")
              .orElseThrow(() -> unsupported(node, "has no 'value' tensor attribute"))
              .asTensor();
      String out = output(node);
      constants.put(out, value.reshaped(out, value.shape()));
      return;
    }
    if (shapeArithmetic.accepts(node, current)) {
      shapeArithmetic.evaluate(node, shape.dims(), constants);
      return;
    }
    if (!node.inputs().isEmpty()
        && node.inputs().stream().filter(s -> !s.isEmpty()).allMatch(constants::containsKey)) {
      foldConstant(node);
      return;
    }
    switch (node.opType()) {
      case "Conv" -> conv(node);
      case "MatMul" -> matMul(node);
      case "Gemm" -> gemm(node);
      case "Add" -> add(node);
      case "Relu" -> activation(node, Activation.RELU);
      case "Clip" -> clip(node);
      case "BatchNormalization" -> batchNorm(node);
      case "MaxPool", "AveragePool" -> pool(node);
      case "GlobalAveragePool" -> globalAveragePool(node);
      case "ReduceMean" -> reduceMean(node);
      case "Concat" -> concat(node);
      case "Softmax" -> softmax(node);
      case "Flatten" -> flatten(node);
      case "Reshape" -> reshape(node);
      case "Identity" -> {
        requireCurrent(node, node.input(0));
        advance(node);
      }
      default ->
          throw new UnsupportedOperatorException(
              "node "
                  + node.describe()
                  + ": operator '"
                  + node.opType()
                  + "' is not supported; supported operators: "
                  + String.join(", ", SUPPORTED_OPERATORS)
                  + (ShapeArithmetic.OPERATORS.contains(node.opType())
                      ? " (and " + node.opType() + " in the arithmetic on a Shape's result)"
                      : ""));
    }
  }

  private void foldConstant(OnnxNode node) {
    String out = output(node);
    switch (node.opType()) {
      case "Reshape" -> {
        OnnxTensor data = constant(node, 0);
        Shape target =
            Shape.of(resolveReshape(node, data.shape().dims(), constant(node, 1).longs()));
        // keeps the initializer's own name, so the weight binding points at the file's tensor; the
        // same reshape of the same tensor gives the same tensor, so layers reading it share weights
        constants.put(
            out,
            reshapes.computeIfAbsent(
                new ReshapeKey(data, target), key -> data.reshaped(data.name(), target)));
      }
      case "Identity" -> constants.put(out, constant(node, 0));
      default ->
          throw new UnsupportedOperatorException(
              "node "
                  + node.describe()
                  + ": only constant inputs, and constant folding supports only Reshape and Identity;"
                  + " supported operators: "
                  + String.join(", ", SUPPORTED_OPERATORS));
    }
  }

  // ---- layers that start a new layer ----

  private void conv(OnnxNode node) {
    requireCurrent(node, node.input(0));
    requireSpatial(node);
    FloatTensor w = constant(node, 1).floats();
    if (w.shape().rank() != 4) {
      throw unsupported(
          node,
          "weight "
              + w.shape()
              + " has rank "
              + w.shape().rank()
              + ", expected a 2-D convolution [M, C/group, kh, kw]");
    }
    if (w.size() == 0) {
      throw unsupported(node, "weight " + w.shape() + " is empty: expected at least one element");
    }
    int groups = node.intAttribute("group", 1, 1);
    long[] kernel = node.longsAttribute("kernel_shape");
    if (kernel != null
        && (kernel.length != 2 || kernel[0] != w.shape().dim(2) || kernel[1] != w.shape().dim(3))) {
      throw unsupported(
          node,
          "kernel_shape " + Arrays.toString(kernel) + " differs from the weight " + w.shape());
    }
    long expectedChannels = (long) w.shape().dim(1) * groups; // both below 2^31: exact in long
    if (expectedChannels != shape.dim(0)) {
      throw new IllegalArgumentException(
          "node "
              + node.describe()
              + ": weight "
              + w.shape()
              + " with group "
              + groups
              + " expects "
              + expectedChannels
              + " input channels, but the input is "
              + shape);
    }
    int m = w.shape().dim(0);
    if (m % groups != 0) {
      throw unsupported(
          node,
          "attribute group = "
              + groups
              + " does not divide the weight's "
              + m
              + " output channels "
              + w.shape()
              + ": expected a divisor of both the input and output channels");
    }
    Window2d window = window(node, w.shape().dim(2), w.shape().dim(3), true);
    WindowGeometry g = geometry(node, window);
    FloatTensor bias = null;
    if (!node.input(2).isEmpty()) {
      bias = constant(node, 2).floats();
      if (bias.size() != m) {
        throw new IllegalArgumentException(
            "node "
                + node.describe()
                + ": bias '"
                + node.input(2)
                + "' has shape "
                + bias.shape()
                + ", expected ["
                + m
                + "] (one per output channel)");
      }
    }
    Shape out = activationShape(node, m, g.outHeight(), g.outWidth());
    countLayer(node, w, bias == null ? 0 : bias.size(), out);
    startAffine(
        node,
        new Affine(
            true,
            w,
            bias == null ? null : bias.toArray(),
            constant(node, 1).name(),
            node.input(2).isEmpty() ? null : constant(node, 2).name(),
            window,
            groups),
        out);
  }

  private void matMul(OnnxNode node) {
    requireCurrent(node, node.input(0));
    FloatTensor b = constant(node, 1).floats();
    dense(node, b, false, 1f, null, 1f, constant(node, 1).name(), null);
  }

  private void gemm(OnnxNode node) {
    requireCurrent(node, node.input(0));
    if (node.longAttribute("transA", 0) != 0) {
      throw unsupported(node, "transA = 1: expected the activation as the untransposed A");
    }
    FloatTensor b = constant(node, 1).floats();
    FloatTensor c = node.input(2).isEmpty() ? null : constant(node, 2).floats();
    dense(
        node,
        b,
        node.longAttribute("transB", 0) != 0,
        node.floatAttribute("alpha", 1f),
        c,
        node.floatAttribute("beta", 1f),
        constant(node, 1).name(),
        node.input(2).isEmpty() ? null : constant(node, 2).name());
  }

  /**
   * A dense layer from {@code alpha * x B (+ beta * C)}; B is [K, N], or [N, K] when transposed.
   */
  private void dense(
      OnnxNode node,
      FloatTensor b,
      boolean transposed,
      float alpha,
      FloatTensor c,
      float beta,
      String weightName,
      String biasName) {
    if (shape.rank() != 1) {
      throw unsupported(
          node, "input " + shape + " is not a vector: expected a Flatten or Reshape before it");
    }
    if (b.shape().rank() != 2) {
      throw unsupported(
          node, "weight " + b.shape() + " has rank " + b.shape().rank() + ", expected [K, N]");
    }
    int k = transposed ? b.shape().dim(1) : b.shape().dim(0);
    int n = transposed ? b.shape().dim(0) : b.shape().dim(1);
    if (k != shape.dim(0)) {
      throw new IllegalArgumentException(
          "node "
              + node.describe()
              + ": weight "
              + b.shape()
              + " expects "
              + k
              + " inputs, but the input is "
              + shape);
    }
    float[] bias = null;
    if (c != null) {
      bias = channelConstant(node, c, n, false);
      for (int o = 0; o < n; o++) {
        bias[o] *= beta;
      }
    }
    Shape out = activationShape(node, n);
    countLayer(node, b, bias == null ? 0 : n, out);
    startAffine(
        node,
        new Affine(false, denseWeights(b, transposed, alpha), bias, weightName, biasName, null, 1),
        out);
  }

  /**
   * {@code alpha * B} in [out, in] layout. B itself when it already is (a transposed Gemm weight
   * with alpha 1); else derived once per (initializer, layout, alpha) and shared by every layer
   * that asks for the same, so a weight used by many nodes is held once.
   */
  private FloatTensor denseWeights(FloatTensor b, boolean transposed, float alpha) {
    if (transposed && alpha == 1f) {
      return b;
    }
    return denseWeights.computeIfAbsent(
        new DenseWeightKey(b, transposed, Float.floatToIntBits(alpha)),
        key -> {
          int k = transposed ? b.shape().dim(1) : b.shape().dim(0);
          int n = transposed ? b.shape().dim(0) : b.shape().dim(1);
          float[] bv = b.toArray();
          float[] w = new float[bv.length]; // [out, in]; n * k = b.size(), an array size
          for (int o = 0; o < n; o++) {
            for (int i = 0; i < k; i++) {
              w[o * k + i] = alpha * (transposed ? bv[o * k + i] : bv[i * n + o]);
            }
          }
          return FloatTensor.of(Shape.of(n, k), w);
        });
  }

  private void pool(OnnxNode node) {
    requireCurrent(node, node.input(0));
    requireSpatial(node);
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
    long cells = (long) kernel[0] * kernel[1]; // both below 2^31: exact in long
    if (cells
        > limits.maxTensorElements()) { // the reference pools list one window's cells in an array
      throw unsupported(
          node,
          "attribute kernel_shape "
              + Arrays.toString(kernel)
              + " has "
              + cells
              + " cells per window: expected at most "
              + limits.maxTensorElements()
              + " ("
              + LoweringLimits.MAX_TENSOR_ELEMENTS
              + ", see docs/limits.md)");
    }
    boolean max = node.opType().equals("MaxPool");
    Window2d window = window(node, kernel[0], kernel[1], max);
    WindowGeometry g = geometry(node, window);
    boolean countIncludePad = node.longAttribute("count_include_pad", 0) != 0;
    Shape out = activationShape(node, shape.dim(0), g.outHeight(), g.outWidth());
    countLayer(node, null, 0, out);
    flush();
    layers.add(
        new PoolSpec(
            uniqueName(node),
            max ? PoolSpec.Kind.MAX : PoolSpec.Kind.AVERAGE,
            shape,
            out,
            window,
            countIncludePad,
            List.of(node.name())));
    advance(node, out);
  }

  private void flatten(OnnxNode node) {
    requireCurrent(node, node.input(0));
    long axis = node.longAttribute("axis", 1);
    if (axis != 1 && axis != -shape.rank()) {
      throw unsupported(node, "axis " + axis + ": expected 1 (keep the batch, flatten the rest)");
    }
    flattenTo(node, Shape.of(shape.size()));
  }

  private void reshape(OnnxNode node) {
    requireCurrent(node, node.input(0));
    int[] full = new int[shape.rank() + 1];
    full[0] = 1;
    System.arraycopy(shape.dims(), 0, full, 1, shape.rank());
    // the batch is 1 in this per-sample view, a computed target's batch symbol too
    long[] requested =
        shapeArithmetic.holds(node.input(1))
            ? shapeArithmetic.reshapeTarget(node, node.input(1), 1)
            : constant(node, 1).longs();
    int[] target = resolveReshape(node, full, requested);
    if (target.length < 1 || target[0] != 1) {
      throw unsupported(
          node,
          "reshapes "
              + Arrays.toString(full)
              + " to "
              + Arrays.toString(target)
              + ": expected the first dimension to stay the batch");
    }
    flattenTo(node, Shape.of(Arrays.copyOfRange(target, 1, target.length)));
  }

  /**
   * A Flatten layer when {@code target} is the flattened shape, nothing when it is the same shape.
   */
  private void flattenTo(OnnxNode node, Shape target) {
    if (target.equals(shape)) {
      advance(node);
      return;
    }
    if (target.rank() != 1) {
      throw unsupported(
          node,
          "reshapes " + shape + " to " + target + ": expected a flatten to [" + shape.size() + "]");
    }
    countLayer(node, null, 0, target);
    flush();
    layers.add(new FlattenSpec(uniqueName(node), shape, target, List.of(node.name())));
    advance(node, target);
  }

  // ---- nodes folded into the pending Conv / dense layer ----

  private void add(OnnxNode node) {
    boolean first = node.input(0).equals(current);
    String other = first ? node.input(1) : node.input(0);
    requireCurrent(node, first ? node.input(0) : node.input(1));
    if (!constants.containsKey(other)) {
      join(node, JoinSpec.Kind.ADD, other);
      return;
    }
    requireFoldable(node, "Add");
    float[] c =
        channelConstant(node, constants.get(other).floats(), pending.outChannels(), pending.conv);
    if (pending.bias == null) {
      pending.bias = c;
      pending.biasName = other;
    } else {
      for (int m = 0; m < c.length; m++) {
        pending.bias[m] += c[m];
      }
      pending.biasName = pending.biasName + "+" + other;
    }
    pending.sources.add(node.name());
    advance(node);
  }

  /**
   * An Add or Concat of the chain's value and an earlier layer's output (or the graph input): a
   * {@link JoinSpec}. The other value must be a whole layer's output, not one fused inside a layer.
   */
  private void join(OnnxNode node, JoinSpec.Kind kind, String other) {
    Integer from = layerOutputs.get(other);
    if (from == null) {
      throw unsupported(
          node,
          "reads '"
              + other
              + "', which is neither the graph input nor a layer's output (a value"
              + " inside a fused Conv/MatMul/Gemm, or a branch with layers of its own): expected a residual connection"
              + " from an earlier layer's output");
    }
    flush();
    Shape fromShape = from < 0 ? inputShape() : layers.get(from).outputShape();
    Shape out;
    if (kind == JoinSpec.Kind.ADD) {
      if (!fromShape.equals(shape)) {
        throw unsupported(
            node,
            "adds "
                + shape
                + " and "
                + fromShape
                + ": expected equal shapes (no broadcasting"
                + " between activations)");
      }
      out = shape;
    } else {
      if (shape.rank() != 3
          || fromShape.rank() != 3
          || shape.dim(1) != fromShape.dim(1)
          || shape.dim(2) != fromShape.dim(2)) {
        throw unsupported(
            node,
            "concatenates "
                + shape
                + " and "
                + fromShape
                + ": expected [C, H, W] values with"
                + " equal H and W");
      }
      out = activationShape(node, shape.dim(0) + fromShape.dim(0), shape.dim(1), shape.dim(2));
    }
    countLayer(node, null, 0, out);
    layers.add(
        new JoinSpec(uniqueName(node), kind, shape, fromShape, out, from, List.of(node.name())));
    advance(node, out);
  }

  private Shape inputShape() {
    long[] dims = model.inputs().get(0).dims();
    int[] perSample = new int[dims.length - 1];
    for (int i = 1; i < dims.length; i++) {
      perSample[i - 1] = (int) dims[i];
    }
    return Shape.of(perSample);
  }

  /** Concat on the channel axis of two activations, the chain's value first. */
  private void concat(OnnxNode node) {
    long axis = node.longAttribute("axis", 0);
    if (node.inputs().size() != 2 || !node.input(0).equals(current)) {
      throw unsupported(
          node,
          "concatenates "
              + node.inputs()
              + ": expected two values, the chain's '"
              + current
              + "' first");
    }
    if (shape.rank() != 3 || axis != 1 && axis != -3) {
      throw unsupported(
          node,
          "axis " + axis + " on " + shape + ": expected the channel axis (1) of [N, C, H, W]");
    }
    join(node, JoinSpec.Kind.CONCAT, node.input(1));
  }

  /**
   * GlobalAveragePool: average pooling whose window is the whole plane (the same sum, row by row).
   */
  private void globalAveragePool(OnnxNode node) {
    requireCurrent(node, node.input(0));
    requireSpatial(node);
    Window2d window = Window2d.of(shape.dim(1), shape.dim(2));
    Shape out = activationShape(node, shape.dim(0), 1, 1);
    countLayer(node, null, 0, out);
    flush();
    layers.add(
        new PoolSpec(
            uniqueName(node),
            PoolSpec.Kind.AVERAGE,
            shape,
            out,
            window,
            false,
            List.of(node.name())));
    advance(node, out);
  }

  /**
   * ReduceMean over the two spatial axes of an NCHW tensor, as PyTorch's default (dynamo) exporter
   * writes {@code AdaptiveAvgPool2d(1)} and {@code x.mean((2, 3))}: a GlobalAveragePool, followed
   * by a flatten to {@code [C]} when {@code keepdims} is 0. The axes come from the attribute (opset
   * 17 and before) or the second input (opset 18 on); any other set of axes is refused.
   */
  private void reduceMean(OnnxNode node) {
    requireCurrent(node, node.input(0));
    requireSpatial(node);
    long[] axes = node.input(1).isEmpty() ? node.longsAttribute("axes") : constant(node, 1).longs();
    long[] normalized = axes == null ? new long[0] : axes.clone();
    for (int i = 0; i < normalized.length; i++) {
      normalized[i] = normalized[i] < 0 ? normalized[i] + 4 : normalized[i];
    }
    Arrays.sort(normalized);
    if (!Arrays.equals(normalized, new long[] {2, 3})) {
      throw unsupported(
          node,
          "axes "
              + (axes == null ? "absent (every axis)" : Arrays.toString(axes))
              + " of [N, "
              + shape.dim(0)
              + ", "
              + shape.dim(1)
              + ", "
              + shape.dim(2)
              + "]: expected the spatial axes 2 and 3 (a global average pool)");
    }
    int channels = shape.dim(0);
    globalAveragePool(node);
    if (node.longAttribute("keepdims", 1) == 0) {
      flattenTo(node, Shape.of(channels));
    }
  }

  /** Softmax on the last axis of a vector. */
  private void softmax(OnnxNode node) {
    requireCurrent(node, node.input(0));
    long axis = node.longAttribute("axis", -1);
    if (shape.rank() != 1 || axis != -1 && axis != 1) {
      throw unsupported(
          node, "axis " + axis + " on " + shape + ": expected the last axis of a vector [N, K]");
    }
    countLayer(node, null, 0, shape);
    flush();
    layers.add(new SoftmaxSpec(uniqueName(node), shape, shape, List.of(node.name())));
    advance(node, shape);
  }

  private void batchNorm(OnnxNode node) {
    requireCurrent(node, node.input(0));
    requireFoldable(node, "BatchNormalization");
    if (node.longAttribute("training_mode", 0) != 0 || node.outputs().size() > 1) {
      throw unsupported(node, "is in training mode: expected inference (one output)");
    }
    int m = pending.outChannels();
    float[] scale = channelVector(node, 1, m);
    float[] shift = channelVector(node, 2, m);
    float[] mean = channelVector(node, 3, m);
    float[] var = channelVector(node, 4, m);
    double eps = node.floatAttribute("epsilon", 1e-5f);
    float[] weights = pending.weightsToFold();
    int perChannel = weights.length / m;
    float[] bias = pending.bias == null ? new float[m] : pending.bias;
    for (int c = 0; c < m; c++) {
      double f = scale[c] / Math.sqrt(var[c] + eps);
      for (int i = 0; i < perChannel; i++) {
        weights[c * perChannel + i] = (float) (weights[c * perChannel + i] * f);
      }
      bias[c] = (float) ((bias[c] - (double) mean[c]) * f + shift[c]);
    }
    pending.bias = bias;
    pending.weightName = pending.weightName + "*" + node.name();
    pending.biasName = (pending.biasName == null ? "" : pending.biasName + "*") + node.name();
    pending.sources.add(node.name());
    advance(node);
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
      lo = node.input(1).isEmpty() ? Float.NEGATIVE_INFINITY : scalarConstant(node, 1);
      hi = node.input(2).isEmpty() ? Float.POSITIVE_INFINITY : scalarConstant(node, 2);
    }
    activation(node, ClipActivation.of(node, lo, hi));
  }

  private void activation(OnnxNode node, Activation activation) {
    requireCurrent(node, node.input(0));
    requireFoldable(node, node.opType());
    pending.activation = activation;
    pending.sources.add(node.name());
    advance(node);
  }

  // ---- helpers ----

  private void startAffine(OnnxNode node, Affine affine, Shape out) {
    flush();
    affine.name = uniqueName(node);
    affine.inputShape = shape;
    affine.outputShape = out;
    affine.sources.add(node.name());
    pending = affine;
    advance(node, out);
  }

  private void flush() {
    if (pending != null) {
      layers.add(pending.toSpec());
      pending = null;
    }
  }

  private void requireFoldable(OnnxNode node, String what) {
    if (pending == null || pending.activation != Activation.NONE) {
      String after =
          pending != null
              ? "the activation of '" + pending.name + "'"
              : layers.isEmpty()
                  ? "the graph input"
                  : "'" + layers.get(layers.size() - 1).name() + "'";
      throw unsupported(
          node,
          what
              + " after "
              + after
              + " cannot be fused: expected it right after a Conv, MatMul or Gemm (and its bias Add or"
              + " BatchNormalization), before any activation");
    }
  }

  /**
   * The {@code n} values of a constant that broadcasts along the channel axis only: for a conv
   * output {@code [N, M, H, W]} shapes such as {@code [M, 1, 1]} or {@code [1, M, 1, 1]}; for a
   * dense output {@code [N, M]} shapes {@code [M]} or {@code [1, M]}. A single value is repeated.
   */
  private float[] channelConstant(OnnxNode node, FloatTensor c, int n, boolean spatial) {
    int[] d = c.shape().dims();
    int channelAxisFromEnd = spatial ? 3 : 1; // position of M counted from the right, 1-based
    boolean ok = d.length <= (spatial ? 4 : 2);
    for (int i = 0; i < d.length && ok; i++) {
      int fromEnd = d.length - i;
      ok = d[i] == 1 || (fromEnd == channelAxisFromEnd && d[i] == n);
    }
    if (!ok || (c.size() != n && c.size() != 1)) {
      throw unsupported(
          node,
          "constant "
              + c.shape()
              + " does not broadcast along the "
              + n
              + " output channels"
              + ": expected "
              + (spatial
                  ? "[" + n + ", 1, 1] or [1, " + n + ", 1, 1]"
                  : "[" + n + "] or [1, " + n + "]"));
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = c.get(c.size() == 1 ? 0 : i);
    }
    return v;
  }

  /** BatchNormalization's per-channel inputs: exactly {@code [n]}. */
  private float[] channelVector(OnnxNode node, int input, int n) {
    FloatTensor t = constant(node, input).floats();
    if (t.shape().rank() != 1 || t.size() != n) {
      throw new IllegalArgumentException(
          "node "
              + node.describe()
              + ": input "
              + input
              + " '"
              + node.input(input)
              + "' has shape "
              + t.shape()
              + ", expected ["
              + n
              + "] (one per output channel)");
    }
    return t.toArray();
  }

  private float scalarConstant(OnnxNode node, int input) {
    FloatTensor t = constant(node, input).floats();
    if (t.size() != 1) {
      throw unsupported(node, "input " + input + " has shape " + t.shape() + ", expected a scalar");
    }
    return t.get(0);
  }

  /**
   * ONNX Reshape: 0 copies the input dimension, one -1 is inferred. With {@code allowzero = 1} a 0
   * would mean an empty dimension instead; that attribute changes nothing for a target without
   * zeros (PyTorch's dynamo exporter sets it on every Reshape), so only a zero with it is refused.
   */
  static int[] resolveReshape(OnnxNode node, int[] input, long[] target) {
    if (node.longAttribute("allowzero", 0) != 0 && Arrays.stream(target).anyMatch(d -> d == 0)) {
      throw unsupported(
          node,
          "allowzero = 1 with a 0 in the shape "
              + Arrays.toString(target)
              + ": expected no empty dimension (or allowzero = 0, where 0 copies the input's)");
    }
    long size =
        LoweringLimits.elements(
            Arrays.stream(input).asLongStream().toArray()); // a Shape's size: < 2^31
    int[] out = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1 && infer < 0) {
        infer = i;
        continue;
      }
      long v = target[i] == 0 && i < input.length ? input[i] : target[i];
      if (v < 1 || v > Integer.MAX_VALUE) {
        throw unsupported(
            node,
            "target shape "
                + Arrays.toString(target)
                + " has entry "
                + target[i]
                + " at "
                + i
                + ": expected a positive size, 0 or a single -1");
      }
      out[i] = (int) v;
      known = LoweringLimits.elements(known, v); // saturates instead of wrapping
    }
    if (infer >= 0) {
      long inferred = size / known;
      out[infer] = (int) inferred; // at most size, an int
    }
    long product = LoweringLimits.elements(Arrays.stream(out).asLongStream().toArray());
    if (product != size) {
      throw new IllegalArgumentException(
          "node "
              + node.describe()
              + ": cannot reshape "
              + Arrays.toString(input)
              + " ("
              + size
              + " elements) to "
              + Arrays.toString(target));
    }
    return out;
  }

  /**
   * The node's window. Strides, dilations and pads are range-checked as longs before they become
   * ints; the kernel comes from the weight or an already checked kernel_shape.
   */
  static Window2d window(OnnxNode node, int kh, int kw, boolean dilations) {
    Window2d w;
    try {
      w = Window2d.of(kh, kw);
    } catch (IllegalArgumentException e) {
      throw unsupported(node, "kernel " + kh + " x " + kw + ": " + e.getMessage());
    }
    int[] strides = node.intsAttribute("strides", 1);
    if (strides != null) {
      requirePair(node, "strides", strides);
      w = w.withStrides(strides[0], strides[1]);
    }
    int[] dil = node.intsAttribute("dilations", 1);
    if (dil != null) {
      requirePair(node, "dilations", dil);
      if (!dilations && (dil[0] != 1 || dil[1] != 1)) {
        throw unsupported(
            node, "dilations " + Arrays.toString(dil) + ": expected none for average pooling");
      }
      w = w.withDilations(dil[0], dil[1]);
    }
    String autoPad = node.stringAttribute("auto_pad", "NOTSET");
    int[] pads = node.intsAttribute("pads", 0);
    switch (autoPad) {
      case "NOTSET" -> {
        if (pads != null) {
          if (pads.length != 4) {
            throw unsupported(
                node,
                "pads "
                    + Arrays.toString(pads)
                    + ": expected four values [top, left, bottom, right]");
          }
          w = w.withPads(pads[0], pads[1], pads[2], pads[3]);
        }
      }
      case "VALID" -> {}
      case "SAME_UPPER" -> w = w.withPadMode(PadMode.SAME_UPPER);
      case "SAME_LOWER" -> w = w.withPadMode(PadMode.SAME_LOWER);
      default ->
          throw unsupported(
              node, "auto_pad '" + autoPad + "': expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    return w;
  }

  /**
   * The window resolved on the current input, in long arithmetic ({@link Window2d#resolve}): the
   * dilated kernel must lie within the padded input, and the padded input must stay below 2^31.
   */
  private WindowGeometry geometry(OnnxNode node, Window2d w) {
    try {
      return w.resolve(shape.dim(1), shape.dim(2));
    } catch (IllegalArgumentException e) {
      String attributes = windowAttributes(node);
      throw unsupported(
          node,
          "kernel "
              + w.kernelHeight()
              + " x "
              + w.kernelWidth()
              + (attributes.isEmpty() ? "" : " with " + attributes)
              + " does not fit the input "
              + shape
              + ": "
              + e.getMessage());
    }
  }

  private static String windowAttributes(OnnxNode node) {
    List<String> present = new ArrayList<>();
    for (String name : List.of("kernel_shape", "strides", "dilations", "pads", "auto_pad")) {
      node.attribute(name).ifPresent(a -> present.add(a.toString()));
    }
    return String.join(", ", present);
  }

  /** A per-sample activation shape, counted in long and checked against the tensor limit first. */
  private Shape activationShape(OnnxNode node, int... dims) {
    long elements = LoweringLimits.elements(Arrays.stream(dims).asLongStream().toArray());
    if (elements > limits.maxTensorElements()) {
      throw unsupported(
          node,
          "output "
              + Arrays.toString(dims)
              + " has "
              + elements
              + " elements per sample:"
              + " expected at most "
              + limits.maxTensorElements()
              + " ("
              + LoweringLimits.MAX_TENSOR_ELEMENTS
              + ", see docs/limits.md)");
    }
    return Shape.of(dims);
  }

  /** Counts a layer's weights, bias and output against the tensor and model limits. */
  private void countLayer(OnnxNode node, FloatTensor weights, long biasElements, Shape out) {
    long weightElements = weights == null ? 0 : weights.size();
    if (weightElements > limits.maxTensorElements()) {
      throw unsupported(
          node,
          "weight "
              + weights.shape()
              + " has "
              + weightElements
              + " elements: expected at most "
              + limits.maxTensorElements()
              + " ("
              + LoweringLimits.MAX_TENSOR_ELEMENTS
              + ", see docs/limits.md)");
    }
    // each term is below 2^31 and there are fewer than 2^31 layers: the sum stays far below 2^63
    modelElements += weightElements + biasElements + out.size();
    if (modelElements > limits.maxModelElements()) {
      throw unsupported(
          node,
          "the model reaches "
              + modelElements
              + " weight and activation elements at this"
              + " layer (each layer counts its own weights, shared or not): expected at most "
              + limits.maxModelElements()
              + " ("
              + LoweringLimits.MAX_MODEL_ELEMENTS
              + ", see docs/limits.md)");
    }
  }

  private static void requirePair(OnnxNode node, String attribute, int[] v) {
    if (v.length != 2) {
      throw new UnsupportedOperatorException(
          "node "
              + node.describe()
              + ": "
              + attribute
              + " "
              + Arrays.toString(v)
              + ": expected two values (height, width)");
    }
  }

  private void requireSpatial(OnnxNode node) {
    if (shape.rank() != 3) {
      throw unsupported(node, "input " + shape + " is not [C, H, W]: expected a 2-D feature map");
    }
  }

  private void requireCurrent(OnnxNode node, String input) {
    if (!input.equals(current)) {
      throw unsupported(
          node,
          "reads '"
              + input
              + "', but the chain is at '"
              + current
              + "': expected a sequential graph in which each node consumes the previous one's output");
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
              + "' is not a constant: expected an "
              + "initializer");
    }
    return t;
  }

  private void advance(OnnxNode node) {
    if (pending != null && layerOutputs.getOrDefault(current, -2) == layers.size()) {
      layerOutputs.remove(
          current); // folded on: now a value inside the pending layer, not its output
    }
    current = output(node);
    layerOutputs.put(current, pending != null ? layers.size() : layers.size() - 1);
  }

  private void advance(OnnxNode node, Shape out) {
    advance(node);
    shape = out;
  }

  private String output(OnnxNode node) {
    if (node.outputs().isEmpty()) { // legal protobuf, but nothing could consume the node's result
      throw unsupported(node, "has no output, expected one");
    }
    return node.outputs().get(0);
  }

  private String uniqueName(OnnxNode node) {
    String raw = node.name().isEmpty() ? node.opType() + layers.size() : node.name();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      b.append(Character.isJavaIdentifierPart(ch) ? ch : '_');
    }
    if (!Character.isJavaIdentifierStart(b.charAt(0))) {
      b.insert(0, '_');
    }
    String name = b.toString();
    for (int i = 2; !names.add(name); i++) {
      name = b + "_" + i;
    }
    return name;
  }

  private static UnsupportedOperatorException unsupported(OnnxNode node, String detail) {
    return new UnsupportedOperatorException("node " + node.describe() + ": " + detail);
  }

  /** A constant tensor (by identity) reshaped to one shape. */
  private record ReshapeKey(OnnxTensor source, Shape target) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ReshapeKey k && k.source == source && k.target.equals(target);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(source) * 31 + target.hashCode();
    }
  }

  /** Identifies dense weights derived from one initializer tensor (by identity) in one layout. */
  private record DenseWeightKey(FloatTensor source, boolean transposed, int alphaBits) {
    @Override
    @SuppressWarnings(
        "ReferenceEquality") // by identity on purpose: one entry per initializer tensor
    public boolean equals(Object o) {
      return o instanceof DenseWeightKey k
          && k.source == source
          && k.transposed == transposed
          && k.alphaBits == alphaBits;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(source) * 31 + Boolean.hashCode(transposed) * 7 + alphaBits;
    }
  }

  /**
   * A Conv or dense layer still open to bias, BatchNormalization and activation folding. The
   * weights are the shared tensor until a fold changes them; only then does the layer get its own
   * copy.
   */
  private static final class Affine {
    final boolean conv;
    final FloatTensor sharedWeights;
    final Window2d window;
    final int groups;
    final List<String> sources = new ArrayList<>();
    float[] ownWeights;
    float[] bias;
    String weightName;
    String biasName;
    Activation activation = Activation.NONE;
    String name;
    Shape inputShape;
    Shape outputShape;

    Affine(
        boolean conv,
        FloatTensor weights,
        float[] bias,
        String weightName,
        String biasName,
        Window2d window,
        int groups) {
      this.conv = conv;
      this.sharedWeights = weights;
      this.bias = bias;
      this.weightName = weightName;
      this.biasName = biasName;
      this.window = window;
      this.groups = groups;
    }

    int outChannels() {
      return sharedWeights.shape().dim(0);
    }

    /** This layer's own weights, copied from the shared tensor on first use. */
    float[] weightsToFold() {
      if (ownWeights == null) {
        ownWeights = sharedWeights.toArray();
      }
      return ownWeights;
    }

    LoweredLayer toSpec() {
      FloatTensor w =
          ownWeights == null ? sharedWeights : FloatTensor.of(sharedWeights.shape(), ownWeights);
      FloatTensor b = bias == null ? null : FloatTensor.of(Shape.of(outChannels()), bias);
      return conv
          ? new ConvSpec(
              name,
              inputShape,
              outputShape,
              w,
              b,
              window,
              groups,
              activation,
              weightName,
              biasName,
              sources)
          : new DenseSpec(
              name, inputShape, outputShape, w, b, activation, weightName, biasName, sources);
    }
  }
}
