package dev.quantgen.maven;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small ONNX models written with the protobuf builders: ones the import takes, one it rejects. */
final class TinyOnnx {
  private TinyOnnx() {}

  /**
   * {@code y = relu(x W + b)}, {@code x: [1, 4]}, {@code W: [4, 3]}: one dense layer named {@code
   * fc}.
   */
  static Path dense(Path file, float scale) throws IOException {
    float[] w = new float[12];
    for (int i = 0; i < w.length; i++) {
      w[i] = scale * (i - 6) / 8f;
    }
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("tiny")
            .addInput(value("x", 1, 4))
            .addOutput(value("y", 1, 3))
            .addInitializer(floats("W", w, 4, 3))
            .addInitializer(floats("B", new float[] {0.5f, -0.25f, 0f}, 3))
            .addNode(node("MatMul", "fc", "x", "W", "h"))
            .addNode(node("Add", "fc_bias", "h", "B", "z"))
            .addNode(node("Relu", "fc_relu", "z", "y"));
    return write(file, g);
  }

  /**
   * {@code y = relu(x W1 + b1) W2}, {@code x: [1, 4]}, {@code W1: [4, 3]}, {@code W2: [3, 2]}:
   * dense layers {@code fc1} and {@code fc2}.
   */
  static Path twoDense(Path file) throws IOException {
    float[] w1 = new float[12];
    for (int i = 0; i < w1.length; i++) {
      w1[i] = (i - 6) / 8f;
    }
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("two")
            .addInput(value("x", 1, 4))
            .addOutput(value("y", 1, 2))
            .addInitializer(floats("W1", w1, 4, 3))
            .addInitializer(floats("B1", new float[] {0.5f, -0.25f, 0f}, 3))
            .addInitializer(floats("W2", new float[] {1f, -1f, 0.5f, 0.25f, -0.5f, 2f}, 3, 2))
            .addNode(node("MatMul", "fc1", "x", "W1", "h"))
            .addNode(node("Add", "fc1_bias", "h", "B1", "z"))
            .addNode(node("Relu", "fc1_relu", "z", "a"))
            .addNode(node("MatMul", "fc2", "a", "W2", "y"));
    return write(file, g);
  }

  /** {@code y = sigmoid(x)}: the node {@code squash} is an operator the import does not support. */
  static Path sigmoid(Path file) throws IOException {
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("sig")
            .addInput(value("x", 1, 4))
            .addOutput(value("y", 1, 4))
            .addNode(node("Sigmoid", "squash", "x", "y"));
    return write(file, g);
  }

  private static Path write(Path file, OnnxMl.GraphProto.Builder graph) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(
        file,
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("quantgen-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(graph)
            .build()
            .toByteArray());
    return file;
  }

  private static OnnxMl.NodeProto node(String op, String name, String... inputsThenOutput) {
    OnnxMl.NodeProto.Builder n =
        OnnxMl.NodeProto.newBuilder()
            .setOpType(op)
            .setName(name)
            .addOutput(inputsThenOutput[inputsThenOutput.length - 1]);
    for (int i = 0; i < inputsThenOutput.length - 1; i++) {
      n.addInput(inputsThenOutput[i]);
    }
    return n.build();
  }

  private static OnnxMl.TensorProto floats(String name, float[] values, long... dims) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float v : values) {
      t.addFloatData(v);
    }
    return t.build();
  }

  private static OnnxMl.ValueInfoProto value(String name, long... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
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
