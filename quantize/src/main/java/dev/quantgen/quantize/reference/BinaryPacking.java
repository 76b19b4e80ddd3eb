package dev.quantgen.quantize.reference;

import java.util.Objects;

/**
 * 1-bit (BINARY) quantization as in XNOR-Net (docs/numerics.md#3-storage-formats and
 * docs/numerics.md#4-integer-kernels): a value becomes its sign, {@code sign(w) = +1} for {@code w
 * >= 0} (including -0.0) and -1 otherwise, stored as bit 1 for +1 and bit 0 for -1, 64 values per
 * {@code long}, the first value in bit 0. Padding bits past the last value are 0 when packed here,
 * and are ignored by the dot products whatever their content, so a caller's dirty padding cannot
 * change a result.
 */
public final class BinaryPacking {
  private BinaryPacking() {}

  /** Words needed for {@code n} bits: {@code ceil(n / 64)}. */
  public static int wordCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: expected a value >= 0, got " + n);
    }
    return (int) (((long) n + 63) >>> 6);
  }

  /** Packs the signs of all of {@code values}. */
  public static long[] pack(float[] values) {
    Objects.requireNonNull(values, "values");
    return pack(values, 0, values.length);
  }

  /**
   * Packs the signs of {@code values[off .. off+n)}.
   *
   * @throws IllegalArgumentException for a NaN value (it has no sign to binarize), or a range
   *     outside the array
   */
  public static long[] pack(float[] values, int off, int n) {
    checkRange("values", values.length, off, n);
    long[] bits = new long[wordCount(n)];
    for (int i = 0; i < n; i++) {
      float v = values[off + i];
      if (Float.isNaN(v)) {
        throw new IllegalArgumentException(
            "values: expected no NaN, got NaN at index " + (off + i));
      }
      if (v >= 0f) { // true for -0.0 too: sign(0) = +1 whatever the sign bit
        bits[i >>> 6] |= 1L << i; // the shift count is taken mod 64
      }
    }
    return bits;
  }

  /**
   * Packs each row of a row-major {@code [rows, cols]} matrix separately: row {@code r} occupies
   * words {@code [r * wordCount(cols), (r + 1) * wordCount(cols))}, so every row starts on a word.
   */
  public static long[] packRows(float[] matrix, int rows, int cols) {
    checkMatrix(matrix, rows, cols);
    int stride = wordCount(cols);
    long[] bits = new long[rows * stride];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(pack(matrix, r * cols, cols), 0, bits, r * stride, stride);
    }
    return bits;
  }

  /**
   * The dot product of two ±1 vectors of {@code n} values, bit-packed: {@code n - 2 * popcount(a
   * XOR b)} over exactly the first {@code n} bits.
   *
   * @throws IllegalArgumentException if {@code n < 0} or an array holds fewer than {@code
   *     wordCount(n)} words
   */
  public static int xnorDot(long[] a, long[] b, int n) {
    return xnorDot(a, 0, b, 0, n);
  }

  /**
   * {@link #xnorDot(long[], long[], int)} on the words starting at {@code aOff} and {@code bOff},
   * e.g. one row of {@link #packRows}.
   */
  public static int xnorDot(long[] a, int aOff, long[] b, int bOff, int n) {
    int words = wordCount(n);
    checkRange("a", a.length, aOff, words);
    checkRange("b", b.length, bOff, words);
    int differing = 0;
    int full = n >>> 6;
    for (int w = 0; w < full; w++) {
      differing += Long.bitCount(a[aOff + w] ^ b[bOff + w]);
    }
    int rest = n & 63;
    if (rest != 0) {
      long mask = (1L << rest) - 1; // keeps only the real bits of the last word
      differing += Long.bitCount((a[aOff + full] ^ b[bOff + full]) & mask);
    }
    return n - 2 * differing;
  }

  /**
   * {@code sum(±x[off + i])} over {@code n} values, the sign taken from bit {@code i} of {@code
   * bits} (a binarized weight times a float activation). Accumulates in float32, left to right, so
   * the result is reproducible bit for bit.
   */
  public static float signDot(long[] bits, float[] x, int off, int n) {
    checkRange("bits", (long) bits.length * 64, 0, n);
    checkRange("x", x.length, off, n);
    float sum = 0f;
    for (int i = 0; i < n; i++) {
      float v = x[off + i];
      sum += ((bits[i >>> 6] >>> i) & 1L) != 0 ? v : -v;
    }
    return sum;
  }

  /**
   * The XNOR-Net scale {@code alpha = mean(|w|)} of {@code values[off .. off+n)}. The sum is taken
   * in double and rounded to float once, so the result does not depend on summation order for any
   * realistic {@code n}.
   *
   * @throws IllegalArgumentException for {@code n < 1}, a range outside the array, or NaN/infinite
   *     values
   */
  public static float alpha(float[] values, int off, int n) {
    checkRange("values", values.length, off, n);
    if (n < 1) {
      throw new IllegalArgumentException("n: expected at least one value, got " + n);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float v = values[off + i];
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        throw new IllegalArgumentException(
            "values: expected finite values, got " + v + " at index " + (off + i));
      }
      sum += Math.abs(v);
    }
    return (float) (sum / n);
  }

  /**
   * {@link #alpha} of each row of a row-major {@code [rows, cols]} matrix (one per output channel).
   */
  public static float[] alphaPerRow(float[] matrix, int rows, int cols) {
    checkMatrix(matrix, rows, cols);
    float[] alphas = new float[rows];
    for (int r = 0; r < rows; r++) {
      alphas[r] = alpha(matrix, r * cols, cols);
    }
    return alphas;
  }

  private static void checkMatrix(float[] matrix, int rows, int cols) {
    Objects.requireNonNull(matrix, "matrix");
    if (rows < 1 || cols < 1 || (long) rows * cols != matrix.length) {
      throw new IllegalArgumentException(
          "matrix: expected rows * cols = "
              + ((long) rows * cols)
              + " elements with rows, cols >= 1, got "
              + matrix.length
              + " elements for rows "
              + rows
              + ", cols "
              + cols);
    }
  }

  private static void checkRange(String name, long length, int off, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: expected a value >= 0, got " + n);
    }
    if (off < 0 || off + (long) n > length) {
      throw new IllegalArgumentException(
          name + ": expected " + n + " elements from offset " + off + ", got length " + length);
    }
  }
}
