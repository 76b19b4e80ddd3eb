package dev.quantgen.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The converter's IDX reader: bytes as stored, and every bad file named with what was expected. */
class IdxFileTest {
  @TempDir Path dir;

  @Test
  void readsTheImagesAsStored() throws IOException {
    Path file =
        write(
            "images.gz",
            IdxFile.IMAGES,
            new int[] {2, 2, 3},
            new byte[] {0, 1, 2, 3, 4, 5, -1, -2, -3, 9, 8, 7});
    IdxFile images = IdxFile.read(file, IdxFile.IMAGES);
    assertEquals(2, images.count());
    assertEquals(6, images.itemSize());
    assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, -1, -2, -3, 9, 8, 7}, images.data());
  }

  @Test
  void anotherMagicNamesTheFileAndTheMagicExpected() throws IOException {
    Path file = write("labels.gz", IdxFile.LABELS, new int[] {1}, new byte[] {3});
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(file, IdxFile.IMAGES));
    assertEquals(file + ": magic is 0x801, expected 0x803 (images)", e.getMessage());
  }

  @Test
  void aFileShorterThanItsHeaderIsTruncated() throws IOException {
    Path file = write("labels.gz", IdxFile.LABELS, new int[] {5}, new byte[] {1, 2, 3});
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(file, IdxFile.LABELS));
    assertEquals(
        file + ": truncated, 3 bytes of data after the header, expected 5", e.getMessage());
  }

  @Test
  void aHeaderClaimingMoreThanAnArrayFailsBeforeReadingTheData() throws IOException {
    Path file =
        write("images.gz", IdxFile.IMAGES, new int[] {1 << 20, 1 << 10, 1 << 10}, new byte[0]);
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(file, IdxFile.IMAGES));
    assertEquals(
        file
            + ": header claims 1048576 items of 1048576 bytes, expected non-negative sizes and at most "
            + IdxFile.MAX_BYTES
            + " bytes in all",
        e.getMessage());
  }

  @Test
  void aFileThatIsNotGzippedSaysSo() throws IOException {
    Path file = dir.resolve("plain");
    Files.write(file, new byte[] {0, 0, 8, 1, 0, 0, 0, 0});
    IOException e = assertThrows(IOException.class, () -> IdxFile.read(file, IdxFile.LABELS));
    assertEquals(file + ": Not in GZIP format, expected a gzipped IDX file", e.getMessage());
  }

  private Path write(String name, int magic, int[] dims, byte[] data) throws IOException {
    Path file = dir.resolve(name);
    try (DataOutputStream out =
        new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
    return file;
  }

  /**
   * The committed fuzz seeds through {@link IdxFileFuzzTest}'s oracle (that class runs only when
   * fuzzing).
   */
  @TestFactory
  Stream<DynamicTest> fuzzSeedsReadOrFailNamingTheFile() throws Exception {
    Path seeds = Path.of(IdxFileTest.class.getResource("IdxFileFuzzTestInputs/sparkIdx").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(seeds)) {
      files = list.sorted().collect(Collectors.toList());
    }
    assertFalse(files.isEmpty(), "seeds committed");
    return files.stream()
        .map(
            f ->
                DynamicTest.dynamicTest(
                    f.getFileName().toString(),
                    () -> IdxFileFuzzTest.check(Files.readAllBytes(f))));
  }
}
