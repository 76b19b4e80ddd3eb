package dev.quantgen.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the conformance case reader with Jazzer: any bytes either read as a
 * case with at least one output, or fail with {@link CaseFormatException} or {@link
 * UnsupportedCaseException}. Anything else (an unchecked exception, an I/O error for bytes that are
 * merely not UTF-8, an input running past the timeout) is a finding.
 *
 * <p>By default the committed seeds under {@code CaseReaderFuzzTestInputs/caseFile/} run as
 * ordinary regression tests; with {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code
 * tools/fuzz.sh}).
 */
class CaseReaderFuzzTest {
  private static final Path FILE = scratchFile();

  private static Path scratchFile() {
    try {
      Path file = Files.createTempFile("quantgen-fuzz-case", ".json");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void caseFile(byte[] data) throws IOException {
    Files.write(FILE, data);
    try {
      ConformanceCase c = CaseReader.read(FILE);
      assertNotNull(c.opType(), "op type");
      assertFalse(c.outputs().isEmpty(), "outputs");
    } catch (CaseFormatException | UnsupportedCaseException expected) {
      // a documented rejection
    }
  }
}
