package dev.quantgen.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The runtime is what every application ships, so it holds inference and nothing else: its sources
 * import only the JDK and the runtime itself (the build's enforcer rule already keeps other jars
 * off its class path; this keeps a package of another module from being added back here), and its
 * classes live in the inference packages only.
 */
class RuntimeBoundaryTest {
  /**
   * The runtime's packages: numerics, kernels, dense and convolution layers, model files, the model
   * and its sessions.
   */
  private static final Set<String> PACKAGES =
      Set.of(
          "dev.quantgen.runtime.numerics",
          "dev.quantgen.runtime.kernel",
          "dev.quantgen.runtime.layer",
          "dev.quantgen.runtime.conv",
          "dev.quantgen.runtime.io",
          "dev.quantgen.runtime.model");

  private static final Pattern IMPORT =
      Pattern.compile("^import (?:static )?([\\w.]+)\\.[\\w*]+;", Pattern.MULTILINE);
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

  @Test
  void sourcesImportTheJdkAndTheRuntimeOnly() {
    Set<String> foreign = new TreeSet<>();
    for (Path source : sources()) {
      Matcher m = IMPORT.matcher(read(source));
      while (m.find()) {
        String imported = m.group(1);
        boolean ok =
            imported.startsWith("java.")
                || imported.startsWith("javax.")
                || imported.startsWith("jdk.incubator.vector")
                || imported.startsWith("dev.quantgen.runtime.");
        if (!ok) {
          foreign.add(source.getFileName() + " imports " + imported);
        }
      }
    }
    assertEquals(Set.of(), foreign, "the runtime depends on the JDK alone");
  }

  @Test
  void everySourceIsInAnInferencePackage() {
    Set<String> packages = new TreeSet<>();
    for (Path source : sources()) {
      Matcher m = PACKAGE.matcher(read(source));
      assertTrue(m.find(), source + ": no package");
      packages.add(m.group(1));
    }
    assertEquals(
        new TreeSet<>(PACKAGES),
        packages,
        "calibration, weight import, PTQ, planning and training belong to quantgen-quantize and quantgen-training");
  }

  private static List<Path> sources() {
    try (Stream<Path> main = Files.walk(Path.of("src/main/java"));
        Stream<Path> vector = Files.walk(Path.of("src/main/java-vector"))) {
      List<Path> all =
          Stream.concat(main, vector)
              .filter(p -> p.toString().endsWith(".java"))
              .collect(Collectors.toList());
      assertTrue(
          all.size() > 50, "expected the runtime's sources under src/main, found " + all.size());
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
