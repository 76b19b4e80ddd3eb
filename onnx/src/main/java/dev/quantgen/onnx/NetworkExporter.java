package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.runtime.qat.ActivationQuant;
import dev.quantgen.runtime.train.Convolution;
import dev.quantgen.runtime.train.Layer;
import dev.quantgen.runtime.train.Linear;
import dev.quantgen.runtime.train.MaxPooling;
import dev.quantgen.runtime.train.Network;
import dev.quantgen.runtime.train.Relu;

/**
 * Writes a network trained with {@code dev.quantgen.runtime.train} as an FP32 ONNX model, so the
 * ONNX path (lowering, the FP32 and INT8 executors, the QDQ exporter, ONNX Runtime) runs what the
 * Java trainer produced: {@link Convolution} becomes {@code Conv} (weights {@code [M, C, k, k]},
 * bias, symmetric pads), {@link Relu} {@code Relu}, {@link MaxPooling} {@code MaxPool} (kernel and
 * stride = size), {@link Linear} {@code Gemm} with {@code transB = 1} (its {@code [out][in]} weight
 * as PyTorch exports it), preceded by a {@code Flatten} when the input is still spatial. Activation
 * fake-quantization boundaries ({@link ActivationQuant}) export as nothing: the model is the float
 * network, its quantization is chosen on the ONNX side. Initializers keep the layers' names
 * ({@code conv1.weight}, {@code fc1.bias}, ...), so generated sources bind to them.
 */
public final class NetworkExporter {
  private static final int OPSET = 13;
  private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private int channels;
  private int height;
  private int width;
  private boolean spatial;
  private String current = "input";
  private int node;

  private NetworkExporter(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.spatial = height > 1 || width > 1;
  }

  /**
   * The FP32 ONNX model of {@code network} for inputs {@code [N, channels, height, width]} (or
   * {@code [N, channels]} when height and width are 1), serialized.
   *
   * @throws IllegalArgumentException for a layer this exporter does not know, or sizes that do not
   *     chain
   */
  public static byte[] export(Network network, String name, int channels, int height, int width) {
    if ((long) channels * height * width != network.inputSize()) {
      throw new IllegalArgumentException("input [" + channels + ", " + height + ", " + width + "] has "
          + (long) channels * height * width + " values, but the network takes " + network.inputSize());
    }
    return new NetworkExporter(channels, height, width).build(network, name);
  }

  private byte[] build(Network network, String name) {
    graph.setName(name);
    graph.addInput(spatial ? value("input", -1, channels, height, width) : value("input", -1, channels));
    for (Layer layer : network.layers()) {
      if (layer instanceof Convolution c) {
        conv(c);
      } else if (layer instanceof Relu) {
        current = add("Relu", current);
      } else if (layer instanceof MaxPooling p) {
        maxPool(p);
      } else if (layer instanceof Linear l) {
        gemm(l);
      } else if (!(layer instanceof ActivationQuant)) {
        throw new IllegalArgumentException("layer " + layer.getClass().getSimpleName()
            + ": expected Convolution, Relu, MaxPooling, Linear or ActivationQuant");
      }
    }
    graph.addOutput(spatial ? value(current, -1, channels, height, width) : value(current, -1, channels));
    return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setProducerName("quantgen")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(OPSET))
        .setGraph(graph).build().toByteArray();
  }

  private void conv(Convolution c) {
    if (!spatial || c.channels() != channels || c.height() != height || c.width() != width) {
      throw new IllegalArgumentException("layer " + c.name() + ": expects [" + c.channels() + ", " + c.height() + ", "
          + c.width() + "], but the input is " + describe());
    }
    int k = c.kernel();
    int p = c.padding();
    initializer(c.name() + ".weight", c.weight(), c.filters(), c.channels(), k, k);
    initializer(c.name() + ".bias", c.bias(), c.filters());
    OnnxMl.NodeProto.Builder conv = node("Conv", current, c.name() + ".weight", c.name() + ".bias");
    conv.setName(c.name());
    conv.addAttribute(ints("kernel_shape", k, k)).addAttribute(ints("pads", p, p, p, p))
        .addAttribute(ints("strides", 1, 1));
    current = conv.getOutput(0);
    channels = c.filters();
    height = c.outHeight();
    width = c.outWidth();
  }

  private void maxPool(MaxPooling pool) {
    int s = pool.size();
    if (!spatial || (long) channels * height * width != pool.inputSize()) {
      throw new IllegalArgumentException("max pooling of " + pool.inputSize() + " values after " + describe()
          + ": expected a spatial input of that size");
    }
    OnnxMl.NodeProto.Builder node = node("MaxPool", current);
    node.addAttribute(ints("kernel_shape", s, s)).addAttribute(ints("strides", s, s));
    current = node.getOutput(0);
    height /= s;
    width /= s;
  }

  private void gemm(Linear l) {
    if (spatial) {
      OnnxMl.NodeProto.Builder flatten = node("Flatten", current);
      flatten.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis")
          .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1));
      current = flatten.getOutput(0);
      channels = channels * height * width;
      height = 1;
      width = 1;
      spatial = false;
    }
    if (l.inputSize() != channels) {
      throw new IllegalArgumentException("layer " + l.name() + ": expects " + l.inputSize() + " inputs, but the input is "
          + describe());
    }
    initializer(l.name() + ".weight", l.weight(), l.outputSize(), l.inputSize());
    initializer(l.name() + ".bias", l.bias(), l.outputSize());
    OnnxMl.NodeProto.Builder gemm = node("Gemm", current, l.name() + ".weight", l.name() + ".bias");
    gemm.setName(l.name());
    gemm.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("transB")
        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1));
    current = gemm.getOutput(0);
    channels = l.outputSize();
  }

  private String describe() {
    return spatial ? "[" + channels + ", " + height + ", " + width + "]" : "[" + channels + "]";
  }

  private String add(String op, String input) {
    return node(op, input).getOutput(0);
  }

  private OnnxMl.NodeProto.Builder node(String op, String... inputs) {
    String id = op.toLowerCase(java.util.Locale.ROOT) + "_" + node++;
    return graph.addNodeBuilder().setOpType(op).setName(id).addAllInput(java.util.List.of(inputs)).addOutput(id);
  }

  private void initializer(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = graph.addInitializerBuilder().setName(name).setDataType(FLOAT);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
  }

  private static OnnxMl.AttributeProto ints(String name, long... v) {
    OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static OnnxMl.ValueInfoProto value(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
          : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape))).build();
  }
}
