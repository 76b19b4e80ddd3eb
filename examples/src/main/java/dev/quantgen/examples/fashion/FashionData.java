package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import java.io.IOException;
import java.nio.file.Path;

/** The Fashion-MNIST training and test sets from the folder the Debian package fills. */
public final class FashionData {
  /** Where Debian's {@code dataset-fashion-mnist} puts the IDX files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private FashionData() {}

  public static Dataset train(Path dir) throws IOException {
    return Dataset.of(
        Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz")),
        Idx.readLabels(dir.resolve("train-labels-idx1-ubyte.gz")),
        10);
  }

  public static Dataset test(Path dir) throws IOException {
    return Dataset.of(
        Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")),
        Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")),
        10);
  }
}
