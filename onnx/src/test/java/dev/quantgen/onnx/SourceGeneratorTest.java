package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.JavaFile;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The sources generated for mnist-8 equal the golden files in {@code
 * src/test/resources/golden/mnist8}. Run with {@code -Dquantgen.updateGolden=true} to rewrite a
 * stale golden (then review the diff).
 */
class SourceGeneratorTest {
  private static final String PACKAGE = "dev.quantgen.examples.mnist";

  @Test
  void mnist8SourcesMatchTheGolden() throws IOException {
    LoweredModel model =
        GraphLowering.lower(OnnxModel.read(SharedData.require("data/models/mnist-8.onnx")));
    List<JavaFile> files = SourceGenerator.generate(model, PACKAGE, "Mnist8");
    assertEquals(
        List.of(
            "Convolution28",
            "Pooling66",
            "Convolution110",
            "Pooling160",
            "Times212_reshape0",
            "Times212",
            "Mnist8",
            "Mnist8Weights"),
        files.stream().map(f -> f.typeSpec().name()).collect(Collectors.toList()));
    for (JavaFile file : files) {
      String name = file.typeSpec().name() + ".java";
      String actual = file.toString();
      if (Boolean.getBoolean("quantgen.updateGolden")) {
        Path dir = Paths.get("src/test/resources/golden/mnist8");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), actual);
        continue;
      }
      try (InputStream in =
          SourceGeneratorTest.class.getResourceAsStream("/golden/mnist8/" + name)) {
        assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
      }
    }
  }

  @Test
  void precisionGoesIntoEveryQuantize() throws IOException {
    LoweredModel model =
        GraphLowering.lower(OnnxModel.read(SharedData.require("data/models/mnist-8.onnx")));
    List<String> quantized =
        SourceGenerator.generate(model, PACKAGE, "Mnist8", "FP32").stream()
            .map(JavaFile::toString)
            .filter(s -> s.contains("@Quantize"))
            .collect(Collectors.toList());
    assertEquals(3, quantized.size(), "two convolutions and one dense layer");
    for (String source : quantized) {
      assertTrue(source.contains("precision = Precision.FP32"), source);
    }
  }

  @Test
  void unknownPrecisionIsRejectedNamingTheValue() throws IOException {
    LoweredModel model =
        GraphLowering.lower(OnnxModel.read(SharedData.require("data/models/mnist-8.onnx")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SourceGenerator.generate(model, PACKAGE, "Mnist8", "int8"));
    assertEquals(
        "precision: \"int8\", expected one of [FP32, FP16, INT8, INT4, BINARY]", e.getMessage());
  }

  /** A Clip with constant bounds is written as CLIP with its bounds, each reading back exactly. */
  @Test
  void clipBoundsAreWrittenIntoTheAnnotation() throws IOException {
    Graphs g = new Graphs(2).input("x", 1, 6).output("y", 1, 4).randomFloats("W", 0.6, 0, 6, 4);
    g.node("MatMul", "m", List.of("x", "W"), "h");
    g.node("Clip", "c", List.of("h"), "y")
        .addAttribute(Graphs.real("min", -0.3f))
        .addAttribute(Graphs.real("max", Float.POSITIVE_INFINITY));
    LoweredModel model = GraphLowering.lower(OnnxModel.parse(g.toBytes(9), "clip.onnx"));
    String layer = SourceGenerator.generate(model, "p", "Clipped").get(0).toString();
    for (String attribute :
        List.of(
            "activation = Activation.CLIP",
            "clipMin = -0.3f",
            "clipMax = Float.POSITIVE_INFINITY")) {
      assertTrue(layer.contains(attribute), layer);
    }
  }
}
