package dev.quantgen.cli.onnx;

import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.data.Labels;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image test set in the MNIST layout: {@code t10k-images-idx3-ubyte.gz} and
 * {@code t10k-labels-idx1-ubyte.gz} in one folder, pixels scaled to {@code [0, 1]} by dividing by
 * 255 (what mnist-8 and most MNIST models take).
 */
public record IdxTestSet(float[][] images, int[] labels) {
  /** The image file's name in the folder. */
  public static final String IMAGES = "t10k-images-idx3-ubyte.gz";
  /** The label file's name in the folder. */
  public static final String LABELS = "t10k-labels-idx1-ubyte.gz";

  /**
   * Reads the test set in {@code dir}.
   *
   * @throws dev.quantgen.quantize.data.DataFormatException if a file is not IDX or the counts differ
   */
  public static IdxTestSet read(Path dir) throws IOException {
    ImageSet images = Idx.readImages(dir.resolve(IMAGES));
    Labels labels = Idx.readLabels(dir.resolve(LABELS));
    if (labels.count() != images.count()) {
      throw new IllegalArgumentException("--data " + dir + ": " + images.count() + " images but " + labels.count()
          + " labels, expected as many labels as images");
    }
    float[][] x = new float[images.count()][];
    int[] y = new int[images.count()];
    for (int n = 0; n < x.length; n++) {
      int[] pixels = images.image(n);
      x[n] = new float[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        x[n][i] = pixels[i] / 255f;
      }
      y[n] = labels.get(n);
    }
    return new IdxTestSet(x, y);
  }

  /** The number of images. */
  public int size() {
    return labels.length;
  }
}
