package dev.quantgen.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.weights.WeightSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The goal on a project folder without Maven around it: what it writes, when it skips, and what it
 * says when a model cannot be imported. The real build is the invoker sample in {@code src/it}.
 */
class GenerateMojoTest {
  @TempDir Path project;

  private final List<String> log = new ArrayList<>();

  private GenerateMojo mojo() {
    GenerateMojo mojo = new GenerateMojo();
    mojo.onnxDirectory = project.resolve("src/main/onnx").toFile();
    mojo.packageName = "com.example.tiny";
    mojo.precision = "int8";
    mojo.outputDirectory = project.resolve("target/generated-sources/quantgen").toFile();
    mojo.resourceDirectory = project.resolve("target/generated-resources/quantgen").toFile();
    mojo.stampDirectory = project.resolve("target/quantgen-stamps").toFile();
    mojo.pluginVersion = "test";
    mojo.project = new MavenProject();
    mojo.project.setFile(project.resolve("pom.xml").toFile());
    mojo.setLog(
        new SystemStreamLog() {
          @Override
          public void info(CharSequence content) {
            log.add(content.toString());
          }

          @Override
          public void warn(CharSequence content) {
            log.add("WARN " + content);
          }
        });
    return mojo;
  }

  private Set<String> sources() throws Exception {
    Path root = project.resolve("target/generated-sources/quantgen");
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> root.relativize(f).toString().replace(File.separatorChar, '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void writesTheLayerModelAndBindingSourcesAndTheWeights() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);

    mojo().execute();

    assertEquals(
        Set.of(
            "com/example/tiny/Fc.java",
            "com/example/tiny/TinyNet.java",
            "com/example/tiny/TinyNetWeights.java"),
        sources());
    String layer =
        Files.readString(
            project.resolve("target/generated-sources/quantgen/com/example/tiny/Fc.java"));
    assertTrue(layer.contains("@Dense(") && layer.contains("activation = Activation.RELU"), layer);
    assertTrue(layer.contains("@Quantize(") && layer.contains("precision = Precision.INT8"), layer);
    Path npz = project.resolve("target/generated-resources/quantgen/com/example/tiny/TinyNet.npz");
    try (WeightSource weights = WeightSource.open(npz)) {
      assertEquals(List.of("Fc.weight", "Fc.bias"), weights.names());
      assertEquals("[3, 4]", weights.shape("Fc.weight").toString(), "dense weights are [out, in]");
      float[] w = weights.get("Fc.weight").toArray();
      assertEquals(-6 / 8f, w[0]); // W[0][0] of the [in, out] initializer
      assertEquals(-5 / 8f, w[4]); // W[0][1]: transposed, row 1 of [out, in] starts with it
      assertEquals(0.5f, weights.get("Fc.bias").toArray()[0]);
    }
    assertEquals(
        "quantgen: src/main/onnx/tiny-net.onnx -> 1 layers, @Quantize(INT8), model com.example.tiny.TinyNet:"
            + " 3 sources in target/generated-sources/quantgen, weights"
            + " target/generated-resources/quantgen/com/example/tiny/TinyNet.npz",
        log.get(0).replace(File.separatorChar, '/'));
  }

  @Test
  void theSourcesAndWeightsBecomeACompileSourceRootAndAResourceRoot() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);
    GenerateMojo mojo = mojo();

    mojo.execute();
    mojo.execute(); // a second execution adds neither root twice

