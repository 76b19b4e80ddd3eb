package dev.quantgen.runtime.io;

import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link AtomicSaveCrashTest}: saves the two versions of a model alternately
 * over one file until it is killed. Prints {@code saved} after each save, so the parent can time
 * its kill into the middle of a save rather than into JVM startup.
 */
final class SaveLoop {
  private SaveLoop() {}

  /**
   * Two models that differ in every tensor byte and in length, so any mix of the two is visible.
   */
  static ModelFile version(int v) {
    Random r = new Random(1000 + v);
    int n =
        v == 0 ? 96 * 1024 : 80 * 1024 + 17; // ~0.4 MB and ~0.3 MB of float32: a save takes a while
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = r.nextFloat() + v;
    }
    byte[] q = new byte[n / 3];
    r.nextBytes(q);
    return ModelFile.builder()
        .metadata("version", Integer.toString(v))
        .tensor(ModelTensor.float32("w", Shape.of(n), w))
        .tensor(ModelTensor.int8("q", Shape.of(q.length), q))
        .build();
  }

  public static void main(String[] args) throws IOException {
    Path target = Path.of(args[0]);
    ModelFile[] versions = {version(0), version(1)};
    for (int i = 0; ; i++) {
      versions[i % 2].write(target);
      System.out.println("saved");
      System.out.flush();
    }
  }
}
