package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.quantgen.cli.onnx.GeneratedModel;
import dev.quantgen.cli.onnx.ModelSources;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.FloatExecutor;
import dev.quantgen.onnx.GraphLowering;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.OnnxModel;
import dev.quantgen.onnx.SourceGenerator;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, parts 1 and 2, end to end: a model whose node and initializer names try to inject code
 * (comment terminators, unicode escapes javac decodes in comments, a class {@code Math} with a
 * static initializer) or to collide ({@code fc} and {@code Fc}, a node named like the model or its
 * companions) compiles with the processor into exactly the expected classes, runs none of the
 * payloads, computes what the FP32 reference computes, and {@code import} writes one file per
 * class.
 */
class HostileNamesTest {
  private static final String PWNED = "quantgen.test.pwned";

  /** Dense 4x4 layers after a Flatten, one per name. */
  static final List<String> NAMES =
      List.of(
          "fc",
          "Fc",
          "*/ static { System.setProperty(\"" + PWNED + "\", \"comment\"); } /*",
          "\\u002a\\u002f static { System.setProperty(\"" + PWNED + "\", \"escape\"); } /\\u002a",
          "Math */ final class Math { static { System.setProperty(\""
              + PWNED
              + "\", \"math\"); }"
              + " static double rint(double x) { return 0; } static int max(int a, int b) { return 0; } } /**",
          "Math",
          "String",
          "\u03a9mega",
          "",
          "class",
          "1fc",
          "Net",
          "Net_Model",
          "fc_Fp32",
          "Con");

  @TempDir Path tmp;

