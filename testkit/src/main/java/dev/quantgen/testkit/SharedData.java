package dev.quantgen.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds data that lives outside the project: the read-only {@code ../shared} folder beside the
 * checkout and the Debian package {@code dataset-fashion-mnist}.
 *
 * <p>A user's fresh clone has neither, so a test that needs them is skipped with a message that
 * says what is missing. CI sets {@code -Dquantgen.requireData=true}, which turns every such skip
 * into a failure: data-dependent tests can never silently stop running there.
 */
public final class SharedData {
  /** System property that turns a missing-data skip into a failure. */
  public static final String REQUIRE_DATA = "quantgen.requireData";

  /** System property that enables long-running tests (run on one JDK only in CI). */
  public static final String LONG_TESTS = "quantgen.longTests";

  /** Optional override of where the shared folder is. */
  public static final String SHARED_DIR = "quantgen.shared";

  private static final Path FASHION_MNIST = Paths.get("/usr/share/datasets/fashion-mnist");

  private SharedData() {}

  /** The shared folder ({@code ../shared} of the repository root), if this machine has it. */
  public static Optional<Path> sharedRoot() {
    String override = System.getProperty(SHARED_DIR);
    if (override != null && !override.isBlank()) {
      Path p = Paths.get(override);
      return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }
    // Surefire runs each module with its own folder as the working directory; walk up to the root.
    Path dir = Paths.get("").toAbsolutePath();
    for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared");
      if (Files.isDirectory(candidate.resolve("conformance"))
          || Files.isDirectory(candidate.resolve("data"))) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  /**
   * A path below {@code ../shared}, or a skip (a failure under {@code -Dquantgen.requireData=true})
   * naming what is missing.
   */
  public static Path require(String relative) {
    Optional<Path> root = sharedRoot();
    Path p = root.map(r -> r.resolve(relative)).orElse(null);
    if (p == null || !Files.exists(p)) {
      missing(
          "../shared/"
              + relative
              + (root.isEmpty()
                  ? " (no ../shared folder beside this checkout)"
                  : " (not found in " + root.get() + ")"));
    }
    return p;
  }

  /** The Fashion-MNIST IDX folder of the Debian package, or a skip / failure. */
  public static Path requireFashionMnist() {
    if (!Files.isRegularFile(FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"))) {
      missing(
          FASHION_MNIST
              + " (install the Debian package: apt-get install -y dataset-fashion-mnist)");
    }
    return FASHION_MNIST;
  }

  /** Skips a long test unless {@code -Dquantgen.longTests=true}. */
  public static void requireLongTests() {
    Assumptions.assumeTrue(
        Boolean.getBoolean(LONG_TESTS),
        "long test: run with -Dquantgen.longTests=true (set by .ci/run on JDK 17)");
  }

  /** True when this run must not skip data-dependent tests. */
  public static boolean dataRequired() {
    return Boolean.getBoolean(REQUIRE_DATA);
  }

  private static void missing(String what) {
    String message = "missing outside data: " + what;
    if (dataRequired()) {
      Assertions.fail(message + " [-D" + REQUIRE_DATA + "=true forbids skipping]");
    }
    Assumptions.abort(message);
  }
}
