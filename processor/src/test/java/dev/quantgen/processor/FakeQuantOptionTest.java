package dev.quantgen.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The fake-quantization operators are generated only on request ({@code
 * -Aquantgen.fakeQuant=true}): an inference build of a quantized model writes no class that needs
 * the training module.
 */
class FakeQuantOptionTest {
  private static final JavaFileObject[] TWO_INT8_LAYERS = {
    Compilations.source(
        "Hidden",
        "@Dense(in = 64, out = 32, activation = Activation.RELU)",
        "@Quantize(precision = Precision.INT8)",
        "public final class Hidden {}"),
    Compilations.source(
        "Output",
        "@Dense(in = 32, out = 10)",
        "@Quantize(precision = Precision.INT8)",
        "public final class Output {}"),
    Compilations.source(
        "Net", "@Model(layers = {Hidden.class, Output.class})", "public interface Net {}"),
  };

  @Test
  void byDefaultATwoLayerInt8ModelGeneratesNoClassThatImportsTrainingCode() {
    Compilation c = Compilations.compile(TWO_INT8_LAYERS);
    assertThat(c).succeeded();
    List<String> names = sourceNames(c);
    assertThat(names).contains("test.Hidden_Int8");
    assertThat(names).contains("test.Output_Int8");
    assertThat(names).containsNoneOf("test.Hidden_Int8FakeQuant", "test.Output_Int8FakeQuant");
    for (JavaFileObject f : sources(c)) {
      assertThat(content(f)).doesNotContain("dev.quantgen.training");
    }
  }

  @Test
  void theOptionAddsOneFakeQuantOperatorPerQuantizedVariant() {
    Compilation c = Compilations.compileWithFakeQuant(TWO_INT8_LAYERS);
    assertThat(c).succeeded();
    assertThat(sourceNames(c))
        .containsAtLeast("test.Hidden_Int8FakeQuant", "test.Output_Int8FakeQuant");
    assertThat(c)
        .generatedSourceFile("test.Hidden_Int8FakeQuant")
        .contentsAsUtf8String()
        .contains("import dev.quantgen.training.qat.");
  }

  @Test
  void aValueOtherThanTrueOrFalseIsAnErrorNamingTheOption() {
    Compilation c =
        javac()
            .withProcessors(new LayerProcessor(), new ModelProcessor())
            .withOptions("-Aquantgen.fakeQuant=yes")
            .compile(TWO_INT8_LAYERS);
    assertThat(c)
        .hadErrorContaining(
            "["
                + Message.INVALID_OPTION.tag()
                + "] -Aquantgen.fakeQuant=yes: expected true or false");
  }

  private static List<JavaFileObject> sources(Compilation c) {
    return c.generatedSourceFiles().stream().collect(Collectors.toList());
  }

  private static List<String> sourceNames(Compilation c) {
    return sources(c).stream()
        .map(
            f ->
                f.toUri()
                    .getPath()
                    .replaceFirst("^.*/SOURCE_OUTPUT/", "")
                    .replace(".java", "")
                    .replace('/', '.'))
        .collect(Collectors.toList());
  }

  private static String content(JavaFileObject f) {
    try {
      return f.getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
