package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.FixedPoint;

/**
 * The scalar steps that generated kernels and the reference loops share: quantization of one value,
 * requantization of one accumulator, dynamic activation parameters and argument checks. Each is a
 * few lines of the numeric contract, kept in one place so both sides round the same way; what the
 * generator specializes (shapes, zero-point terms, unrolled dot products, packing) is not here.
 *
 * <p>Non-finite activations, one rule for every integer and binary path (docs/numerics.md): NaN
 * quantizes to the zero point (it is read as 0.0) and +-Inf saturates; neither widens a dynamic
 * range ({@link #widenLow}, {@link #widenHigh}) nor enters a binary layer's {@code beta} ({@link
 * #betaTerm}), so one such value never turns a whole output into NaN. Float kernels propagate them.
 */
public final class LayerMath {
  /** Offset between a uint8 value and the int8 byte that stores it: {@code q - 128}. */
  public static final int UINT8_OFFSET = 128;

  private LayerMath() {}

  /**
   * {@code saturate(rint(x / scale) + zeroPoint)} in [qmin, qmax]: a float32 division, ties to
   * even, the zero point added after rounding, clamped before narrowing. NaN gives the zero point.
   */
  public static int quantize(float x, float scale, int zeroPoint, int qmin, int qmax) {
    float v = x / scale;
    if (Float.isNaN(v)) {
      return zeroPoint;
    }
    double r = Math.rint(v) + zeroPoint;
    return r <= qmin ? qmin : r >= qmax ? qmax : (int) r;
  }

  /** {@link #quantize} into int8 [-128, 127]. */
  public static int quantizeInt8(float x, float scale, int zeroPoint) {
    return quantize(x, scale, zeroPoint, -128, 127);
  }

  /** {@code (q - zeroPoint) * scale}: one float32 multiply (the difference is exact). */
  public static float dequantize(int q, float scale, int zeroPoint) {
    return (q - zeroPoint) * scale;
  }

  /**
   * The scale of ONNX DynamicQuantizeLinear for a range already widened to include 0: {@code (hi -
   * lo) / 255} in float32. An all-zero input (where the specification is silent) takes ONNX's
   * reference choice, {@code 1 / 255}, so nothing divides by zero.
   */
  public static float dynamicScale(float lo, float hi) {
    float scale = (hi - lo) / 255.0f;
    if (scale == Float.POSITIVE_INFINITY) {
      // a finite range wider than float32 holds (e.g. -3e38 to 3e38): the width in float64, whose
      // 255th part is finite again; ONNX would give an infinite scale and NaN outputs
      scale = (float) (((double) hi - lo) / 255.0);
    }
    return scale == 0 ? 1.0f / 255.0f : scale;
  }

  /**
   * The low end of a dynamic range after seeing {@code v}: {@code min(lo, v)} over finite values
   * only. NaN and -Inf never widen it (at quantization NaN reads as 0 and -Inf saturates to the
   * lowest code).
   */
  public static float widenLow(float lo, float v) {
    return v < lo && v != Float.NEGATIVE_INFINITY ? v : lo;
  }

  /**
   * The high end of a dynamic range after seeing {@code v}: {@code max(hi, v)} over finite values
   * only.
   */
  public static float widenHigh(float hi, float v) {
    return v > hi && v != Float.POSITIVE_INFINITY ? v : hi;
  }

  /**
   * What activation {@code v} adds to a binary layer's {@code beta = mean|x|}: {@code |v|}, or 0
   * for NaN and +-Inf, which stay out of the scale (their sign bits still count: +1 for NaN, as
   * {@link #signBit} says). The sum is still divided by the full input count.
   */
  public static float betaTerm(float v) {
    float a = Math.abs(v);
    return a < Float.POSITIVE_INFINITY ? a : 0.0f;
  }

  /** The uint8 zero point of DynamicQuantizeLinear: {@code rint(clamp(0 - lo / scale, 0, 255))}. */
  public static int dynamicZeroPoint(float lo, float scale) {
    float z = 0.0f - lo / scale;
    return (int) Math.rint(Math.max(0.0f, Math.min(255.0f, z)));
  }

  /**
   * Integer-only requantization: {@code clamp(zy + M0 * 2^(shift-31) * acc, lo, hi)} with
   * gemmlowp's rounding ({@link FixedPoint#multiplyByQuantizedMultiplier}).
   */
  public static int requantize(int acc, int multiplier, int shift, int zeroPoint, int lo, int hi) {
    long v = (long) zeroPoint + FixedPoint.multiplyByQuantizedMultiplier(acc, multiplier, shift);
    return v <= lo ? lo : v >= hi ? hi : (int) v;
  }

  /**
   * ONNX-style requantization: {@code clamp(rint(acc * m) + zy, lo, hi)}, the product in float64 of
   * the float32 multiplier, as ONNX's QLinearMatMul reference computes it.
   */
  public static int requantizeFloat(int acc, float multiplier, int zeroPoint, int lo, int hi) {
    double r = Math.rint((double) acc * multiplier) + zeroPoint;
    return r <= lo ? lo : r >= hi ? hi : (int) r;
  }

  /**
   * The XNOR-Net sign bit of one activation: 1 for {@code x >= 0} (so {@code sign(0) = +1}, {@code
   * -0.0} included) and for NaN, 0 for {@code x < 0}.
   */
  public static long signBit(float x) {
    return x < 0 ? 0L : 1L;
  }

  /**
   * Checks a batch size and the length of a buffer holding {@code batch} vectors of {@code size}
   * values one after the other.
   *
   * @throws IllegalArgumentException if {@code batch < 1} or the length is not {@code batch *
   *     size}, naming the buffer, its length and the expected one
   */
  public static void requireBatch(String name, int actual, int batch, int size) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch: expected at least 1 sample, got " + batch);
    }
    if ((long) actual != (long) batch * size) {
      throw new IllegalArgumentException(
          name
              + ": expected length "
              + (long) batch * size
              + " (batch "
              + batch
              + " x "
              + size
              + "), got "
              + actual);
    }
  }

  /**
   * Checks a buffer length on the hot path.
   *
   * @throws IllegalArgumentException naming the buffer, its length and the expected length
   */
  public static void requireLength(String name, int actual, int expected) {
    if (actual != expected) {
      throw new IllegalArgumentException(
          name + ": expected length " + expected + ", got " + actual);
    }
  }
}
