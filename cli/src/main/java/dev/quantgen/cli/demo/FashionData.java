package dev.quantgen.cli.demo;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The demo's model and data: the FP32 784-256-128-10 MLP and the first 2,000 Fashion-MNIST test
 * images embedded in the examples jar, and the full dataset when the Debian package {@code
 * dataset-fashion-mnist} has installed it.
 */
public final class FashionData {
  /** Where the Debian package puts the IDX files. */
  public static final Path INSTALLED = Path.of("/usr/share/datasets/fashion-mnist");

  /** The layer sizes of the embedded model. */
  @SuppressWarnings("MutablePublicArray") // read by the demo and tests, never written
  public static final int[] SIZES = {784, 256, 128, 10};

  private static final String RESOURCES = "/dev/quantgen/examples/fashion/";
  private static final String WEIGHTS = "fashion-mlp-784-256-128-10.npz";
  private static final String TEST_IMAGES = "t10k-first2000-images-idx3-ubyte.gz";
  private static final String TEST_LABELS = "t10k-first2000-labels-idx1-ubyte.gz";

  private FashionData() {}

  /** The embedded FP32 model (layers fc1, fc2, fc3; ReLU after the first two). */
  public static FloatModel model() throws IOException {
    Path file = extract(WEIGHTS, ".npz");
    try (WeightSource weights = WeightSource.open(file)) {
      float[][] w = new float[SIZES.length - 1][];
      float[][] b = new float[SIZES.length - 1][];
      for (int l = 0; l < w.length; l++) {
        String layer = "fc" + (l + 1);
        w[l] = weights.get(layer, layer + ".weight", Shape.of(SIZES[l + 1], SIZES[l])).toArray();
        b[l] = weights.get(layer, layer + ".bias", Shape.of(SIZES[l + 1])).toArray();
      }
      return FloatModel.mlp(SIZES, w, b);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The embedded first 2,000 test images and labels, pixels scaled to [0, 1]. */
  public static Dataset embeddedTestSubset() throws IOException {
    Path images = extract(TEST_IMAGES, ".gz");
    Path labels = extract(TEST_LABELS, ".gz");
    try {
      return Dataset.of(Idx.readImages(images), Idx.readLabels(labels), 10);
    } finally {
      Files.deleteIfExists(images);
      Files.deleteIfExists(labels);
    }
  }

  /** The installed dataset's directory, when all four files are there. */
  public static Optional<Path> installed() {
    for (String name :
        new String[] {
          "train-images-idx3-ubyte.gz",
          "train-labels-idx1-ubyte.gz",
          "t10k-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz"
        }) {
      if (!Files.isRegularFile(INSTALLED.resolve(name))) {
        return Optional.empty();
      }
    }
    return Optional.of(INSTALLED);
  }

  /** The 10,000 test images of an installed dataset. */
  public static Dataset test(Path dir) throws IOException {
    return Dataset.of(
        Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")),
        Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")),
        10);
  }

  /** The 60,000 training images of an installed dataset (as bytes: only a few get converted). */
  public static ImageSet trainImages(Path dir) throws IOException {
    return Idx.readImages(dir.resolve("train-images-idx3-ubyte.gz"));
  }

  /** The inputs of {@code data} as one row-major array. */
  public static float[] inputs(Dataset data) {
    float[] x = new float[data.size() * data.inputSize()];
    for (int i = 0; i < data.size(); i++) {
      data.copyInput(i, x, i * data.inputSize());
    }
    return x;
  }

  /**
   * Copies a resource to a temporary file: the readers take files, and inside a jar a resource is
   * not one.
   */
  private static Path extract(String name, String suffix) throws IOException {
    try (InputStream in = FashionData.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException(
            "resource " + RESOURCES + name + " is missing from the class path (the examples jar)");
      }
      Path file = Files.createTempFile("quantgen-demo-", suffix);
      try {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException | UncheckedIOException e) {
        Files.deleteIfExists(file);
        throw e;
      }
      return file;
    }
  }
}
