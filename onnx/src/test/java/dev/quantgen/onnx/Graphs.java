package dev.quantgen.onnx;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builds small ONNX models in tests with the protobuf builders: one input, a chain of nodes, one
 * output.
 */
final class Graphs {
  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("test");
  private final Random random;
  private final List<OnnxMl.NodeProto.Builder> nodes = new ArrayList<>();

  Graphs(long seed) {
    this.random = new Random(seed);
  }

  Graphs input(String name, long... dims) {
    graph.addInput(value(name, dims));
    return this;
  }

  Graphs output(String name, long... dims) {
    graph.addOutput(value(name, dims));
    return this;
  }

  /** A float initializer of random values, scaled by {@code sigma}, shifted by {@code offset}. */
  Graphs randomFloats(String name, double sigma, double offset, long... dims) {
    int n = 1;
    for (long d : dims) {
      n *= (int) d;
    }
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (int i = 0; i < n; i++) {
      t.addFloatData((float) (offset + random.nextGaussian() * sigma));
    }
    graph.addInitializer(t);
    return this;
  }

  Graphs longs(String name, long... values) {
    graph.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
            .addDims(values.length)
            .addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
    return this;
  }

  /** A scalar (rank 0) int64 initializer, as exporters write Gather's index. */
  Graphs scalarLong(String name, long value) {
    graph.addInitializer(
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.INT64_VALUE)
            .addInt64Data(value));
    return this;
  }

  /** Adds a node; attributes are added to the returned builder with {@link #ints} and friends. */
  OnnxMl.NodeProto.Builder node(String op, String name, List<String> inputs, String output) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder()
            .setOpType(op)
            .setName(name)
            .addAllInput(inputs)
            .addOutput(output);
    nodes.add(n);
    return n;
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

  static OnnxMl.AttributeProto integer(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static OnnxMl.AttributeProto string(String name, String v) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8(v))
        .build();
  }

  static OnnxMl.AttributeProto real(String name, float v) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  byte[] toBytes(int opset) {
    for (OnnxMl.NodeProto.Builder n : nodes) {
      graph.addNode(n);
    }
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(opset))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static OnnxMl.ValueInfoProto value(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) { // -1: the symbolic batch "N" of an export with a dynamic batch
      shape.addDim(
          d < 0
              ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
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
}
