package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.quantgen.processor.Compilations.compile;
import static dev.quantgen.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.quantgen.processor.validation.ShadowedJdkTypes;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A class in the generated package named like a {@code java.lang} type would replace it in every
 * generated kernel ({@code Math.rint} calling the package's {@code Math}, its static initializer
 * running on first use): the processor rejects the layer and the model with {@code
 * [QuantizeShadowedJdkType]} instead of generating code that calls it.
 */
class ShadowedJdkTypesTest {
  private static final JavaFileObject MATH =
      source(
          "Math",
          "final class Math {",
          "  static { System.setProperty(\"quantgen.test.shadowedMathRan\", \"yes\"); }",
          "  static double rint(double x) { return 0; }",
          "}");

  @Test
  void aMathClassBesideALayerIsOneErrorOnTheLayer() {
    JavaFileObject layer =
        source(
            "Fc",
            "@Dense(in = 4, out = 2)",
            "@Quantize(precision = Precision.INT8)",
            "final class Fc {}");
    Compilation compilation = compile(MATH, layer);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[QuantizeShadowedJdkType] test.Math hides java.lang.Math, which the "
                + "kernels generated for Fc call by its simple name")
        .inFile(layer)
        .onLineContaining("@Dense");
    assertThat(compilation)
        .hadErrorCount(1); // the layer's kernels were not generated, so nothing else fails
  }

  @Test
  void aModelInAPackageWithAShadowingClassIsAnError() {
    JavaFileObject string = source("String", "final class String {}");
    JavaFileObject model = source("Net", "@Model(layers = Fc.class)", "interface Net {}");
    JavaFileObject layer = source("Fc", "@Dense(in = 4, out = 2)", "final class Fc {}");
    Compilation compilation = compile(string, layer, model);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining("[QuantizeShadowedJdkType] test.String hides java.lang.String")
        .inFile(model)
        .onLineContaining("@Model");
    assertThat(compilation)
        .hadErrorContaining("[QuantizeShadowedJdkType] test.String hides java.lang.String")
        .inFile(layer)
        .onLineContaining("@Dense");
  }

  @Test
  void theListHasEveryPublicJavaLangTypeOfThisJdk() throws IOException {
    Set<String> missing = new TreeSet<>(publicJavaLangTypes());
    missing.removeAll(ShadowedJdkTypes.JAVA_LANG_TYPES);
    assertEquals(
        Set.of(),
        missing,
        "java.lang types of JDK " + Runtime.version() + " missing from the list");
  }

  /** The public top-level types of java.lang in the running JDK, read from its module image. */
  static Set<String> publicJavaLangTypes() throws IOException {
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(jrt.getPath("/modules/java.base/java/lang"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String file = p.getFileName().toString();
        if (file.endsWith(".class") && !file.contains("$") && !file.contains("-")) {
          String name = file.substring(0, file.length() - ".class".length());
          try {
            if (Modifier.isPublic(Class.forName("java.lang." + name, false, null).getModifiers())) {
              names.add(name);
            }
          } catch (ClassNotFoundException | LinkageError e) {
            // not loadable by name: not usable from generated code either
          }
        }
      }
    }
    return names;
  }
}
