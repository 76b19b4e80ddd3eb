package dev.quantgen.quantize.weights;

import static dev.quantgen.quantize.weights.Fixtures.path;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.testkit.FuzzFiles;
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
      byte[] bad = FuzzFiles.damage(good, r);
      Files.write(p, bad);
      try {
        reader.read(p);
      } catch (WeightFormatException | ModelFileException expected) {
        // the documented failure
      } catch (Throwable t) {
        fail(
            "round "
                + round
                + " of "
                + fixture
                + ": "
                + t
                + " for bytes "
                + Arrays.toString(Arrays.copyOf(bad, Math.min(bad.length, 200))),
            t);
      }
    }
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
}
