package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  private List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  @Test
  void failedWriteLeavesTheOldFileAndNoTemporaryFile() throws IOException {
    Path target = dir.resolve("model.qgen");
    Files.write(target, new byte[] {1, 2, 3});
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    target,
                    out -> {
                      out.write(new byte[100_000]); // part of the content is written...
                      throw new IOException("disk full"); // ...then the writer fails
                    }));
    assertEquals("disk full", e.getMessage());
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals(List.of(target), files());
  }

  @Test
  void failedFirstWriteLeavesNothing() throws IOException {
    Path target = dir.resolve("new.npz");
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.write(
                target,
                out -> {
                  throw new IllegalStateException("bug in the writer");
                }));
    assertEquals(List.of(), files());
  }

  @Test
  void writtenFileIsNotOwnerOnlyUnlessTheUmaskSaysSo() throws IOException {
    Path target = dir.resolve("plain.bin");
    AtomicFiles.write(target, out -> out.write(42));
    Path reference = Files.createFile(dir.resolve("reference.bin"));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(target));
    }
    assertArrayEquals(new byte[] {42}, Files.readAllBytes(target));
  }
}
