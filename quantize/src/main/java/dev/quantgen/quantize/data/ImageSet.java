package dev.quantgen.quantize.data;

import java.util.Arrays;

/**
 * Immutable greyscale images of one size: {@code count} images of {@code rows x cols} unsigned
 * 8-bit pixels, stored image after image, row by row (the IDX layout).
 */
public final class ImageSet {
  private final int count;
  private final int rows;
  private final int cols;
  private final byte[] pixels;

  private ImageSet(int count, int rows, int cols, byte[] pixels) {
    this.count = count;
    this.rows = rows;
    this.cols = cols;
    this.pixels = pixels;
  }

  /**
   * Images from unsigned pixel bytes; copies {@code pixels}.
   *
   * @throws IllegalArgumentException if a size is negative or {@code pixels} has the wrong length
   */
  public static ImageSet of(int count, int rows, int cols, byte[] pixels) {
    checkSizes(count, rows, cols, pixels.length);
    return new ImageSet(count, rows, cols, pixels.clone());
  }

  /** Wraps an array the caller hands over and no longer touches. */
  static ImageSet wrap(int count, int rows, int cols, byte[] pixels) {
    checkSizes(count, rows, cols, pixels.length);
    return new ImageSet(count, rows, cols, pixels);
  }

  private static void checkSizes(int count, int rows, int cols, int length) {
    if (count < 0 || rows < 0 || cols < 0) {
      throw new IllegalArgumentException(
          "image set size count="
              + count
              + ", rows="
              + rows
              + ", cols="
              + cols
              + ": expected non-negative sizes");
    }
    if ((long) count * rows * cols != length) {
      throw new IllegalArgumentException(
          "pixels length "
              + length
              + ": expected count * rows * cols = "
              + count
              + " * "
              + rows
              + " * "
              + cols
              + " = "
              + ((long) count * rows * cols));
    }
  }

  public int count() {
    return count;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Pixels per image. */
  public int imageSize() {
    return rows * cols;
  }

  /** The pixel value 0..255 at ({@code row}, {@code col}) of image {@code image}. */
  public int pixel(int image, int row, int col) {
    checkIndex("image", image, count);
    checkIndex("row", row, rows);
    checkIndex("col", col, cols);
    return pixels[(image * rows + row) * cols + col] & 0xff;
  }

  /** A copy of one image's pixels as unsigned values 0..255, row by row. */
  public int[] image(int image) {
    checkIndex("image", image, count);
    int[] out = new int[imageSize()];
    int base = image * imageSize();
    for (int i = 0; i < out.length; i++) {
      out[i] = pixels[base + i] & 0xff;
    }
    return out;
  }

  /** Images {@code from} (inclusive) to {@code to} (exclusive), copied. */
  public ImageSet range(int from, int to) {
    checkRange(from, to, count);
    return new ImageSet(
        to - from, rows, cols, Arrays.copyOfRange(pixels, from * imageSize(), to * imageSize()));
  }

  /** The raw pixel bytes (unsigned), for readers and writers in this package; never modified. */
  byte[] raw() {
    return pixels;
  }

  static void checkIndex(String what, int index, int size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          what + " " + index + " is out of range: expected 0.." + (size - 1));
    }
  }

  static void checkRange(int from, int to, int size) {
    if (from < 0 || to > size || from > to) {
      throw new IllegalArgumentException(
          "range [" + from + ", " + to + ") is invalid: expected 0 <= from <= to <= " + size);
    }
  }
}