  @Test
  void hostileNamesCompileToExactlyTheExpectedClassesNoPayloadRunsAndTheResultIsRight()
      throws Exception {
    LoweredModel lowered = GraphLowering.lower(OnnxModel.parse(model(NAMES, 19), "hostile.onnx"));
    List<String> layers = SourceGenerator.layerClassNames(lowered, "Net");
    assertEquals(
        List.of(
            "Flat",
            "Fc",
            "Fc_2",
            "Layer___static___System_setProperty__quantgen_test_pwned____comm",
            "Layer_u002a_u002f_static___System_setProperty__quantgen_test_pwn",
            "Math____final_class_Math___static___System_setProperty__quantgen",
            "MathLayer",
            "StringLayer",
            "Layer_mega",
            "MatMul9",
            "ClassLayer",
            "Layer_1fc",
            "Net_2",
            "Net_Model_2",
            "Fc_Fp32_2",
            "ConLayer"),
        layers);

    Path work = tmp.resolve("work");
    try (GeneratedModel generated = GeneratedModel.build(lowered, "Net", work, "INT8")) {
      assertEquals(
          Set.of(), unexpectedClasses(work.resolve("classes/quantgen/eval"), layers, "Net"));
      float[] input = {0.5f, -1.25f, 2f, 0.75f};
      float[] expected =
          new FloatExecutor(lowered).run(FloatTensor.of(Shape.of(1, 1, 2, 2), input)).toArray();
      float[] actual = generated.fp32().apply(input);
      assertArrayEquals(
          expected, actual, 1e-4f * max(expected), "generated FP32 against the reference");
      UnaryOperator<float[]> int8 = generated.int8(List.of(input));
      assertEquals(4, int8.apply(input).length);
    }
    assertNull(System.getProperty(PWNED), "a payload ran");

    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {work.resolve("classes").toUri().toURL()}, getClass().getClassLoader())) {
      @SuppressWarnings("unchecked")
      Map<String, List<String>> initializers =
          (Map<String, List<String>>)
              loader.loadClass("quantgen.eval.NetWeights").getField("INITIALIZERS").get(null);
      List<String> expectedWeights = new ArrayList<>();
      List<String> actualWeights = new ArrayList<>();
      for (int k = 0; k < layers.size(); k++) {
        if (lowered.layers().get(k) instanceof DenseSpec d) {
          expectedWeights.add(d.weightName());
          actualWeights.add(initializers.get(layers.get(k)).get(0));
        }
      }
      assertEquals(
          expectedWeights, actualWeights, "initializer names survive as exact string literals");
    }
    assertNull(System.getProperty(PWNED), "a payload ran");
  }

  @Test
  void layersNamedFcAndFcKeepTheirOwnWeights() throws Exception {
    LoweredModel lowered =
        GraphLowering.lower(OnnxModel.parse(model(List.of("fc", "Fc", "FC"), 7), "fc.onnx"));
    try (GeneratedModel generated =
        GeneratedModel.build(lowered, "Fc", tmp.resolve("work"), "INT8")) {
      Random random = new Random(3);
      for (int n = 0; n < 20; n++) {
        float[] input = new float[4];
        for (int i = 0; i < 4; i++) {
          input[i] = (float) random.nextGaussian();
        }
        float[] expected =
            new FloatExecutor(lowered).run(FloatTensor.of(Shape.of(1, 1, 2, 2), input)).toArray();
        assertArrayEquals(
            expected, generated.fp32().apply(input), 1e-4f * max(expected), "image " + n);
      }
    }
    assertEquals(
        List.of("Flat", "Fc_2", "Fc_3", "FC_4"),
        SourceGenerator.layerClassNames(lowered, "Fc"),
        "the model's name Fc is taken first");
  }

  @Test
  void evalOfAModelWithFcAndFcLayersInAFileNamedFcReportsTheReferenceAccuracy() throws Exception {
    byte[] onnx = model(List.of("fc", "Fc", "FC"), 11);
    Path file = tmp.resolve("fc.onnx"); // the model's default name, Fc, is also a layer's
    Files.write(file, onnx);
    FloatExecutor reference =
        new FloatExecutor(GraphLowering.lower(OnnxModel.parse(onnx, "fc.onnx")));
    Random random = new Random(5);
    int count = 200;
    byte[] pixels = new byte[count * 4];
    byte[] labels = new byte[count];
    for (int n = 0; n < count; n++) {
      float[] x = new float[4];
      for (int i = 0; i < 4; i++) {
        int p = random.nextInt(256);
        pixels[n * 4 + i] = (byte) p;
        x[i] = p / 255f;
      }
      float[] y = reference.run(FloatTensor.of(Shape.of(1, 1, 2, 2), x)).toArray();
      int best = 0;
      for (int c = 1; c < y.length; c++) {
        best = y[c] > y[best] ? c : best;
      }
      labels[n] = (byte) best;
    }
    Path data = tmp.resolve("data");
    Files.createDirectories(data);
    writeGzip(
        data.resolve("t10k-images-idx3-ubyte.gz"), idx(0x803, new int[] {count, 2, 2}, pixels));
    writeGzip(data.resolve("t10k-labels-idx1-ubyte.gz"), idx(0x801, new int[] {count}, labels));
    CliRun run =
        CliRun.of(
            "eval",
            "--model",
            file.toString(),
            "--data",
            data.toString(),
            "--precision",
            "fp32",
            "--json");
    assertEquals(0, run.exit(), run::toString);
    double accuracy =
        com.google.gson.JsonParser.parseString(run.out())
            .getAsJsonObject()
            .get("accuracy")
            .getAsDouble();
    // the labels are the reference's answers: only a near tie may differ in summation order
    assertTrue(accuracy >= 0.99, run::toString);
  }

  private static byte[] idx(int magic, int[] dims, byte[] body) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + body.length);
    b.putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(body).array();
  }

  private static void writeGzip(Path file, byte[] bytes) throws IOException {
    try (java.util.zip.GZIPOutputStream out =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes);
    }
  }

  @Test
  void importWritesOneFilePerClassNeverTheSameFileTwice() throws IOException {
    Path onnx = tmp.resolve("hostile.onnx");
    Files.write(onnx, model(NAMES, 19));
    CliRun run =
        CliRun.of(
            "import",
            onnx.toString(),
            "--package",
            "com.example.net",
            "--out",
            tmp.resolve("src").toString(),
            "--name",
            "Net");
    assertEquals(0, run.exit(), run::toString);
    List<String> wrote = run.out().lines().filter(l -> l.startsWith("wrote ")).toList();
    assertEquals(
        NAMES.size() + 1 + 2, wrote.size(), "layers, the flatten, the model and its weights");
    Set<String> distinct = new HashSet<>();
    wrote.forEach(l -> assertTrue(distinct.add(l.toLowerCase(Locale.ROOT)), l));
    try (Stream<Path> files = Files.list(tmp.resolve("src/com/example/net"))) {
      assertEquals(wrote.size(), files.count());
    }
  }

  @Test
  void aModelNameEqualToALayerRenamesTheLayer() throws IOException {
    Path onnx = tmp.resolve("m.onnx");
    Files.write(onnx, model(List.of("fc", "fcWeights"), 5));
    CliRun run =
        CliRun.of(
            "import", onnx.toString(), "--package", "p", "--out", tmp.toString(), "--name", "Fc");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(
        run.out()
            .contains(
                "renamed: layer 2 (ONNX node fc) is class Fc_2: its name, ignoring case, is taken "
                    + "by another layer, the model or a class derived from them"),
        run::toString);
    assertTrue(
        run.out().contains("renamed: layer 3 (ONNX node fcWeights) is class FcWeights_2"),
        run::toString);
    for (String name : List.of("Flat", "Fc_2", "FcWeights_2", "Fc", "FcWeights")) {
      assertTrue(Files.isRegularFile(tmp.resolve("p/" + name + ".java")), name);
    }
  }

  @Test
  void badPackagesAndModelNamesAreUsageErrors() throws IOException {
    Path onnx = tmp.resolve("m.onnx");
    Files.write(onnx, model(List.of("fc"), 5));
    for (String pkg :
        List.of(
            "java.lang",
            "javax.x",
            "jdk.y",
            "p.class",
            "com.2bad",
            "a..b",
            "p.\u03a9",
            "dev.quantgen.runtime.layer")) {
      CliRun run =
          CliRun.of(
              "import", onnx.toString(), "--package", pkg, "--out", tmp.resolve("o").toString());
      assertEquals(2, run.exit(), run::toString);
      assertTrue(run.err().startsWith("import: --package " + pkg + ": "), run::toString);
    }
    for (String name : List.of("Math", "String", "class", "2Fast", "a-b", "Dense")) {
      CliRun run =
          CliRun.of(
              "import",
              onnx.toString(),
              "--package",
              "p",
              "--out",
              tmp.resolve("o").toString(),
              "--name",
              name);
      assertEquals(2, run.exit(), run::toString);
      assertTrue(run.err().startsWith("import: --name " + name + ": "), run::toString);
    }
    assertTrue(Files.notExists(tmp.resolve("o")), "nothing written");
  }

  @Test
  void modelNamesFromFileNamesAreSafe() {
    assertEquals("Mnist8", ModelSources.modelName(Path.of("mnist-8.onnx")));
    assertEquals("MathModel", ModelSources.modelName(Path.of("math.onnx")));
    assertEquals("SystemModel", ModelSources.modelName(Path.of("System.onnx")));
    assertEquals("Model8", ModelSources.modelName(Path.of("8.onnx")));
    assertEquals("ModelModel", ModelSources.modelName(Path.of("-.onnx")));
    assertEquals("X".length(), ModelSources.modelName(Path.of("x.onnx")).length());
    assertTrue(ModelSources.modelName(Path.of("a".repeat(200) + ".onnx")).length() <= 64);
  }

  /**
   * Class files that are none of the generated layers, the model, its companions or the processor's
   * kernels.
   */
  private static Set<String> unexpectedClasses(Path dir, List<String> layers, String model)
      throws IOException {
    Set<String> allowed = new HashSet<>(List.of(model, model + "Weights", model + "_Model"));
    List<String> suffixes =
        List.of(
            "",
            "_Fp32",
            "_Fp16",
            "_Int8",
            "_Int4",
            "_Binary",
            "_Pool",
            "_Int8FakeQuant",
            "_Int4FakeQuant",
            "_BinaryFakeQuant");
    for (String layer : layers) {
      suffixes.forEach(s -> allowed.add(layer + s));
    }
    Set<String> unexpected = new TreeSet<>();
    Set<String> seen = new HashSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String file = f.getFileName().toString();
        if (file.endsWith(".java")) {
          continue; // the processor's generated sources land beside the classes
        }
        String name = file.replaceFirst("\\.class$", "").replaceFirst("\\$.*", "");
        seen.add(name);
        if (!allowed.contains(name)) {
          unexpected.add(name);
        }
      }
    }
    for (String layer : layers) {
      assertTrue(seen.contains(layer), layer);
      assertTrue(
          layer.equals("Flat") || seen.contains(layer + "_Fp32"), () -> layer + "_Fp32 in " + seen);
    }
    return unexpected;
  }

  private static float max(float[] values) {
    float m = 1e-3f;
    for (float v : values) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /**
   * Input [1, 1, 2, 2], a Flatten named {@code flat}, then one 4x4 MatMul per name whose
   * initializer names are as hostile as the node names.
   */
  static byte[] model(List<String> names, long seed) {
    Random random = new Random(seed);
    OnnxMl.GraphProto.Builder graph =
        OnnxMl.GraphProto.newBuilder()
            .setName("hostile")
            .addInput(value("x", 1, 1, 2, 2))
            .addOutput(value("y", 1, 4))
            .addNode(
                OnnxMl.NodeProto.newBuilder()
                    .setOpType("Flatten")
                    .setName("flat")
                    .addInput("x")
                    .addOutput("f"));
    String current = "f";
    for (int k = 0; k < names.size(); k++) {
      String weight = "w" + k + "\"); static { } //\\u0022\n\u2028*/\u00e9";
      OnnxMl.TensorProto.Builder w =
          OnnxMl.TensorProto.newBuilder()
              .setName(weight)
              .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
              .addDims(4)
              .addDims(4);
      for (int i = 0; i < 16; i++) {
        w.addFloatData((float) (random.nextGaussian() * 0.5));
      }
      graph.addInitializer(w);
      String out = k == names.size() - 1 ? "y" : "h" + k;
      graph.addNode(
          OnnxMl.NodeProto.newBuilder()
              .setOpType("MatMul")
              .setName(names.get(k))
              .addInput(current)
              .addInput(weight)
              .addOutput(out));
      current = out;
    }
    return OnnxMl.ModelProto.newBuilder()
        .setIrVersion(7)
        .setProducerName("quantgen-test")
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
        .setGraph(graph)
        .build()
        .toByteArray();
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
