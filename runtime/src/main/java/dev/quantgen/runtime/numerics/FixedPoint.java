package dev.quantgen.runtime.numerics;

/**
 * Integer-only requantization as TFLite and gemmlowp do it: a real multiplier {@code M} becomes a
 * 31-bit fixed-point {@code M0} and a power-of-two {@code shift}, so that {@code acc * M ~=
 * RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << max(shift,0), M0), max(-shift,0))}.
 *
 * <p>See docs/numerics.md#5-requantization. The one deliberate difference from gemmlowp: {@code M0}
 * is {@code rint(m * 2^31)} (ties to even), as the numeric contract fixes it.
 */
public final class FixedPoint {
  private FixedPoint() {}

  /** A quantized multiplier: {@code M ~= multiplier * 2^(shift - 31)}. */
  public record Multiplier(int multiplier, int shift) {
    /** Applies this multiplier to an int32 accumulator. */
    public int apply(int acc) {
      return multiplyByQuantizedMultiplier(acc, multiplier, shift);
    }
  }

  /**
   * Splits a non-negative real multiplier into {@code (M0, shift)} with {@code M0} in [2^30, 2^31)
   * (or 0 for {@code M == 0} and for multipliers too small to matter: below 2^-32, where {@code
   * |acc * M| < 0.5} for every int32 {@code acc}; TFLite's {@code QuantizeMultiplier} draws the
   * same line, {@code shift < -31}).
   *
   * @throws IllegalArgumentException for a negative, NaN or infinite multiplier, or one of 2^30 or
   *     more
   */
  public static Multiplier quantizeMultiplier(double m) {
    if (!(m >= 0) || Double.isInfinite(m)) {
      throw new IllegalArgumentException("multiplier: expected a finite value >= 0, got " + m);
    }
    if (m == 0) {
      return new Multiplier(0, 0);
    }
    // frexp: m = q * 2^e with q in [0.5, 1).
    int e = Math.getExponent(m) + 1;
    double q = Math.scalb(m, -e);
    long q31 = (long) Math.rint(q * (1L << 31));
    if (q31 == (1L << 31)) {
      q31 /= 2;
      e++;
    }
    if (e < -31) {
      return new Multiplier(0, 0); // below the resolution of a 31-bit right shift: contributes 0
    }
    if (e > 30) {
      throw new IllegalArgumentException("multiplier: expected a value below 2^30, got " + m);
    }
    return new Multiplier((int) q31, e);
  }

  /**
   * {@code round(a * b / 2^31)} exactly as gemmlowp's {@code SaturatingRoundingDoublingHighMul}:
   * the nudge {@code 2^30} (or {@code 1 - 2^30} for a negative product) then a truncating division,
   * so ties round toward +infinity (0.5 -> 1, -0.5 -> 0); the only overflow, {@code MIN * MIN},
   * saturates.
   */
  public static int saturatingRoundingDoublingHighMul(int a, int b) {
    if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
      return Integer.MAX_VALUE;
    }
    long ab = (long) a * (long) b;
    long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
    return (int) ((ab + nudge) / (1L << 31)); // Java's long division truncates toward zero, like C
  }

  /**
   * {@code x / 2^exponent} rounded to nearest, ties away from zero (gemmlowp's
   * RoundingDivideByPOT).
   */
  public static int roundingDivideByPot(int x, int exponent) {
    if (exponent < 0 || exponent > 31) {
      throw new IllegalArgumentException("exponent: expected 0..31, got " + exponent);
    }
    int mask = (int) ((1L << exponent) - 1);
    int remainder = x & mask;
    int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
  }

  /**
   * {@code acc * M0 * 2^(shift-31)}, rounded: TFLite's {@code MultiplyByQuantizedMultiplier}. A
   * positive shift is applied first as a left shift that saturates instead of wrapping.
   */
  public static int multiplyByQuantizedMultiplier(int acc, int m0, int shift) {
    int leftShift = shift > 0 ? shift : 0;
    int rightShift = shift > 0 ? 0 : -shift;
    int shifted = leftShift == 0 ? acc : saturateToInt((long) acc << leftShift);
    return roundingDivideByPot(saturatingRoundingDoublingHighMul(shifted, m0), rightShift);
  }

  private static int saturateToInt(long v) {
    return v > Integer.MAX_VALUE
        ? Integer.MAX_VALUE
        : v < Integer.MIN_VALUE ? Integer.MIN_VALUE : (int) v;
  }
}