    assertEquals(
        List.of(project.resolve("target/generated-sources/quantgen").toString()),
        mojo.project.getCompileSourceRoots());
    assertEquals(
        List.of(project.resolve("target/generated-resources/quantgen").toString()),
        mojo.project.getResources().stream()
            .map(r -> r.getDirectory())
            .collect(Collectors.toList()));
  }

  @Test
  void aSecondRunWithTheSameModelAndSettingsWritesNothing() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);
    mojo().execute();
    Path layer = project.resolve("target/generated-sources/quantgen/com/example/tiny/Fc.java");
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(layer, old);

    mojo().execute();

    assertEquals(old, Files.getLastModifiedTime(layer));
    assertEquals(
        "quantgen: src/main/onnx/tiny-net.onnx unchanged since the last build: com.example.tiny.TinyNet is"
            + " up to date",
        log.get(1).replace(File.separatorChar, '/'));
  }

  @Test
  void aChangedModelOrSettingIsGeneratedAgain() throws Exception {
    Path model = TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);
    mojo().execute();
    Path npz = project.resolve("target/generated-resources/quantgen/com/example/tiny/TinyNet.npz");

    TinyOnnx.dense(model, 2f);
    mojo().execute();
    try (WeightSource weights = WeightSource.open(npz)) {
      assertEquals(-12 / 8f, weights.get("Fc.weight").toArray()[0], "the new model's weights");
    }

    GenerateMojo fp32 = mojo();
    fp32.precision = "FP32";
    fp32.execute();
    assertTrue(
        Files.readString(
                project.resolve("target/generated-sources/quantgen/com/example/tiny/Fc.java"))
            .contains("precision = Precision.FP32"));
    assertEquals(3, log.stream().filter(l -> l.contains(" -> 1 layers")).count(), log::toString);
  }

  @Test
  void aRenamedModelLeavesNoStaleSources() throws Exception {
    Path model = TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);
    mojo().execute();

    Files.move(model, model.resolveSibling("small.onnx"));
    mojo().execute();

    assertEquals(
        Set.of(
            "com/example/tiny/Fc.java",
            "com/example/tiny/Small.java",
            "com/example/tiny/SmallWeights.java"),
        sources());
    assertFalse(
        Files.exists(
            project.resolve("target/generated-resources/quantgen/com/example/tiny/TinyNet.npz")));
  }

  @Test
  void aStampOfAGoneModelDeletesNothingOutsideTheOutputFolders() throws Exception {
    Path pom = Files.writeString(project.resolve("pom.xml"), "<project/>");
    Path stale = project.resolve("target/generated-sources/quantgen/com/example/tiny/Gone.java");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "class Gone {}");
    Files.createDirectories(project.resolve("target/quantgen-stamps"));
    Files.writeString(
        project.resolve("target/quantgen-stamps/Gone.stamp"),
        "sha256=00\nfile=" + stale.toAbsolutePath() + "\nfile=" + pom.toAbsolutePath() + "\n");

    mojo().execute();

    assertFalse(Files.exists(stale), "the gone model's source is deleted");
    assertTrue(
        Files.exists(pom), "a file outside the output folders stays, whatever the stamp lists");
    assertFalse(Files.exists(project.resolve("target/quantgen-stamps/Gone.stamp")));
  }

  @Test
  void anUnsupportedOperatorFailsNamingTheFileTheNodeAndTheOperator() throws Exception {
    Path model = TinyOnnx.sigmoid(project.resolve("src/main/onnx/sig.onnx"));

    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());

    assertTrue(
        e.getMessage()
            .startsWith(
                model
                    + ": node 'squash' (Sigmoid): operator 'Sigmoid' is not supported;"
                    + " supported operators: Conv, MatMul"),
        e.getMessage());
    assertFalse(Files.exists(project.resolve("target/generated-sources")), "no partial output");
  }

  @Test
  void aFileThatIsNotOnnxFailsNamingTheFile() throws Exception {
    Path model = project.resolve("src/main/onnx/broken.onnx");
    Files.createDirectories(model.getParent());
    Files.write(model, new byte[] {1, 2, 3, 4, 5});

    MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo().execute());

    assertTrue(e.getMessage().startsWith(model.toString()), e.getMessage());
  }

  @Test
  void badSettingsFailNamingTheElementAndWhatIsExpected() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/tiny-net.onnx"), 1f);
    GenerateMojo badPackage = mojo();
    badPackage.packageName = "com.example.int";
    assertEquals(
        "quantgen: <packageName>com.example.int</packageName>: \"int\" is a Java keyword, expected a"
            + " package name such as com.example.model",
        assertThrows(MojoFailureException.class, badPackage::execute).getMessage());
    GenerateMojo jdkPackage = mojo();
    jdkPackage.packageName = "java.lang";
    assertTrue(
        assertThrows(MojoFailureException.class, jdkPackage::execute)
            .getMessage()
            .startsWith("quantgen: <packageName>java.lang</packageName>: "));

    GenerateMojo badPrecision = mojo();
    badPrecision.precision = "int3";
    assertEquals(
        "quantgen: <precision>int3</precision>: expected one of [FP32, FP16, INT8, INT4, BINARY]",
        assertThrows(MojoFailureException.class, badPrecision::execute).getMessage());

    GenerateMojo badName = mojo();
    badName.modelName = "my-model";
    assertTrue(
        assertThrows(MojoFailureException.class, badName::execute)
            .getMessage()
            .endsWith(
                "tiny-net.onnx: model name \"my-model\" is not a Java class name; set <modelName> to one such as"
                    + " Mnist8"));
  }

  @Test
  void oneModelNameForSeveralModelsIsRejected() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/a.onnx"), 1f);
    TinyOnnx.dense(project.resolve("src/main/onnx/b.onnx"), 1f);
    GenerateMojo mojo = mojo();
    mojo.modelName = "Net";

    String message = assertThrows(MojoFailureException.class, mojo::execute).getMessage();

    assertTrue(
        message.startsWith("quantgen: <modelName>Net</modelName> names one model, but "), message);
  }

  @Test
  void twoModelsGeneratingTheSameLayerClassClash() throws Exception {
    TinyOnnx.dense(project.resolve("src/main/onnx/a.onnx"), 1f);
    Path b = TinyOnnx.dense(project.resolve("src/main/onnx/b.onnx"), 1f);

    String message = assertThrows(MojoFailureException.class, () -> mojo().execute()).getMessage();

    assertTrue(message.startsWith(b + ": would write "), message);
    assertTrue(
        message.contains("Fc.java, which another model of this build already generates"), message);
  }

  private String source(String layer) throws Exception {
    return Files.readString(
        project.resolve("target/generated-sources/quantgen/com/example/tiny/" + layer + ".java"));
  }

  @Test
  void layerPrecisionsGiveTheNamedLayersTheirOwnQuantize() throws Exception {
    TinyOnnx.twoDense(project.resolve("src/main/onnx/two.onnx"));
    GenerateMojo mojo = mojo();
    mojo.layerPrecisions = Map.of("Fc2", "fp32");

    mojo.execute();

    assertTrue(source("Fc1").contains("precision = Precision.INT8"), source("Fc1"));
    assertTrue(source("Fc2").contains("precision = Precision.FP32"), source("Fc2"));
    assertFalse(source("Fc2").contains("INT8"), source("Fc2"));
    assertEquals(
        "quantgen: src/main/onnx/two.onnx -> 2 layers, @Quantize(INT8, Fc2: FP32), model com.example.tiny.Two:"
            + " 4 sources in target/generated-sources/quantgen, weights"
            + " target/generated-resources/quantgen/com/example/tiny/Two.npz",
        log.get(0).replace(File.separatorChar, '/'));
  }

  @Test
  void theSameSourcesAsWithoutLayerPrecisionsButForTheNamedLayersAnnotation() throws Exception {
    TinyOnnx.twoDense(project.resolve("src/main/onnx/two.onnx"));
    mojo().execute();
    String fc1 = source("Fc1");
    String fc2 = source("Fc2");
    String model = source("Two");
    String binding = source("TwoWeights");

    GenerateMojo mixed = mojo();
    mixed.layerPrecisions = Map.of("Fc1", "INT4");
    mixed.execute();

    assertEquals(fc1.replace("Precision.INT8", "Precision.INT4"), source("Fc1"));
    assertEquals(fc2, source("Fc2"));
    assertEquals(model, source("Two"));
    assertEquals(binding, source("TwoWeights"));
  }

  @Test
  void changedLayerPrecisionsRegenerateAndUnchangedOnesSkip() throws Exception {
    TinyOnnx.twoDense(project.resolve("src/main/onnx/two.onnx"));
    GenerateMojo first = mojo();
    first.layerPrecisions = Map.of("Fc2", "FP16");
    first.execute();
    GenerateMojo same = mojo();
    same.layerPrecisions = Map.of("Fc2", "fp16"); // the same setting, another case
    same.execute();
    assertTrue(log.get(1).endsWith("com.example.tiny.Two is up to date"), log::toString);

    GenerateMojo other = mojo();
    other.layerPrecisions = Map.of("Fc2", "FP32");
    other.execute();
    assertTrue(log.get(2).contains("@Quantize(INT8, Fc2: FP32)"), log::toString);
    assertTrue(source("Fc2").contains("Precision.FP32"), source("Fc2"));

    mojo().execute(); // the entry removed: every layer INT8 again
    assertTrue(source("Fc2").contains("Precision.INT8"), source("Fc2"));
  }

  @Test
  void aLayerPrecisionNamingNoLayerWithWeightsFailsListingTheLayers() throws Exception {
    TinyOnnx.twoDense(project.resolve("src/main/onnx/two.onnx"));
    GenerateMojo typo = mojo();
    typo.layerPrecisions = Map.of("Fc3", "FP32");

    String message = assertThrows(MojoFailureException.class, typo::execute).getMessage();

    assertEquals(
        ("quantgen: <layerPrecisions> names [Fc3], but no model in "
                + project.resolve("src/main/onnx")
                + " has a layer with weights of that name; expected layer class names, per model:"
                + " {src/main/onnx/two.onnx=[Fc1, Fc2]}")
            .replace(File.separatorChar, '/'),
        message.replace(File.separatorChar, '/'));

    // an up-to-date model still knows its layers (from its stamp): the same typo fails the same way
    GenerateMojo fine = mojo();
    fine.execute();
    GenerateMojo again = mojo();
    again.layerPrecisions = Map.of("Fc2", "INT8", "Fc3", "FP32");
    assertTrue(
        assertThrows(MojoFailureException.class, again::execute)
            .getMessage()
            .startsWith("quantgen: <layerPrecisions> names [Fc3], but no model"));
  }

  @Test
  void aLayerPrecisionWithABadValueOrNameFailsNamingTheElement() throws Exception {
    TinyOnnx.twoDense(project.resolve("src/main/onnx/two.onnx"));
    GenerateMojo badValue = mojo();
    badValue.layerPrecisions = Map.of("Fc2", "int3");
    assertEquals(
        "quantgen: <layerPrecisions><Fc2>int3</Fc2>: expected one of [FP32, FP16, INT8, INT4, BINARY]",
        assertThrows(MojoFailureException.class, badValue::execute).getMessage());

    GenerateMojo badName = mojo();
    badName.layerPrecisions = Map.of("fc2.weight", "FP32");
    assertEquals(
        "quantgen: <layerPrecisions><fc2.weight>FP32</fc2.weight>: \"fc2.weight\" is not a layer class name;"
            + " expected the name of a generated layer class, such as Times212",
        assertThrows(MojoFailureException.class, badName::execute).getMessage());
    assertFalse(Files.exists(project.resolve("target/generated-sources")), "nothing written");
  }

  @Test
  void aMissingFolderIsAWarningNotAFailure() throws Exception {
    mojo().execute();

    assertEquals(
        List.of(
            "WARN quantgen: no folder "
                + project.resolve("src/main/onnx")
                + ": no ONNX model to import (set <onnxDirectory>)"),
        log);
  }
}
