package dev.quantgen.benchmarks;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.quantgen.runtime.kernel.Rows;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Tiny ONNX graphs for ONNX Runtime at the benchmark shapes, built in code: {@code Y = X W} as one
 * FP32 MatMul, and the same product as a QDQ model (uint8 activations with a zero point, int8
 * symmetric weights, quantized output), which ONNX Runtime fuses into its integer kernel. Weights
 * are seeded random values: only the arithmetic's speed is compared, not its results.
 */
final class OnnxModels {
  private static final int OPSET = 17;

  private OnnxModels() {}

  /**
   * An ONNX Runtime session on {@code model} as every ORT benchmark runs it: as many intra-op
   * threads as quantgen's kernels may use ({@code quantgen.threads}), one inter-op thread, all
   * graph optimizations.
   */
  static OrtSession session(byte[] model) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(Rows.threads());
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return OrtEnvironment.getEnvironment().createSession(model, options);
    }
  }

  /** {@code Y[batch, out] = X[batch, in] W[in, out]} in float32. */
  static byte[] fp32MatMul(int in, int out) {
    Random random = new Random(7);
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() / (float) Math.sqrt(in);
    }
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("matmul")
            .addInput(value("X", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, in))
            .addOutput(value("Y", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, out))
            .addInitializer(floats("W", w, in, out))
            .addNode(node("MatMul", "X", "W", "Y"));
    return model(g);
  }

  /** The QDQ form: Q/DQ on the input, DQ on int8 weights, MatMul, Q/DQ on the output. */
  static byte[] qdqMatMul(int in, int out) {
    Random random = new Random(7);
    byte[] w = new byte[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (byte) (random.nextInt(255) - 127);
    }
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("qdq_matmul")
            .addInput(value("X", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, in))
            .addOutput(value("Y", OnnxMl.TensorProto.DataType.FLOAT_VALUE, -1, out))
            .addInitializer(scalarFloat("xs", 2.0f / 255))
            .addInitializer(scalarUint8("xz", 128))
            .addInitializer(scalarFloat("ws", 0.01f))
            .addInitializer(scalarInt8("wz", 0))
            .addInitializer(scalarFloat("ys", 5.0f / 255))
            .addInitializer(scalarUint8("yz", 128))
            .addInitializer(
                OnnxMl.TensorProto.newBuilder()
                    .setName("Wq")
                    .setDataType(OnnxMl.TensorProto.DataType.INT8_VALUE)
                    .addDims(in)
                    .addDims(out)
                    .setRawData(ByteString.copyFrom(w)))
            .addNode(node("QuantizeLinear", "X", "xs", "xz", "Xq"))
            .addNode(node("DequantizeLinear", "Xq", "xs", "xz", "Xd"))
            .addNode(node("DequantizeLinear", "Wq", "ws", "wz", "Wd"))
            .addNode(node("MatMul", "Xd", "Wd", "Yf"))
            .addNode(node("QuantizeLinear", "Yf", "ys", "yz", "Yq"))
            .addNode(node("DequantizeLinear", "Yq", "ys", "yz", "Y"));
    return model(g);
  }

  private static byte[] model(OnnxMl.GraphProto.Builder graph) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .setProducerName("quantgen-benchmarks")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  /** A node whose last name is its output and the others its inputs. */
  private static OnnxMl.NodeProto node(String op, String... names) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder().setOpType(op).setName(names[names.length - 1] + "_" + op);
    for (int i = 0; i < names.length - 1; i++) {
      n.addInput(names[i]);
    }
    return n.addOutput(names[names.length - 1]).build();
  }

  /** A float32 or other tensor value of shape [batch (symbolic when negative), n]. */
  private static OnnxMl.ValueInfoProto value(String name, int type, int batch, int n) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(
        batch < 0
            ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
            : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(batch));
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(n));
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
        .build();
  }

  private static OnnxMl.TensorProto floats(String name, float[] v, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
        .addDims(rows)
        .addDims(cols)
        .setRawData(ByteString.copyFrom(b.array()))
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
