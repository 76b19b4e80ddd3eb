package dev.quantgen.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32C;

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
      Path dir =
          Files.isDirectory(shm) && Files.isWritable(shm)
              ? Files.createTempDirectory(shm, "quantgen-fuzz")
              : Files.createTempDirectory("quantgen-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code data} to the scratch file {@code name} (replacing the previous input) and returns
   * it.
   */
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

  /**
   * A {@code .qgen} input with both CRC-32C fields recomputed where the input is long enough to
   * hold them: the header's (after the 16-byte prefix and the header length it declares) and the
   * file's (8 bytes before the end). Lets a fuzzer reach the parser behind the checksums.
   */
  public static byte[] withValidChecksums(byte[] data) {
    byte[] f = data.clone();
    ByteBuffer b = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
    if (f.length >= 16) {
      long headerEnd = 16 + Integer.toUnsignedLong(b.getInt(12));
      if (headerEnd + 4 <= f.length) {
        CRC32C crc = new CRC32C();
        crc.update(f, 0, (int) headerEnd);
        b.putInt((int) headerEnd, (int) crc.getValue());
      }
      if (f.length - 8 >= headerEnd + 4) {
        CRC32C crc = new CRC32C();
        crc.update(f, 0, f.length - 8);
        b.putInt(f.length - 8, (int) crc.getValue());
      }
    }
    return f;
  }

  /**
   * A copy of {@code good} with seeded random damage: a few flipped bytes, a truncation, a size
   * field in the header made huge, or inserted junk.
   */
  public static byte[] damage(byte[] good, Random r) {
    byte[] b = good.clone();
    switch (r.nextInt(4)) {
      case 0 -> {
        for (int i = 1 + r.nextInt(3); i > 0; i--) {
          b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
        }
      }
      case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
      case 2 -> {
        int at = r.nextInt(Math.min(b.length, 160)); // inside the header, where the sizes are
        b[at] = (byte) (r.nextBoolean() ? 0xff : '9');
      }
      default -> {
        int at = r.nextInt(b.length);
        byte[] junk = new byte[1 + r.nextInt(8)];
        r.nextBytes(junk);
        byte[] c = new byte[b.length + junk.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(junk, 0, c, at, junk.length);
        System.arraycopy(b, at, c, at + junk.length, b.length - at);
        b = c;
      }
    }
    return b;
  }
}
