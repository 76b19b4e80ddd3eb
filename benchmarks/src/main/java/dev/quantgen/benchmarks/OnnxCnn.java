package dev.quantgen.benchmarks;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;

/**
 * The Fashion CNN of {@link CnnBenchmark} as ONNX graphs for ONNX Runtime, built in code: float
 * (Conv, Relu, MaxPool, Reshape, Gemm) and QDQ (uint8 activations with zero point 0 after each
 * ReLU, so ORT drops the Relu into the quantize; int8 symmetric per-tensor weights; int32 biases at
 * scale {@code sx * sw}), which ORT fuses into QLinearConv and QGemm. Seeded random weights: only
 * the speed is compared.
 */
final class OnnxCnn {
  private static final int OPSET = 17;
  private static final float INPUT_SCALE = 1.0f / 255;
  private static final float HIDDEN_SCALE = 4.0f / 255;
  private static final float WEIGHT_SCALE = 0.01f;

  private final OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("fashion_cnn");
  private final Random random = new Random(11);
  private final boolean qdq;
  private int names;

  private OnnxCnn(boolean qdq) {
    this.qdq = qdq;
  }

  /** The model: input {@code X [batch, 1, 28, 28]}, output {@code Y [batch, 10]}, both float. */
  static byte[] model(boolean qdq) {
    return new OnnxCnn(qdq).build();
  }

  private byte[] build() {
    g.addInput(value("X", -1, 1, 28, 28)).addOutput(value("Y", -1, 10));
    if (qdq) {
      g.addInitializer(scalarFloat("sx", INPUT_SCALE))
          .addInitializer(scalarFloat("sh", HIDDEN_SCALE))
          .addInitializer(scalarFloat("sw", WEIGHT_SCALE))
          .addInitializer(scalarUint8("z8", 0))
          .addInitializer(scalarInt8("zw", 0));
    }
    String a = qdq ? requant("X", "sx") : "X";
    a = conv(a, 1, 16, qdq ? INPUT_SCALE : 0);
    a = maxPool(a);
    a = conv(a, 16, 32, HIDDEN_SCALE);
    a = maxPool(a);
    g.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName("shape")
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
            .addDims(2)
            .addInt64Data(-1)
            .addInt64Data(1568));
    a = node("Reshape", List.of(a, "shape"), List.of());
    if (qdq) {
      a = requant(a, "sh");
    }
    a = gemm(a, 1568, 128, true);
    a = gemm(a, 128, 10, false);
    if (qdq) {
      a = requant(a, "sh");
    }
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType("Identity")
            .setName("out")
            .addInput(a)
            .addOutput("Y"));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("quantgen-benchmarks")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  /** Conv + ReLU (then, in QDQ form, a quantize/dequantize pair of the hidden scale). */
  private String conv(String x, int c, int m, float inputScale) {
    String w = weights(m, c, 3, 3);
    String b = bias(m, inputScale);
    String y =
        node(
            "Relu",
            List.of(node("Conv", List.of(x, w, b), List.of(ints("pads", 1, 1, 1, 1)))),
            List.of());
    return qdq ? requant(y, "sh") : y;
  }

  private String maxPool(String x) {
    String y =
        node("MaxPool", List.of(x), List.of(ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
    return qdq ? requant(y, "sh") : y;
  }

  /** {@code x W + b}, ReLU if asked; weights {@code [in, out]}. */
  private String gemm(String x, int in, int out, boolean relu) {
    String w = weights(in, out);
    String b = bias(out, HIDDEN_SCALE);
    String y = node("Gemm", List.of(x, w, b), List.of());
    if (relu) {
      y = node("Relu", List.of(y), List.of());
    }
    return qdq ? requant(y, "sh") : y;
  }

  private String weights(int... dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    int fanIn = n / (dims.length == 2 ? dims[1] : dims[0]);
    String name = "w" + names++;
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name);
    for (int d : dims) {
      t.addDims(d);
    }
    if (qdq) {
      byte[] q = new byte[n];
      for (int i = 0; i < n; i++) {
        q[i] =
            (byte)
                Math.max(
                    -127,
                    Math.min(
                        127, Math.rint(random.nextGaussian() / Math.sqrt(fanIn) / WEIGHT_SCALE)));
      }
      g.addInitializer(
          t.setDataType(OnnxMl.TensorProto.DataType.INT8_VALUE).setRawData(ByteString.copyFrom(q)));
      return node("DequantizeLinear", List.of(name, "sw", "zw"), List.of());
    }
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat((float) (random.nextGaussian() / Math.sqrt(fanIn)));
    }
    g.addInitializer(
        t.setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
            .setRawData(ByteString.copyFrom(b.array())));
    return name;
  }

  private String bias(int n, float inputScale) {
    String name = "b" + names++;
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).addDims(n);
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      float v = 0.01f * (float) random.nextGaussian();
      if (qdq) {
        b.putInt(Math.round(v / (inputScale * WEIGHT_SCALE)));
      } else {
        b.putFloat(v);
      }
    }
    if (!qdq) {
      g.addInitializer(
          t.setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
              .setRawData(ByteString.copyFrom(b.array())));
      return name;
    }
    g.addInitializer(
        t.setDataType(OnnxMl.TensorProto.DataType.INT32_VALUE)
            .setRawData(ByteString.copyFrom(b.array())));
    String scale = "bs" + names++;
    g.addInitializer(scalarFloat(scale, inputScale * WEIGHT_SCALE));
    String zero = "bz" + names++;
    g.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName(zero)
            .setDataType(OnnxMl.TensorProto.DataType.INT32_VALUE)
            .addInt32Data(0));
    return node("DequantizeLinear", List.of(name, scale, zero), List.of());
  }

  /**
   * QuantizeLinear to uint8 (zero point 0) and back: where ORT's QDQ fusion finds its int8 tensors.
   */
  private String requant(String x, String scale) {
    return node(
        "DequantizeLinear",
        List.of(node("QuantizeLinear", List.of(x, scale, "z8"), List.of()), scale, "z8"),
        List.of());
  }

  private String node(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
    String out = op.toLowerCase(java.util.Locale.ROOT) + names++;
    g.addNode(
        OnnxMl.NodeProto.newBuilder()
            .setOpType(op)
            .setName(out)
            .addAllInput(inputs)
            .addOutput(out)
            .addAllAttribute(attributes));
    return out;
  }

  private static OnnxMl.AttributeProto ints(String name, long... v) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  /** A float tensor value; a negative dimension is the symbolic batch. */
  private static OnnxMl.ValueInfoProto value(String name, int... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (int d : dims) {
      shape.addDim(
          d < 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
              : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }

  private static OnnxMl.TensorProto scalarFloat(String name, float v) {
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
        .addFloatData(v)
        .build();
  }

  private static OnnxMl.TensorProto scalarUint8(String name, int v) {
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.UINT8_VALUE)
        .addInt32Data(v)
        .build();
  }

  private static OnnxMl.TensorProto scalarInt8(String name, int v) {
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.INT8_VALUE)
        .addInt32Data(v)
        .build();
  }
}
