package dev.quantgen.cli.onnx;

import dev.quantgen.quantize.data.DataFormatException;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.data.Labels;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An image test set in the MNIST layout: {@code t10k-images-idx3-ubyte.gz} and {@code
 * t10k-labels-idx1-ubyte.gz} in one folder, pixels scaled to {@code [0, 1]} by dividing by 255
 * (what mnist-8 and most MNIST models take).
 */
public record IdxTestSet(float[][] images, int[] labels) {
  /** The image file's name in the folder. */
  public static final String IMAGES = "t10k-images-idx3-ubyte.gz";

  /** The label file's name in the folder. */
  public static final String LABELS = "t10k-labels-idx1-ubyte.gz";

  /**
   * Reads the whole test set in {@code dir} (at most {@link Idx#MAX_ELEMENTS} pixels).
   *
   * @throws dev.quantgen.quantize.data.DataFormatException if a file is not IDX or the counts
   *     differ
   */
  public static IdxTestSet read(Path dir) throws IOException {
    return read(dir, Integer.MAX_VALUE);
  }

  /**
   * Reads the first {@code limit} images and labels in {@code dir} (all of them when there are
   * fewer): only those are read from the files and converted to floats.
   *
   * @throws dev.quantgen.quantize.data.DataFormatException if a file is not IDX or the counts
   *     differ
   */
  public static IdxTestSet read(Path dir, int limit) throws IOException {
    ImageSet images = Idx.readImages(dir.resolve(IMAGES), limit);
    Labels labels = Idx.readLabels(dir.resolve(LABELS), limit);
    if (labels.count() != images.count()) {
      throw new IllegalArgumentException(
          "--data "
              + dir
              + ": "
              + images.count()
              + " images but "
              + labels.count()
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

  /**
   * Checks that every label names one of a model's {@code classes} outputs: an out-of-range label
   * could never be predicted, so the accuracy would be silently wrong.
   *
   * @throws DataFormatException naming the label file in {@code dir}, the first bad index and its
   *     value
   */
  public void requireLabelsBelow(int classes, Path dir, String model) throws DataFormatException {
    for (int n = 0; n < labels.length; n++) {
      if (labels[n] < 0 || labels[n] >= classes) {
        throw new DataFormatException(
            dir.resolve(LABELS)
                + ": label "
                + n
                + " is "
                + labels[n]
                + ", expected 0.."
                + (classes - 1)
                + " (the "
                + classes
                + " outputs of "
                + model
                + ")");
      }
    }
  }
}
