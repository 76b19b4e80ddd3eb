package dev.quantgen.quantize.data;

import java.util.Arrays;

/** Immutable class labels 0..255, one per sample (the IDX label file content). */
public final class Labels {
  private final byte[] labels;

  private Labels(byte[] labels) {
    this.labels = labels;
  }

  /**
   * Labels from ints; copies.
   *
   * @throws IllegalArgumentException if a label is outside 0..255
   */
  public static Labels of(int... labels) {
    byte[] b = new byte[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] > 255) {
        throw new IllegalArgumentException(
            "labels[" + i + "] is " + labels[i] + ": expected 0..255");
      }
      b[i] = (byte) labels[i];
    }
    return new Labels(b);
  }

  /** Wraps unsigned label bytes the caller hands over and no longer touches. */
  static Labels wrap(byte[] labels) {
    return new Labels(labels);
  }

  public int count() {
    return labels.length;
  }

  public int get(int i) {
    ImageSet.checkIndex("label index", i, labels.length);
    return labels[i] & 0xff;
  }

  /** Labels {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public Labels range(int from, int to) {
    ImageSet.checkRange(from, to, labels.length);
    return new Labels(Arrays.copyOfRange(labels, from, to));
  }

  /**
   * How many samples carry each label {@code 0..numClasses-1}.
   *
   * @throws IllegalArgumentException if a label is {@code >= numClasses}
   */
  public int[] classCounts(int numClasses) {
    int[] counts = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      int label = labels[i] & 0xff;
      if (label >= numClasses) {
        throw new IllegalArgumentException(
            "label " + i + " is " + label + ": expected 0.." + (numClasses - 1));
      }
      counts[label]++;
    }
    return counts;
  }

  byte[] raw() {
    return labels;
  }
}
