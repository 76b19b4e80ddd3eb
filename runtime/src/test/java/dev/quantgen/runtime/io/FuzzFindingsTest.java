package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs Jazzer found that broke a reader's contract, each with the exception and message the
 * fixed reader gives. (They also stay in the fuzz seed corpora, where they run as regression seeds.)
 */
class FuzzFindingsTest {
  @TempDir Path dir;

  private Path seed(String target, String name, String fileName) throws IOException {
    Path file = dir.resolve(fileName);
    try (InputStream in = FuzzFindingsTest.class.getResourceAsStream(
        "WeightSourceFuzzTestInputs/" + target + "/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  /** The JDK's ZipFile decodes entry names lazily and threw an unchecked IllegalArgumentException. */
  @Test
  void npzWithAMalformedEntryNameIsAFormatError() throws IOException {
    Path file = seed("npz", "finding_malformed_entry_name_utf8", "bad.npz");
    WeightFormatException e = assertThrows(WeightFormatException.class, () -> WeightSource.open(file).close());
    assertTrue(e.getMessage().startsWith(file + ": corrupt zip directory: an entry's name or comment is not valid"),
        e.getMessage());
  }
}
