package dev.quantgen.quantize.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.io.ModelFile;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.io.ModelTensor;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inputs Jazzer found that broke a reader's contract, each with the exception and message the
 * fixed reader gives. (They also stay in the fuzz seed corpora, where they run as regression
 * seeds.)
 */
class FuzzFindingsTest {
  @TempDir Path dir;

  private Path seed(String target, String name, String fileName) throws IOException {
    Path file = dir.resolve(fileName);
    try (InputStream in =
        FuzzFindingsTest.class.getResourceAsStream(
            "WeightSourceFuzzTestInputs/" + target + "/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  /**
   * JDK 17's ZipFile decodes entry names lazily and threw an unchecked IllegalArgumentException
   * while listing them; newer JDKs reject the archive when it opens, with a ZipException.
   */
  @Test
  void npzWithAMalformedEntryNameIsAFormatError() throws IOException {
    Path file = seed("npz", "finding_malformed_entry_name_utf8", "bad.npz");
    WeightFormatException e =
        assertThrows(WeightFormatException.class, () -> WeightSource.open(file).close());
    String jdk17 = file + ": corrupt zip directory: an entry's name or comment is not valid";
    String later =
        file
            + ": not a readable .npz (zip) archive: java.util.zip.ZipException: invalid CEN header";
    assertTrue(
        e.getMessage().startsWith(jdk17) || e.getMessage().startsWith(later), e.getMessage());
  }

  /**
   * Two header entries of one tensor name (with valid checksums, as a buggy writer could produce)
   * made the model builder throw an unchecked IllegalArgumentException.
   */
  @Test
  void modelFileWithADuplicateTensorNameIsCorrupt() throws IOException {
    Path file = dir.resolve("dup.qgen");
    ModelFile.builder()
        .tensor(ModelTensor.int8("a", Shape.of(2), new byte[] {1, 2}))
        .tensor(ModelTensor.int8("b", Shape.of(2), new byte[] {3, 4}))
        .build()
        .write(file);
    byte[] bytes = Files.readAllBytes(file);
    // header: u32 metadata count 0, u32 tensor count 2, then name length 1 and 'a' at 28, the next
    // name 'b' after type, rank, one dim, offset and length (1 + 1 + 4 + 8 + 8 bytes) and its
    // length
    int secondName = 28 + 1 + 22 + 4;
    assertEquals('b', bytes[secondName]);
    bytes[secondName] = 'a';
    Files.write(file, FuzzFiles.withValidChecksums(bytes));
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(file));
    assertEquals(
        file + ": corrupt header: tensor 'a' is already added, expected unique names",
        e.getMessage());
  }

  /**
   * A quantized model whose requantization shift is far outside what quantizeMultiplier makes
   * loaded fine and then failed at inference with an IllegalArgumentException from FixedPoint.
   */
  @Test
  void quantizedModelWithAnImpossibleRequantShiftFailsToLoad() throws IOException {
    Path file = dir.resolve("shift.qgen");
    try (InputStream in =
        FuzzFindingsTest.class.getResourceAsStream(
            "/dev/quantgen/runtime/model/QuantizedModelFuzzTestInputs/quantizedModel/finding_requant_shift_out_of_range")) {
      Files.write(file, FuzzFiles.withValidChecksums(in.readAllBytes()));
    }
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertTrue(
        e.getMessage().matches(".*: layer .*: shifts\\[\\d+\\]: expected -31\\.\\.30, got -?\\d+"),
        e.getMessage());
  }
}
