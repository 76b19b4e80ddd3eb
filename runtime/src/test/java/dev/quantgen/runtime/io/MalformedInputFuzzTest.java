package dev.quantgen.runtime.io;

import static dev.quantgen.runtime.io.Fixtures.path;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random damage (byte flips, truncation, inserted junk) to valid files: every reader either
 * succeeds or throws its checked format exception, never another exception or an OutOfMemoryError.
 */
class MalformedInputFuzzTest {
  private static final int ROUNDS = 200;
  @TempDir Path dir;

  private interface Reader {
    void read(Path p) throws IOException;
  }

  private void fuzz(String fixture, long seed, Reader reader) throws IOException {
    byte[] good = Files.readAllBytes(path(fixture));
    Random r = new Random(seed);
    Path p = dir.resolve("fuzz-" + fixture.replace('/', '_'));
    for (int round = 0; round < ROUNDS; round++) {
      byte[] bad = damage(good, r);
      Files.write(p, bad);
      try {
        reader.read(p);
      } catch (WeightFormatException | ModelFileException expected) {
        // the documented failure
      } catch (Throwable t) {
        fail("round " + round + " of " + fixture + ": " + t + " for bytes " + Arrays.toString(
            Arrays.copyOf(bad, Math.min(bad.length, 200))), t);
      }
    }
  }

  private static byte[] damage(byte[] good, Random r) {
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

  private static void readAll(Path p) throws IOException {
    try (WeightSource s = WeightSource.open(p)) {
      for (String name : s.names()) {
        s.get(name);
      }
    }
  }

  private static Path renamed(Path p, String extension) throws IOException {
    Path q = p.resolveSibling("x" + extension);
    Files.copy(p, q, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return q;
  }

  @Test
  void npy() throws IOException {
    fuzz("f32_odd.npy", 1, p -> readAll(renamed(p, ".npy")));
  }

  @Test
  void npz() throws IOException {
    fuzz("deflated.npz", 2, p -> readAll(renamed(p, ".npz")));
    fuzz("stored.npz", 3, p -> readAll(renamed(p, ".npz")));
  }

  @Test
  void safetensors() throws IOException {
    fuzz("weights.safetensors", 4, p -> readAll(renamed(p, ".safetensors")));
  }

  @Test
  void modelFile() throws IOException {
    Path model = dir.resolve("model.qgen");
    ModelFileTest.everyType(9).write(model);
    byte[] good = Files.readAllBytes(model);
    Random r = new Random(5);
    for (int round = 0; round < ROUNDS; round++) {
      Files.write(model, damage(good, r));
      try {
        ModelFile.read(model);
        fail("round " + round + ": damage went unnoticed"); // the checksums catch every change
      } catch (ModelFileException expected) {
        // the documented failure
      }
    }
  }
}
