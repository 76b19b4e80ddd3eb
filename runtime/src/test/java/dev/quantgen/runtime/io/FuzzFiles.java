package dev.quantgen.runtime.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch files for fuzz inputs: the readers under test take a {@link Path}, so every input is
 * written to a file first. One directory per JVM, in {@code /dev/shm} when it exists (a fuzz run
 * writes hundreds of thousands of inputs; memory is faster than disk and spares it).
 */
public final class FuzzFiles {
  private static final Path DIR = createDir();

  private FuzzFiles() {}

  private static Path createDir() {
    try {
      Path shm = Path.of("/dev/shm");
      Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
          ? Files.createTempDirectory(shm, "quantgen-fuzz")
          : Files.createTempDirectory("quantgen-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code data} to the scratch file {@code name} (replacing the previous input) and returns it. */
  public static Path write(String name, byte[] data) {
    Path file = DIR.resolve(name);
    try {
      Files.write(file, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    file.toFile().deleteOnExit();
    return file;
  }
}
