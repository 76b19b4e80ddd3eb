package dev.quantgen.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.onnx.JavaNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of what the plugin makes of its configuration and of the ONNX folder: the
 * input's lines are a {@code <packageName>}, a {@code <precision>} and an ONNX file's name. The
 * settings either build (then the package is one {@link JavaNames#packageNameProblem} accepts) or
 * fail with an {@link IllegalArgumentException} naming the setting; a file name always gives a
 * model name that is a valid, unreserved Java class name ({@link ModelNames#isClassName}). Anything
 * else is a finding.
 *
 * <p>With {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code tools/fuzz.sh}); otherwise the
 * class is off and {@link FuzzSeedsTest} runs the committed seeds under {@code
 * ImportSettingsFuzzTestInputs/importSettings/} through {@link #check}.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class ImportSettingsFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void importSettings(byte[] data) {
    check(data);
  }

  /** The oracle, also run on the committed seeds by {@link FuzzSeedsTest}. */
  static void check(byte[] data) {
    String[] lines = new String(data, StandardCharsets.UTF_8).split("\n", 3);
    String packageName = lines[0];
    String precision = lines.length > 1 ? lines[1] : null;
    String fileName = lines.length > 2 ? lines[2] : "model.onnx";
    Path root = Path.of("/tmp/quantgen-fuzz-settings");
    try {
      ImportSettings settings =
          new ImportSettings(
              packageName,
              precision,
              java.util.Map.of(),
              root.resolve("src"),
              root.resolve("res"),
              root.resolve("stamps"),
              "0");
      assertTrue(
          JavaNames.packageNameProblem(settings.packageName()).isEmpty(),
          "an accepted package is valid");
    } catch (IllegalArgumentException e) {
      assertTrue(
          e.getMessage().startsWith("<packageName>") || e.getMessage().startsWith("<precision>"),
          () -> "the error names the setting: " + e.getMessage());
    }
    // A name a file system could hold: no separator, no NUL, not empty.
    if (!fileName.isEmpty() && fileName.indexOf('/') < 0 && fileName.indexOf('\0') < 0) {
      String model = ModelNames.of(Path.of(fileName));
      assertTrue(
          ModelNames.isClassName(model), () -> "file " + fileName + " gives model name " + model);
    }
  }
}
