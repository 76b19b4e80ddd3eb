package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;

/**
 * Builds one ONNX graph node by node for the exporters: nodes, initializers of each element type
 * and the batch-first input and output declarations. Not thread-safe; one per export.
 */
final class GraphWriter {
  static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT_VALUE;
  static final int INT8 = OnnxMl.TensorProto.DataType.INT8_VALUE;
  static final int UINT8 = OnnxMl.TensorProto.DataType.UINT8_VALUE;
  static final int INT32 = OnnxMl.TensorProto.DataType.INT32_VALUE;
  static final int INT64 = OnnxMl.TensorProto.DataType.INT64_VALUE;

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();

  GraphWriter(String name) {
    graph.setName(name);
  }

  /** Adds a node; the last name is its single output. */
  OnnxMl.NodeProto.Builder node(String op, String name, String... inputsThenOutput) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder()
            .setOpType(op)
            .setName(name)
            .addOutput(inputsThenOutput[inputsThenOutput.length - 1]);
    for (int i = 0; i < inputsThenOutput.length - 1; i++) {
      n.addInput(inputsThenOutput[i]);
    }
    graph.addNode(n);
    return graph.getNodeBuilder(graph.getNodeCount() - 1);
  }

  /** A float32 initializer: a scalar when {@code dims} is empty. */
  void floats(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    graph.addInitializer(t);
  }

  /** An int32 initializer. */
  void ints(String name, int[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT32);
    for (long d : dims) {
      t.addDims(d);
    }
    for (int v : values) {
      t.addInt32Data(v);
    }
    graph.addInitializer(t);
  }

  /** An int64 initializer. */
  void longs(String name, long[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long d : dims) {
      t.addDims(d);
    }
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
  }

  /**
   * An 8-bit initializer of {@code type} ({@link #INT8} or {@link #UINT8}); each value must already
   * lie in that type's range, so the narrowing below is exact.
   */
  void bytes(String name, int type, int[] values, long... dims) {
    OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(type);
    for (long d : dims) {
      t.addDims(d);
    }
    byte[] raw = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      raw[i] = (byte) values[i];
    }
    graph.addInitializer(t.setRawData(ByteString.copyFrom(raw)));
  }

  /** Declares a graph input of shape {@code [N, perSample...]}, {@code N} symbolic. */
  void input(String name, int type, int... perSample) {
    graph.addInput(value(name, type, perSample));
  }

  /** Declares a graph output of shape {@code [N, perSample...]}, {@code N} symbolic. */
  void output(String name, int type, int... perSample) {
    graph.addOutput(value(name, type, perSample));
  }

  /** The finished model with one default-domain opset import. */
  byte[] toModel(int opset) {
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  static OnnxMl.AttributeProto integer(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  /** The ONNX {@code dims} of a shape. */
  static long[] dims(int... dims) {
    long[] d = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      d[i] = dims[i];
    }
    return d;
  }

  static OnnxMl.AttributeProto ints(String name, long... v) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static OnnxMl.ValueInfoProto value(String name, int type, int... perSample) {
    OnnxMl.TensorShapeProto.Builder shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
    for (int d : perSample) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
        .build();
  }
}
