package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One golden file per precision and per kind of fake-quant operator, compared as exact text
 * (header, javadoc and layout included). A golden diff is reviewed, never hand-edited: after an
 * intended change to the writers, run {@code mvn -pl processor -am test -Dtest=GoldenTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dquantgen.updateGoldens=true} to rewrite {@code
 * src/test/resources/goldens/}, then review the diff.
 */
class GoldenTest {
  private static final Path GOLDENS = Paths.get("src/test/resources/goldens");
  private static Compilation compilation;

  @BeforeAll
  static void compileGoldenLayers() {
    JavaFileObject hidden =
        JavaSource.of(
            "example.Hidden",
            "@Dense(in = 784, out = 256, activation = Activation.RELU)",
            "@Quantize(precision = Precision.INT8, scheme = Scheme.SYMMETRIC, perChannel = true)",
            "public final class Hidden {}");
    JavaFileObject wide =
        JavaSource.of(
            "example.Wide",
            "@Dense(in = 300, out = 10, bias = false)",
            "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC, blockSize = 32,",
            "    activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.FP16)",
            "public final class Wide {}");
    JavaFileObject sign =
        JavaSource.of(
            "example.Sign",
            "@Dense(in = 100, out = 10, activation = Activation.RELU6)",
            "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
            "public final class Sign {}");
    JavaFileObject edge =
        JavaSource.of(
            "example.Edge",
            "@Conv2d(inChannels = 3, outChannels = 5, inHeight = 5, inWidth = 7, kernel = 3, stride = 2, padding = 1,",
            "    activation = Activation.RELU)",
            "@Quantize(precision = Precision.INT4)",
            "@Quantize(precision = Precision.FP16)",
            "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
            "public final class Edge {}");
    JavaFileObject blur =
        JavaSource.of(
            "example.Blur",
            "@Conv2d(inChannels = 4, outChannels = 4, inHeight = 6, inWidth = 6, kernel = 3, groups = 4, bias = false)",
            "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT)",
            "@Quantize(precision = Precision.BINARY)",
            "public final class Blur {}");
    compilation = Compilations.compileWithFakeQuant(hidden, wide, sign, edge, blur);
    assertThat(compilation).succeeded();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Hidden_Fp32",
        "Hidden_Int8",
        "Wide_Fp16",
        "Wide_Int4",
        "Sign_Binary",
        "Hidden_Int8FakeQuant",
        "Wide_Int4FakeQuant",
        "Sign_BinaryFakeQuant",
        "Edge_Fp32",
        "Edge_Fp16",
        "Edge_Int4",
        "Edge_Binary",
        "Blur_Int8",
        "Blur_Int4",
        "Blur_Binary"
      })
  void generatedSourceMatchesItsGolden(String name) throws IOException {
    JavaFileObject generated =
        compilation
            .generatedSourceFile("example." + name)
            .orElseThrow(() -> new AssertionError("not generated: " + name));
    String actual = generated.getCharContent(true).toString();
    Path golden = GOLDENS.resolve(name + ".java");
    if (Boolean.getBoolean("quantgen.updateGoldens")) {
      Files.createDirectories(GOLDENS);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertEquals(
        Files.readString(golden, StandardCharsets.UTF_8),
        actual,
        name
            + " differs from its golden; if the change is intended, rerun with -Dquantgen.updateGoldens=true "
            + "and review the diff");
  }
}
