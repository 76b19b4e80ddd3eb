package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the {@code .qgen} model container reader: any bytes either load as a
 * model that writes and reloads to an equal model, or fail with a {@link ModelFileException}.
 * Anything else is a finding (see {@link WeightSourceFuzzTest} for how the modes work).
 *
 * <p>Most mutations break a CRC-32C and stop early; the seeds include files whose checksums were
 * recomputed after the header was altered, so the parser behind the checksum is reached too.
 */
class ModelFileFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void modelFile(byte[] data) throws IOException {
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
