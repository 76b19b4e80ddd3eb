package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.cli.onnx.InProcessCompiler;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantgen import}: an ONNX model becomes annotated sources that compile with the processor
 * and equal the committed mnist-8 example; bad models fail with exit 1 and a message naming them.
 */
class ImportCommandTest {
  private static final String EXAMPLE = "dev/quantgen/examples/mnist";

  @TempDir Path out;

  @Test
  void mnist8SourcesEqualTheCommittedExample() throws IOException {
    Path model = SharedData.require("data/models/mnist-8.onnx");
    CliRun run =
        CliRun.of(
            "import",
            model.toString(),
            "--package",
            "dev.quantgen.examples.mnist",
            "--out",
            out.toString());
    assertEquals(0, run.exit(), run::toString);
    List<String> names =
        List.of(
            "Convolution28",
            "Pooling66",
            "Convolution110",
            "Pooling160",
            "Times212_reshape0",
            "Times212",
            "Mnist8",
            "Mnist8Weights");
    for (String name : names) {
      Path written = out.resolve(EXAMPLE).resolve(name + ".java");
      assertTrue(run.out().contains("wrote " + written), run::toString);
      Path committed =
          Path.of("../examples/src/main/java").resolve(EXAMPLE).resolve(name + ".java");
      assertEquals(Files.readString(committed), Files.readString(written), name);
    }
    try (Stream<Path> files = Files.list(out.resolve(EXAMPLE))) {
      assertEquals(names.size(), files.count(), "files written");
    }
  }

