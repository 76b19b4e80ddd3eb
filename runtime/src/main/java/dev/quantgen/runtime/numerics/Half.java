package dev.quantgen.runtime.numerics;

/**
 * IEEE 754 binary16 ("half") conversions that work on JDK 17.
 *
 * <p>Bit for bit the same as {@code Float.floatToFloat16} and {@code Float.float16ToFloat} of JDK
 * 20+: round to nearest even, subnormals kept, overflow to infinity, NaN stays NaN (with its sign
 * and as many significand bits as fit). The algorithm follows the JDK's, restated here because JDK
 * 17 lacks it.
 *
 * <p>NaN payloads are kept exactly as the JDK's Java code keeps them, on every platform, so every
 * half (signalling NaNs included) round-trips bit for bit. The JDK's x86 intrinsics (F16C) instead
 * set the quiet bit of a signalling NaN and truncate payload bits that do not fit; the JDK
 * specification allows both, as it promises only that a NaN stays a NaN.
 */
public final class Half {
  /** Largest finite half, 65504. */
  public static final float MAX_VALUE = 0x1.ffcp15f;

  /** Smallest positive subnormal half, 2^-24. */
  public static final float MIN_VALUE = 0x1.0p-24f;

  private Half() {}

  /**
   * {@link #fromFloat} of a value that must stay finite: a weight, say.
   *
   * @param what names the value in the message, e.g. {@code "weights[3][17]"}
   * @throws IllegalArgumentException if {@code |v|} rounds beyond {@link #MAX_VALUE} (to infinity),
   *     or {@code v} is not finite
   */
  public static short fromFinite(float v, String what) {
    short h = fromFloat(v);
    if ((h & 0x7C00) == 0x7C00) {
      throw new IllegalArgumentException(
          what
              + ": "
              + v
              + " is beyond the binary16 range (+-"
              + MAX_VALUE
              + "), where FP16 would store it as "
              + (Float.isNaN(v) ? "NaN" : "infinity")
              + "; scale the layer's weights down or keep this layer in FP32");
    }
    return h;
  }

  /** Rounds a float to the nearest binary16 value (ties to even) and returns its bits. */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    short sign = (short) ((bits & 0x8000_0000) >> 16);
    if (Float.isNaN(f)) {
      // Keep the quiet bit and fold the other significand bits into the 9 that remain.
      return (short)
          (sign
              | 0x7c00
              | (bits & 0x007f_e000) >> 13
              | (bits & 0x0000_1ff0) >> 4
              | (bits & 0x0000_000f));
    }
    float abs = Math.abs(f);
    // Overflow threshold: MAX_VALUE plus half an ulp of binary16 at that exponent.
    if (abs >= (0x1.ffcp15f + 0x0.002p15f)) {
      return (short) (sign | 0x7c00);
    }
    // Half of the smallest subnormal and below rounds to zero (the tie goes to the even zero).
    if (abs <= 0x1.0p-24f * 0.5f) {
      return sign;
    }
    int exp = Math.getExponent(f);
    int expDelta = 0;
    int hiddenBit = 0;
    if (exp < -14) {
      // Subnormal result: shift further right and make the hidden bit explicit.
      expDelta = -14 - exp;
      exp = -15;
      hiddenBit = 0x0080_0000;
    }
    int significand = bits & 0x007f_ffff | hiddenBit;
    short truncated = (short) (significand >> (13 + expDelta));
    int lsb = significand & (1 << (13 + expDelta));
    int round = significand & (1 << (12 + expDelta));
    int sticky = significand & ((1 << (12 + expDelta)) - 1);
    if (round != 0 && (lsb | sticky) != 0) {
      truncated++; // a carry into the exponent field is the correct result
    }
    return (short) (sign | (((exp + 15) << 10) + truncated));
  }

  /**
   * The exact float value of binary16 bits: a lookup in a table of all 65,536 values, computed once
   * on first use by {@link #decode}. Kernels call this per weight in their inner loops, where one
   * load is several times faster than decoding the fields.
   */
  public static float toFloat(short half) {
    return Decoded.VALUES[half & 0xFFFF];
  }

  /** Every half's float value, indexed by its bits; built when first needed (lazy holder). */
  private static final class Decoded {
    static final float[] VALUES = new float[1 << 16];

    static {
      for (int h = 0; h < VALUES.length; h++) {
        VALUES[h] = decode((short) h);
      }
    }
  }

  /** Decodes the sign, exponent and significand fields: exact, since every half is a float. */
  private static float decode(short half) {
    int signBit = 0x8000 & half;
    int expBits = 0x7c00 & half;
    int significand = 0x03ff & half;
    float sign = signBit != 0 ? -1.0f : 1.0f;
    int exp = (expBits >> 10) - 15;
    if (exp == -15) {
      return sign * (0x1p-24f * significand); // zero or subnormal: exact
    }
    if (exp == 16) {
      return significand == 0
          ? sign * Float.POSITIVE_INFINITY
          : Float.intBitsToFloat((signBit << 16) | 0x7f80_0000 | (significand << 13));
    }
    int floatExpBits = (exp + 127) << 23;
    return Float.intBitsToFloat((signBit << 16) | floatExpBits | (significand << 13));
  }

  /** Rounds a float to the nearest half value and returns it as a float (a float16 "cast"). */
  public static float round(float f) {
    return toFloat(fromFloat(f));
  }
}
