package dev.quantgen.quantize.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the weight readers with Jazzer. The contract for any bytes: the file
 * opens and every tensor reads as a consistent float32 tensor, or a {@link WeightFormatException}
 * is thrown. Anything else (an {@code OutOfMemoryError} from a trusted size field, an {@code
 * ArrayIndexOutOfBoundsException}, any other exception, an input running past the timeout) fails
 * the test.
 *
 * <p>By default the committed seeds under {@code WeightSourceFuzzTestInputs/<method>/} run as
 * ordinary regression tests; with {@code JAZZER_FUZZ=1} one target is fuzzed (see {@code
 * tools/fuzz.sh}).
 */
class WeightSourceFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void npy(byte[] data) throws IOException {
    readAll(FuzzFiles.write("fuzz.npy", data));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void npz(byte[] data) throws IOException {
    readAll(FuzzFiles.write("fuzz.npz", data));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void safetensors(byte[] data) throws IOException {
    readAll(FuzzFiles.write("fuzz.safetensors", data));
  }

  /**
   * Opens the file and reads every tensor; a format error is the documented outcome, not a finding.
   */
  private static void readAll(Path file) throws IOException {
    try (WeightSource source = WeightSource.open(file)) {
      assertEquals(source.names().size(), new HashSet<>(source.names()).size(), "unique names");
      for (String name : source.names()) {
        FloatTensor t = source.get(name);
        assertEquals(source.shape(name), t.shape(), "shape of " + name);
        assertEquals(t.shape().size(), t.size(), "element count of " + name);
      }
    } catch (WeightFormatException expected) {
      // a documented rejection
    }
  }
}
