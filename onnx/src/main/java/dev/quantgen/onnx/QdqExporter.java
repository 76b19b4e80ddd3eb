package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.conv.WindowGeometry;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * Writes a calibrated {@link Int8Executor} as an ONNX QDQ model (opset 13), so that ONNX Runtime
 * can run the very same quantized operands.
 *
 * <p>The graph keeps activations in int8 between layers: {@code QuantizeLinear} on the input; for
 * each Conv and dense layer {@code DequantizeLinear} of the int8 input, of the int8 per-channel
 * weights (axis 0, zero point 0) and of the int32 bias (scale {@code sx * sw[m]}), then {@code
 * Conv}, the activation ({@code Relu}, or {@code Clip} for ReLU6 and clip bounds) and {@code
 * QuantizeLinear} with the calibrated output parameters. A dense layer is written as a 1x1 {@code
 * Conv} over {@code [N, in, 1, 1]}, as the executor runs it, with int8 {@code Reshape}s around it.
 * Max pooling and flatten run on int8 directly. The graph has two outputs: the last layer's int8
 * tensor ({@code <output>_int8}) and its dequantized float32 value (the model's output name).
 *
 * <p>Only {@link RequantMode#FLOAT} executors are exported: their float32 requantization is what
 * the QDQ pattern means. Average pooling is not exported.
 */
public final class QdqExporter {
  private static final int OPSET = 13;
  private static final int FLOAT = GraphWriter.FLOAT;
  private static final int INT8 = GraphWriter.INT8;

  private final GraphWriter graph;

  private QdqExporter(String name) {
    this.graph = new GraphWriter(name);
  }

  /**
   * The QDQ model of {@code executor}, serialized.
   *
   * @throws IllegalArgumentException for an executor that does not requantize as ONNX, or a model
   *     with average pooling
   */
  public static byte[] export(Int8Executor executor) {
    if (executor.requantMode() != RequantMode.FLOAT) {
      throw new IllegalArgumentException(
          "executor: requantization "
              + executor.requantMode()
              + ", expected ONNX (the QDQ pattern requantizes in float32)");
    }
    return new QdqExporter(executor.model().source() + " (QDQ)").build(executor);
  }

  private byte[] build(Int8Executor executor) {
    LoweredModel model = executor.model();
    graph.input(model.inputName(), FLOAT, model.inputShape().dims());
    String current = quantize("input", model.inputName(), executor.inputParams());
    List<LoweredLayer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      LoweredLayer layer = layers.get(i);
      String id = "l" + i + "_" + layer.name();
      if (layer instanceof ConvSpec c) {
        current =
            conv(
                id,
                current,
                executor.quantizedLayer(i),
                c.inputShape(),
                executor.layerOutputParams(i));
      } else if (layer instanceof DenseSpec d) {
        String in = reshape(id + "_in", current, -1, d.in(), 1, 1);
        String out =
            conv(
                id,
                in,
                executor.quantizedLayer(i),
                Shape.of(d.in(), 1, 1),
                executor.layerOutputParams(i));
        current = reshape(id + "_out", out, -1, d.out());
      } else if (layer instanceof PoolSpec p && p.kind() == PoolSpec.Kind.MAX) {
        OnnxMl.NodeProto.Builder pool = graph.node("MaxPool", id, current, id + "_y");
        windowAttributes(pool, p.window(), p.inputShape());
        current = id + "_y";
      } else if (layer instanceof PoolSpec p) {
        throw new IllegalArgumentException(
            "executor: layer "
                + i
                + " ("
                + p.name()
                + ") is average pooling, expected Conv, dense, max pooling or flatten for QDQ export");
      } else if (layer instanceof JoinSpec || layer instanceof SoftmaxSpec) {
        throw new IllegalArgumentException(
            "executor: layer "
                + i
                + " ("
                + layer.name()
                + ") is an Add, Concat or"
                + " Softmax, expected Conv, dense, max pooling or flatten for QDQ export");
      } else {
        graph.node("Flatten", id, current, id + "_y").addAttribute(GraphWriter.integer("axis", 1));
        current = id + "_y";
      }
    }
    String int8Output = model.outputName() + "_int8";
    graph.node("Identity", "output_int8", current, int8Output);
    graph.output(int8Output, INT8, model.outputShape().dims());
    dequantize("output", int8Output, executor.outputParams(), model.outputName());
    graph.output(model.outputName(), FLOAT, model.outputShape().dims());
    return graph.toModel(OPSET);
  }

  /** DQ(x), DQ(w), DQ(b) -> Conv -> activation -> Q; returns the int8 output's name. */
  private String conv(
      String id, String x, QuantizedConv2d q, Shape inputShape, QuantParams output) {
    String xf = id + "_x";
    dequantize(id + "_x", x, paramsOf(q.inputScale(), q.inputZeroPoint()), xf);

    IntTensor w = q.quantizedWeights();
    int m = w.shape().dim(0);
    // int8 (or int4-valued) weights: each already in [-128, 127]
    graph.bytes(id + "_w", INT8, w.toArray(), GraphWriter.dims(w.shape().dims()));
    graph.floats(id + "_w_scale", q.weightScales().toArray(), m);
    graph.bytes(id + "_w_zero", INT8, new int[m], m);
    graph
        .node(
            "DequantizeLinear",
            id + "_w_dq",
            id + "_w",
            id + "_w_scale",
            id + "_w_zero",
            id + "_wf")
        .addAttribute(GraphWriter.integer("axis", 0));

    float[] biasScales = new float[m];
    for (int k = 0; k < m; k++) {
      biasScales[k] =
          q.inputScale() * q.weightScales().get(k); // the float32 product the bias was rounded with
    }
    graph.ints(id + "_b", q.quantizedBias().toArray(), m);
    graph.floats(id + "_b_scale", biasScales, m);
    graph.ints(id + "_b_zero", new int[m], m);
    graph
        .node(
            "DequantizeLinear",
            id + "_b_dq",
            id + "_b",
            id + "_b_scale",
            id + "_b_zero",
            id + "_bf")
        .addAttribute(GraphWriter.integer("axis", 0));

    OnnxMl.NodeProto.Builder conv = graph.node("Conv", id, xf, id + "_wf", id + "_bf", id + "_acc");
    windowAttributes(conv, q.window(), inputShape);
    conv.addAttribute(GraphWriter.integer("group", q.groups()));
    String y = id + "_acc";
    if (q.activation() == Activation.RELU) {
      graph.node("Relu", id + "_relu", y, id + "_act");
      y = id + "_act";
    } else if (q.activation() == Activation.RELU6) {
      graph.floats(id + "_zero", new float[] {0f});
      graph.floats(id + "_six", new float[] {6f});
      graph.node("Clip", id + "_relu6", y, id + "_zero", id + "_six", id + "_act");
      y = id + "_act";
    } else if (q.activation().kind() == Activation.Kind.CLIP) {
      graph.floats(id + "_clip_min", new float[] {q.activation().lower()});
      graph.floats(id + "_clip_max", new float[] {q.activation().upper()});
      graph.node("Clip", id + "_clip", y, id + "_clip_min", id + "_clip_max", id + "_act");
      y = id + "_act";
    }
    return quantize(id + "_y", y, output);
  }

  private static QuantParams paramsOf(float scale, int zeroPoint) {
    return QuantParams.perTensor(scale, zeroPoint, dev.quantgen.runtime.numerics.QuantType.INT8);
  }

  /** Adds a per-tensor QuantizeLinear; returns its int8 output's name. */
  private String quantize(String id, String x, QuantParams p) {
    addScalars(id, p);
    graph.node("QuantizeLinear", id + "_q", x, id + "_scale", id + "_zero", id + "_q");
    return id + "_q";
  }

  private void dequantize(String id, String x, QuantParams p, String output) {
    addScalars(id + "_dq", p);
    graph.node("DequantizeLinear", id + "_dq", x, id + "_dq_scale", id + "_dq_zero", output);
  }

  private void addScalars(String id, QuantParams p) {
    graph.floats(id + "_scale", new float[] {p.scales().get(0)});
    graph.bytes(id + "_zero", INT8, new int[] {p.zeroPoints().get(0)});
  }

  private String reshape(String id, String x, long... dims) {
    graph.longs(id + "_shape", dims, dims.length);
    graph.node("Reshape", id, x, id + "_shape", id + "_y");
    return id + "_y";
  }

  /** kernel_shape, strides, dilations and explicit pads for an input of {@code [C, H, W]}. */
  private static void windowAttributes(
      OnnxMl.NodeProto.Builder node, Window2d w, Shape inputShape) {
    int inH = inputShape.dim(1);
    int inW = inputShape.dim(2);
    WindowGeometry g = w.resolve(inH, inW);
    // the bottom/right padding that yields the same output size; 0 when the window never reaches it
    int padBottom =
        Math.max(
            0,
            (g.outHeight() - 1) * w.strideHeight()
                + w.dilationHeight() * (w.kernelHeight() - 1)
                + 1
                - inH
                - g.padTop());
    int padRight =
        Math.max(
            0,
            (g.outWidth() - 1) * w.strideWidth()
                + w.dilationWidth() * (w.kernelWidth() - 1)
                + 1
                - inW
                - g.padLeft());
    node.addAttribute(GraphWriter.ints("kernel_shape", w.kernelHeight(), w.kernelWidth()));
    node.addAttribute(GraphWriter.ints("strides", w.strideHeight(), w.strideWidth()));
    node.addAttribute(GraphWriter.ints("dilations", w.dilationHeight(), w.dilationWidth()));
    node.addAttribute(GraphWriter.ints("pads", g.padTop(), g.padLeft(), padBottom, padRight));
  }
}
