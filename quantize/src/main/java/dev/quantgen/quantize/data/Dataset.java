package dev.quantgen.quantize.data;

import java.util.Random;

/**
 * Labelled samples for training and evaluation: float inputs of one size and integer class labels.
 *
 * <p>A dataset is an immutable view: {@link #shuffled(long)} and {@link #subset(int, int)} share
 * the underlying arrays and only reorder or restrict an index, so they are cheap.
 */
public final class Dataset {
  private final float[] inputs; // sample after sample, inputSize floats each
  private final int[] labels;
  private final int inputSize;
  private final int numClasses;
  private final int[] order; // view index -> sample index

  private Dataset(float[] inputs, int[] labels, int inputSize, int numClasses, int[] order) {
    this.inputs = inputs;
    this.labels = labels;
    this.inputSize = inputSize;
    this.numClasses = numClasses;
    this.order = order;
  }

  /**
   * A dataset from row-major inputs ({@code labels.length} rows of {@code inputSize}); copies both
   * arrays.
   *
   * @throws IllegalArgumentException if sizes disagree or a label is outside {@code
   *     0..numClasses-1}
   */
  public static Dataset of(float[] inputs, int inputSize, int[] labels, int numClasses) {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("inputSize is " + inputSize + ": expected > 0");
    }
    if (numClasses <= 0) {
      throw new IllegalArgumentException("numClasses is " + numClasses + ": expected > 0");
    }
    if ((long) labels.length * inputSize != inputs.length) {
      throw new IllegalArgumentException(
          "inputs length "
              + inputs.length
              + ": expected labels.length * inputSize = "
              + labels.length
              + " * "
              + inputSize
              + " = "
              + ((long) labels.length * inputSize));
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "labels[" + i + "] is " + labels[i] + ": expected 0.." + (numClasses - 1));
      }
    }
    return new Dataset(
        inputs.clone(), labels.clone(), inputSize, numClasses, identity(labels.length));
  }

  /**
   * Images scaled to [0, 1] (pixel / 255) with their labels.
   *
   * @throws IllegalArgumentException if the counts differ or a label is {@code >= numClasses}
   */
  public static Dataset of(ImageSet images, Labels labels, int numClasses) {
    if (images.count() != labels.count()) {
      throw new IllegalArgumentException(
          "images count "
              + images.count()
              + " and labels count "
              + labels.count()
              + ": expected equal counts");
    }
    byte[] pixels = images.raw();
    float[] inputs = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      inputs[i] = (pixels[i] & 0xff) / 255f;
    }
    int[] y = new int[labels.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.get(i);
      if (y[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + i + " is " + y[i] + ": expected 0.." + (numClasses - 1));
      }
    }
    return new Dataset(inputs, y, images.imageSize(), numClasses, identity(y.length));
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }

  public int size() {
    return order.length;
  }

  public int inputSize() {
    return inputSize;
  }

  public int numClasses() {
    return numClasses;
  }

  public int label(int i) {
    ImageSet.checkIndex("sample", i, order.length);
    return labels[order[i]];
  }

  /** A copy of sample {@code i}'s input. */
  public float[] input(int i) {
    float[] out = new float[inputSize];
    copyInput(i, out, 0);
    return out;
  }

  /**
   * Copies sample {@code i}'s input into {@code dst} at {@code offset} (no allocation: for
   * batching).
   */
  public void copyInput(int i, float[] dst, int offset) {
    ImageSet.checkIndex("sample", i, order.length);
    System.arraycopy(inputs, order[i] * inputSize, dst, offset, inputSize);
  }

  /** Samples {@code from} (inclusive) to {@code to} (exclusive) of this view. */
  public Dataset subset(int from, int to) {
    ImageSet.checkRange(from, to, order.length);
    return new Dataset(
        inputs, labels, inputSize, numClasses, java.util.Arrays.copyOfRange(order, from, to));
  }

  /**
   * This view in a random order: a Fisher-Yates shuffle driven by {@code new Random(seed)}, so the
   * same seed gives the same order on every JVM.
   */
  public Dataset shuffled(long seed) {
    int[] o = order.clone();
    Random random = new Random(seed);
    for (int i = o.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    return new Dataset(inputs, labels, inputSize, numClasses, o);
  }

  /** How many samples of this view carry each label. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int i : order) {
      counts[labels[i]]++;
    }
    return counts;
  }
}
