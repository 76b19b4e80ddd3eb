package dev.quantgen.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.testkit.FuzzFiles;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Coverage-guided fuzzing of the import stamp reader: the plugin reads a stamp back on every build
 * to decide whether to regenerate and, for a model that is gone, which files to delete. Any bytes
 * either read as a stamp with a hash and absolute file paths, or as no stamp at all (then the model
 * is regenerated). Anything else (an exception of any kind, a relative path that would be resolved
 * against the working directory) is a finding.
 *
 * <p>With {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code tools/fuzz.sh}); otherwise the
 * class is off and {@link FuzzSeedsTest} runs the committed seeds under {@code
 * ImportStampFuzzTestInputs/importStamp/} through {@link #check} without Jazzer's agent, whose
 * start-up would cost this module's suite about 20 s.
 */
@EnabledIfEnvironmentVariable(named = "JAZZER_FUZZ", matches = ".+")
class ImportStampFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void importStamp(byte[] data) throws Exception {
    check(data);
  }

  /** The oracle, also run on the committed seeds by {@link FuzzSeedsTest}. */
  static void check(byte[] data) throws Exception {
    Optional<ImportStamp> stamp = ImportStamp.read(FuzzFiles.write("fuzz.stamp", data));
    if (stamp.isPresent()) {
      assertTrue(stamp.get().hash() != null, "a stamp has a hash");
      for (Path file : stamp.get().files()) {
        assertTrue(file.isAbsolute(), () -> "a stamp lists absolute files only, got " + file);
      }
    }
  }
}
