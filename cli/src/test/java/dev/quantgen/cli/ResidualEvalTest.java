package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.cli.onnx.IdxTestSet;
import dev.quantgen.cli.onnx.InProcessCompiler;
import dev.quantgen.onnx.FloatExecutor;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantgen import} and {@code eval} on a residual graph written here: a depthwise-separable
 * block (depthwise Conv with group = channels, Clip(0, 6), pointwise Conv) added to its input, a
 * channel Concat, GlobalAveragePool, Gemm and Softmax. The weights are random, so accuracy is not
 * the point: the generated FP32 model must classify each image as the reference executor does.
 */
class ResidualEvalTest {
  private static final int IMAGES = 60;

  @TempDir Path tmp;

  @Test
  void importWritesAddConcatAndSoftmaxLayersThatCompile() throws IOException {
    Path model = Files.write(tmp.resolve("residual.onnx"), residualModel());
    CliRun run =
        CliRun.of(
            "import",
            model.toString(),
            "--package",
            "com.example.residual",
            "--out",
            tmp.resolve("src").toString(),
            "--name",
            "Residual");
    assertEquals(0, run.exit(), run::toString);
    List<Path> sources;
    try (Stream<Path> files = Files.walk(tmp.resolve("src"))) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    String all = String.join("\n", sources.stream().map(ResidualEvalTest::read).toList());
    assertTrue(
        all.contains("@Add(")
            && all.contains("@Concat(")
            && all.contains("@Softmax(")
            && all.contains("groups = 4"),
        all);
    Files.createDirectories(tmp.resolve("classes"));
    InProcessCompiler.compile(sources, tmp.resolve("classes")); // throws with javac's errors
  }

  @Test
  void evalRunsTheGraphOnGeneratedKernelsAsTheReferenceDoes() throws IOException {
    Path model = Files.write(tmp.resolve("residual.onnx"), residualModel());
    String data = SharedData.require("data/mnist").toString();
    JsonObject fp32 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data,
                "--precision",
                "fp32",
                "--images",
                Integer.toString(IMAGES),
                "--json"));
    JsonObject int8 =
        json(
            CliRun.of(
                "eval",
                "--model",
                model.toString(),
                "--data",
                data,
                "--precision",
                "int8",
                "--images",
                Integer.toString(IMAGES),
                "--samples",
                "30",
                "--json"));
    System.out.println("residual eval: " + fp32 + "\n" + int8);

    FloatExecutor reference = new FloatExecutor(GraphLowering.lower(OnnxModel.read(model)));
    IdxTestSet set = IdxTestSet.read(Path.of(data), IMAGES);
    int errors = 0;
    for (int n = 0; n < IMAGES; n++) {
      FloatTensor y = reference.run(FloatTensor.of(Shape.of(1, 1, 28, 28), set.images()[n]));
      int best = 0;
      for (int k = 1; k < 10; k++) {
        best = y.get(k) > y.get(best) ? k : best;
      }
      errors += best == set.labels()[n] ? 0 : 1;
    }
    assertEquals(errors, fp32.get("errors").getAsInt(), fp32::toString);
    assertEquals("int8", int8.get("precision").getAsString());
    assertEquals(IMAGES - 30, int8.get("heldout_images").getAsInt(), int8::toString);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonObject json(CliRun run) {
    assertEquals(0, run.exit(), run::toString);
    return JsonParser.parseString(run.out()).getAsJsonObject();
  }

  /** [1, 1, 28, 28] to 10 probabilities through a residual depthwise-separable block. */
  static byte[] residualModel() {
    Random random = new Random(16);
    OnnxMl.GraphProto.Builder g =
        OnnxMl.GraphProto.newBuilder()
            .setName("residual")
            .addInput(value("x", 1, 1, 28, 28))
            .addOutput(value("y", 1, 10));
    floats(g, random, 0.6f, 0, "Ws", 4, 1, 3, 3);
    floats(g, random, 0.1f, 0, "Bs", 4);
    floats(g, random, 0.5f, 0, "Wd", 4, 1, 3, 3);
    floats(g, random, 0.1f, 0, "Bd", 4);
    floats(g, random, 0.5f, 0, "Wp", 4, 4, 1, 1);
    floats(g, random, 1f, 0, "G", 10, 8);
    floats(g, random, 0.1f, 0, "C", 10);
    floats(g, random, 0, 0, "lo");
    floats(g, random, 0, 6, "hi");
    g.addNode(
        node("Conv", "stem", "s0", "x", "Ws", "Bs")
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(ints("strides", 2, 2)));
    g.addNode(node("Relu", "stem_relu", "s", "s0"));
    g.addNode(
        node("Conv", "depthwise", "d0", "s", "Wd", "Bd")
            .addAttribute(ints("pads", 1, 1, 1, 1))
            .addAttribute(integer("group", 4)));
    g.addNode(node("Clip", "relu6", "d", "d0", "lo", "hi"));
    g.addNode(node("Conv", "pointwise", "p", "d", "Wp"));
    g.addNode(node("Add", "residual", "r", "p", "s"));
    g.addNode(node("Concat", "widen", "c", "r", "s").addAttribute(integer("axis", 1)));
    g.addNode(node("GlobalAveragePool", "gap", "a", "c"));
    g.addNode(node("Flatten", "flat", "f", "a"));
    g.addNode(node("Gemm", "head", "logits", "f", "G", "C").addAttribute(integer("transB", 1)));
    g.addNode(node("Softmax", "probabilities", "y", "logits").addAttribute(integer("axis", 1)));
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(g)
        .build()
        .toByteArray();
  }

  private static OnnxMl.NodeProto.Builder node(
      String op, String name, String output, String... inputs) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(name)
        .addAllInput(List.of(inputs))
        .addOutput(output);
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

  private static OnnxMl.AttributeProto integer(String name, long v) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  private static void floats(
      OnnxMl.GraphProto.Builder g,
      Random random,
      float sigma,
      float offset,
      String name,
      long... dims) {
    OnnxMl.TensorProto.Builder t =
        OnnxMl.TensorProto.newBuilder()
            .setName(name)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    long n = 1;
    for (long d : dims) {
      t.addDims(d);
      n *= d;
    }
    for (long i = 0; i < n; i++) {
      t.addFloatData(offset + sigma * (float) random.nextGaussian());
    }
    g.addInitializer(t);
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
