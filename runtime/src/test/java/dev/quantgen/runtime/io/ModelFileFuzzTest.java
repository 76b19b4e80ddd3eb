package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the {@code .qgen} model container reader: any bytes either load as a
 * model that writes and reloads to an equal model, or fail with a {@link ModelFileException}.
 * Anything else is a finding (see {@link WeightSourceFuzzTest} for how the modes work).
 *
 * <p>Most mutations break a CRC-32C and stop early, so a second target recomputes both checksums of
 * every input before reading it: that fuzzes the parser behind them (counts, lengths, offsets,
 * ranks, type codes, padding), which a random corruption on disk reaches only one time in 2^32.
 */
class ModelFileFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void modelFile(byte[] data) throws IOException {
    readBack(data);
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void modelFileWithValidChecksums(byte[] data) throws IOException {
    readBack(FuzzFiles.withValidChecksums(data));
  }

  private static void readBack(byte[] data) throws IOException {
    ModelFile model;
    try {
      model = ModelFile.read(FuzzFiles.write("fuzz.qgen", data));
    } catch (ModelFileException expected) {
      return; // a documented rejection
    }
    var copy = FuzzFiles.write("copy.qgen", new byte[0]);
    model.write(copy);
    assertEquals(model, ModelFile.read(copy), "a loaded model saves and reloads unchanged");
  }
}
