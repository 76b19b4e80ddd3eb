package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.quantgen.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.quantgen.annotations.Quantize;
import java.io.File;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * A user who forgets the {@code quantgen-runtime} dependency gets one error that names it, with the
 * Maven and Gradle lines to add, and no generated sources (which would not compile).
 */
class MissingRuntimeTest {
  private static final JavaFileObject LAYER =
      source(
          "Hidden",
          "@Dense(in = 8, out = 4, activation = Activation.RELU)",
          "@Quantize(precision = Precision.INT8)",
          "final class Hidden {}");
  private static final JavaFileObject OUTPUT =
      source(
          "Output",
          "@Dense(in = 4, out = 2)",
          "@Quantize(precision = Precision.INT8)",
          "final class Output {}");
  private static final JavaFileObject MODEL =
      source("Net", "@Model(layers = {Hidden.class, Output.class})", "interface Net {}");

  /**
   * Compiles against the annotations alone: the class path of a pom that forgot quantgen-runtime.
   */
  private static Compilation compileWithoutRuntime(JavaFileObject... sources)
      throws URISyntaxException {
    return javac()
        .withProcessors(new LayerProcessor(), new ModelProcessor())
        .withOptions("-Xlint:all", "--release", "17")
        .withClasspath(List.of(annotationsJar()))
        .compile(sources);
  }

  /**
   * The files the processors generate against the annotations alone (compile-testing hides them on
   * failure).
   */
  private static Set<Path> generatedSourcesWithoutRuntime(JavaFileObject... sources)
      throws Exception {
    Path dir = Files.createTempDirectory("quantgen-no-runtime");
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    JavaCompiler.CompilationTask task =
        compiler.getTask(
            new StringWriter(),
            null,
            d -> {},
            List.of("-proc:only", "-s", dir.toString(), "-cp", annotationsJar().toString()),
            null,
            List.of(sources));
    task.setProcessors(List.of(new LayerProcessor(), new ModelProcessor()));
    task.call();
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).collect(Collectors.toSet());
    }
  }

  private static File annotationsJar() throws URISyntaxException {
    return new File(Quantize.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static List<Diagnostic<? extends JavaFileObject>> errors(Compilation compilation) {
    return compilation.diagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }

  @Test
  void layersAndModelWithoutTheRuntimeGiveOneErrorAndNoSources() throws Exception {
    Compilation compilation = compileWithoutRuntime(LAYER, OUTPUT, MODEL);

    assertThat(compilation).failed();
    assertEquals(
        1,
        errors(compilation).size(),
        () -> "expected exactly one error, got " + errors(compilation));
    assertThat(compilation)
        .hadErrorContaining(
            "[QuantizeMissingRuntime] quantgen-runtime is not on the compile"
                + " class path (dev.quantgen.runtime.kernel.KernelSupport is missing)");
    assertThat(compilation).hadErrorContaining("<artifactId>quantgen-runtime</artifactId>");
    assertThat(compilation)
        .hadErrorContaining("Gradle: implementation(\"dev.quantgen:quantgen-runtime:");
    assertEquals(Set.of(), generatedSourcesWithoutRuntime(LAYER, OUTPUT, MODEL));
  }

  @Test
  void theErrorIsOnAnAnnotatedClass() throws Exception {
    Compilation compilation = compileWithoutRuntime(LAYER);

    assertThat(compilation)
        .hadErrorContaining("[QuantizeMissingRuntime]")
        .inFile(LAYER)
        .onLineContaining("final class Hidden");
  }

  @Test
  void aModelAloneWithoutTheRuntimeGivesTheSameOneError() throws Exception {
    Compilation compilation =
        compileWithoutRuntime(
            source(
                "Alone",
                "@Model(layers = {Alone.class})",
                "@Dense(in = 2, out = 1)",
                "interface Alone {}"));

    assertEquals(
        1,
        errors(compilation).size(),
        () -> "expected exactly one error, got " + errors(compilation));
    assertThat(compilation).hadErrorContaining("[QuantizeMissingRuntime]");
  }

  @Test
  void sourcesWithoutQuantgenAnnotationsNeedNoRuntime() throws Exception {
    assertThat(compileWithoutRuntime(source("Plain", "final class Plain {}")))
        .succeededWithoutWarnings();
  }

  @Test
  void withTheRuntimeThereIsNoSuchError() {
    Compilation compilation = Compilations.compile(LAYER, OUTPUT, MODEL);

    assertThat(compilation).succeeded();
    assertTrue(
        compilation.diagnostics().stream()
            .noneMatch(d -> d.getMessage(null).contains("MissingRuntime")));
  }
}