  @Test
  void writtenSourcesCompileWithTheProcessor() throws IOException {
    Path model = SharedData.require("data/models/mnist-8.onnx");
    CliRun run =
        CliRun.of(
            "import",
            model.toString(),
            "--package",
            "com.example.digits",
            "--out",
            out.resolve("src").toString(),
            "--precision",
            "fp32",
            "--name",
            "Digits");
    assertEquals(0, run.exit(), run::toString);
    Path layer = out.resolve("src/com/example/digits/Convolution28.java");
    assertTrue(Files.readString(layer).contains("precision = Precision.FP32"), layer::toString);

    List<Path> sources;
    try (Stream<Path> files = Files.walk(out.resolve("src"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    Files.createDirectories(out.resolve("classes"));
    InProcessCompiler.compile(sources, out.resolve("classes")); // throws with javac's errors
    assertTrue(
        Files.isRegularFile(out.resolve("classes/com/example/digits/Digits_Model.class")),
        "the processor generated Digits_Model");
    assertTrue(
        Files.isRegularFile(out.resolve("classes/com/example/digits/Convolution28_Fp32.class")),
        "the processor generated the FP32 convolution kernel");
  }

  @Test
  void unsupportedOperatorExitsOneNamingTheNodeAndOperator() throws IOException {
    Path model = out.resolve("sigmoid.onnx");
    Files.write(model, sigmoidModel());
    CliRun run = CliRun.of("import", model.toString(), "--package", "p", "--out", out.toString());
    assertEquals(1, run.exit(), run::toString);
    assertTrue(
        run.err()
            .startsWith("import: node 'squash' (Sigmoid): operator 'Sigmoid' is not supported;"),
        run::toString);
  }

  @Test
  void unreadableModelExitsOneNamingTheFile() throws IOException {
    Path notOnnx = out.resolve("notes.onnx");
    Files.writeString(notOnnx, "not a model");
    CliRun run = CliRun.of("import", notOnnx.toString(), "--package", "p", "--out", out.toString());
    assertEquals(1, run.exit(), run::toString);
    assertTrue(
        run.err().startsWith("import: " + notOnnx + ": not a readable ONNX model"), run::toString);

    Path missing = out.resolve("missing.onnx");
    run = CliRun.of("import", missing.toString(), "--package", "p", "--out", out.toString());
    assertEquals(1, run.exit(), run::toString);
    assertEquals("import: " + missing + ": no such file\n", run.err(), run::toString);
  }

  @Test
  void badPackageOrPrecisionIsRejected() throws IOException {
    Path model = SharedData.require("data/models/mnist-8.onnx");
    CliRun run =
        CliRun.of("import", model.toString(), "--package", "com.2bad", "--out", out.toString());
    assertEquals(2, run.exit(), run::toString);
    assertTrue(
        run.err()
            .startsWith(
                "import: --package com.2bad: \"2bad\" is not an identifier, expected a Java "
                    + "package name"),
        run::toString);

    run =
        CliRun.of(
            "import",
            model.toString(),
            "--package",
            "p",
            "--out",
            out.toString(),
            "--precision",
            "int3");
    assertEquals(2, run.exit(), run::toString);
    assertTrue(
        run.err().startsWith("import: --precision int3: expected int8 or fp32"), run::toString);
  }

  @Test
  void clipWithConstantBoundsIsWrittenAsClipAndCompiles() throws IOException {
    Path model = out.resolve("clip.onnx");
    Files.write(model, gemmClipModel());
    CliRun run =
        CliRun.of(
            "import",
            model.toString(),
            "--package",
            "com.example.clip",
            "--out",
            out.resolve("src").toString(),
            "--name",
            "Clipped");
    assertEquals(0, run.exit(), run::toString);
    List<Path> sources;
    try (Stream<Path> files = Files.walk(out.resolve("src"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    String all = String.join("\n", sources.stream().map(ImportCommandTest::read).toList());
    assertTrue(all.contains("activation = Activation.CLIP"), all);
    assertTrue(all.contains("clipMin = -0.5f"), all);
    assertTrue(all.contains("clipMax = 1.25f"), all);
    Files.createDirectories(out.resolve("classes"));
    InProcessCompiler.compile(sources, out.resolve("classes")); // throws with javac's errors
    assertTrue(
        Files.isRegularFile(out.resolve("classes/com/example/clip/Clipped_Model.class")),
        "the processor generated Clipped_Model");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Gemm 4 -> 3 then Clip(-0.5, 1.25) with opset-13 bound inputs. */
  private static byte[] gemmClipModel() {
    OnnxMl.TensorProto.Builder w =
        OnnxMl.TensorProto.newBuilder()
            .setName("W")
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
            .addDims(3)
            .addDims(4);
    for (int i = 0; i < 12; i++) {
      w.addFloatData((i % 5 - 2) * 0.25f);
    }
    OnnxMl.GraphProto.Builder graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("test")
            .addInput(value("x", 4))
            .addOutput(value("y", 3))
            .addInitializer(w)
            .addInitializer(scalar("lo", -0.5f))
            .addInitializer(scalar("hi", 1.25f))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Gemm")
                    .setName("fc")
                    .addInput("x")
                    .addInput("W")
                    .addOutput("h")
                    .addAttribute(
                        OnnxMl.AttributeProto.newBuilder()
                            .setName("transB")
                            .setType(OnnxMl.AttributeProto.AttributeType.INT)
                            .setI(1)))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Clip")
                    .setName("clip")
                    .addInput("h")
                    .addInput("lo")
                    .addInput("hi")
                    .addOutput("y"));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static OnnxMl.TensorProto scalar(String name, float v) {
    return OnnxMl.TensorProto.newBuilder()
        .setName(name)
        .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
        .addFloatData(v)
        .build();
  }

  /** A one-node model whose operator quantgen does not lower. */
  private static byte[] sigmoidModel() {
    OnnxMl.GraphProto.Builder graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("test")
            .addInput(value("x", 4))
            .addOutput(value("y", 4))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Sigmoid")
                    .setName("squash")
                    .addInput("x")
                    .addOutput("y"));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
  }

  private static OnnxMl.ValueInfoProto value(String name, int size) {
    OnnxMl.TensorShapeProto.Builder shape =
        OnnxMl.TensorShapeProto.newBuilder()
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
            .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size));
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
