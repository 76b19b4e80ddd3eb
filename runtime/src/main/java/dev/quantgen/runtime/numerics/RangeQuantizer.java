package dev.quantgen.runtime.numerics;

import java.util.Objects;

/**
 * Chooses a scale and zero point from an observed range {@code [lo, hi]}, per
 * docs/numerics.md#2-scale-and-zero-point-from-a-range.
 *
 * <ul>
 *   <li>The range is first widened to include zero ({@code lo' = min(lo, 0)}, {@code hi' = max(hi,
 *       0)}) so that 0.0 quantizes exactly (zero padding, ReLU outputs).
 *   <li>{@link #asymmetric}: {@code s = (hi' - lo') / (qmax - qmin)}, {@code z = saturate(qmin -
 *       rint(lo' / s))}.
 *   <li>{@link #symmetric}: signed types only, on the restricted range {@code [-qmax, qmax]} as in
 *       TFLite (int8 [-127, 127], int4 [-7, 7], int16 [-32767, 32767]) so that {@code -q} is always
 *       representable: {@code s = max(-lo', hi') / qmax}, {@code z = 0}.
 *   <li>A degenerate range (both ends 0) gives {@code s = 1, z = 0}: nothing divides by zero.
 * </ul>
 *
 * <p>All arithmetic is float32, as in ONNX Runtime and TFLite, so that a scale chosen here equals
 * theirs bit for bit; {@code rint} rounds half to even. The per-channel helpers take a row-major
 * {@code [rows, cols]} matrix (a dense weight {@code [out, in]}, or a conv weight flattened to
 * {@code [M, C/group * kh * kw]}) and use one range per row.
 */
public final class RangeQuantizer {
  private RangeQuantizer() {}

  /**
   * Asymmetric per-tensor parameters for the range {@code [lo, hi]}.
   *
   * @throws IllegalArgumentException for a NaN or infinite bound, {@code lo > hi}, a type wider
   *     than 16 bits, or a range so wide or so narrow that the float32 scale is infinite or zero
   */
  public static QuantParams asymmetric(float lo, float hi, QuantType type) {
    checkType(type);
    checkRange(lo, hi);
    float scale = asymmetricScale(lo, hi, type);
    return QuantParams.perTensor(scale, asymmetricZeroPoint(lo, hi, scale, type), type);
  }

  /**
   * Symmetric per-tensor parameters (zero point 0) for the range {@code [lo, hi]} on the restricted
   * range {@code [-qmax, qmax]}.
   *
   * @throws IllegalArgumentException for an unsigned type, a type wider than 16 bits, a NaN or
   *     infinite bound, {@code lo > hi}, or a range whose float32 scale would be zero
   */
  public static QuantParams symmetric(float lo, float hi, QuantType type) {
    checkSymmetricType(type);
    checkRange(lo, hi);
    return QuantParams.perTensor(symmetricScale(lo, hi, type), 0, type);
  }

  /**
   * Asymmetric parameters per row of a row-major {@code [rows, cols]} matrix, for axis 0.
   *
   * @throws IllegalArgumentException for a matrix whose length is not {@code rows * cols}, fewer
   *     than one row or column, a NaN or infinite element, or the errors of {@link #asymmetric}
   */
  public static QuantParams perRowAsymmetric(float[] matrix, int rows, int cols, QuantType type) {
    checkType(type);
    float[][] ranges = rowRanges(matrix, rows, cols);
    float[] scales = new float[rows];
    int[] zeroPoints = new int[rows];
    for (int r = 0; r < rows; r++) {
      scales[r] = asymmetricScale(ranges[0][r], ranges[1][r], type);
      zeroPoints[r] = asymmetricZeroPoint(ranges[0][r], ranges[1][r], scales[r], type);
    }
    return QuantParams.perAxis(0, scales, zeroPoints, type);
  }

  /**
   * Symmetric parameters (zero points 0) per row of a row-major {@code [rows, cols]} matrix, for
   * axis 0: the usual choice for weights.
   *
   * @throws IllegalArgumentException as {@link #perRowAsymmetric}, and for an unsigned type
   */
  public static QuantParams perRowSymmetric(float[] matrix, int rows, int cols, QuantType type) {
    checkSymmetricType(type);
    float[][] ranges = rowRanges(matrix, rows, cols);
    float[] scales = new float[rows];
    for (int r = 0; r < rows; r++) {
      scales[r] = symmetricScale(ranges[0][r], ranges[1][r], type);
    }
    return QuantParams.perAxis(0, scales, new int[rows], type);
  }

  private static float asymmetricScale(float lo, float hi, QuantType type) {
    float lo0 = Math.min(lo, 0f);
    float hi0 = Math.max(hi, 0f);
    if (lo0 == hi0) {
      return 1f;
    }
    float width = hi0 - lo0;
    return checkScale(width / (float) (type.max() - type.min()), lo, hi);
  }

  private static int asymmetricZeroPoint(float lo, float hi, float scale, QuantType type) {
    float lo0 = Math.min(lo, 0f);
    if (lo0 == 0f && hi <= 0f) {
      return 0; // degenerate range: docs/numerics.md fixes z = 0 (qmin - 0 would be -128 for int8)
    }
    // lo0 / scale lies in [-(qmax - qmin), 0] up to rounding; saturate covers the rounding excess.
    return type.saturate(type.min() - Math.rint(lo0 / scale));
  }

  private static float symmetricScale(float lo, float hi, QuantType type) {
    float amax = Math.max(-Math.min(lo, 0f), Math.max(hi, 0f));
    if (amax == 0f) {
      return 1f;
    }
    return checkScale(amax / (float) type.max(), lo, hi);
  }

  private static float checkScale(float scale, float lo, float hi) {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException(
          "range ["
              + lo
              + ", "
              + hi
              + "]: expected a width giving a finite, "
              + "positive float32 scale, got scale "
              + scale);
    }
    return scale;
  }

  /** Row minima in {@code [0]} and maxima in {@code [1]}; rejects NaN and infinities. */
  private static float[][] rowRanges(float[] matrix, int rows, int cols) {
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
    float[][] ranges = new float[2][rows];
    for (int r = 0; r < rows; r++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        float v = matrix[r * cols + c];
        if (Float.isNaN(v) || Float.isInfinite(v)) {
          throw new IllegalArgumentException(
              "matrix: expected finite values, got " + v + " at row " + r + ", column " + c);
        }
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      ranges[0][r] = lo;
      ranges[1][r] = hi;
    }
    return ranges;
  }

  private static void checkRange(float lo, float hi) {
    if (Float.isNaN(lo) || Float.isInfinite(lo)) {
      throw new IllegalArgumentException("lo: expected a finite value, got " + lo);
    }
    if (Float.isNaN(hi) || Float.isInfinite(hi)) {
      throw new IllegalArgumentException("hi: expected a finite value, got " + hi);
    }
    if (lo > hi) {
      throw new IllegalArgumentException("lo: expected a value <= hi (" + hi + "), got " + lo);
    }
  }

  private static void checkType(QuantType type) {
    Objects.requireNonNull(type, "type");
    if (type.bits() > 16) {
      throw new IllegalArgumentException(
          "type: expected a type of at most 16 bits, got " + type.onnxName());
    }
  }

  private static void checkSymmetricType(QuantType type) {
    checkType(type);
    if (!type.isSigned()) {
      throw new IllegalArgumentException(
          "type: expected a signed type for symmetric quantization (int4, int8, "
              + "int16), got "
              + type.onnxName());
    }
  }
}
