package dev.quantgen.runtime.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Half} against three oracles: the exact value of every half (computed independently), an
 * exact BigDecimal round-half-even to the half grid (every JDK), and the JDK's own {@code
 * Float.floatToFloat16} / {@code float16ToFloat} (JDK 20+ only).
 */
class HalfTest {
  private static final int HALF_COUNT = 1 << 16;

  @Test
  void everyHalfConvertsToItsExactValue() {
    for (int i = 0; i < HALF_COUNT; i++) {
      int h = i;
      int exp = (h >> 10) & 0x1f;
      int mantissa = h & 0x3ff;
      if (exp == 0x1f) {
        continue; // infinities and NaNs: checked below
      }
      double magnitude =
          exp == 0
              ? Math.scalb((double) mantissa, -24)
              : Math.scalb((double) (1024 + mantissa), exp - 25);
      double expected = (h & 0x8000) != 0 ? -magnitude : magnitude;
      assertEquals(
          Double.doubleToRawLongBits(expected),
          Double.doubleToRawLongBits(Half.toFloat((short) h)),
          () -> "half 0x" + Integer.toHexString(h));
    }
    assertEquals(Float.POSITIVE_INFINITY, Half.toFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat((short) 0xfc00));
    assertTrue(Float.isNaN(Half.toFloat((short) 0x7e00)));
    assertTrue(Float.isNaN(Half.toFloat((short) 0xfc01)));
  }

  @Test
  void everyHalfRoundTripsBitForBitIncludingNaNPayloads() {
    for (int i = 0; i < HALF_COUNT; i++) {
      int h = i;
      short half = (short) h;
      assertEquals(
          half, Half.fromFloat(Half.toFloat(half)), () -> "half 0x" + Integer.toHexString(h));
    }
  }

  @Test
  void roundsTiesAndBoundariesExactlyLikeBigDecimalHalfEven() {
    // Every 7th midpoint (7 is coprime to 1024: all exponents, both mantissa parities) keeps this
    // fast.
    for (float f : tiesAndBoundaries(7)) {
      assertEquals(
          exactHalfBits(f),
          Half.fromFloat(f),
          () -> "float " + f + " (0x" + Integer.toHexString(Float.floatToRawIntBits(f)) + ")");
    }
  }

  @Test
  void namedBoundaries() {
    assertEquals(
        (short) 0x7c00,
        Half.fromFloat(65520f),
        "65520 is the tie above 65504: rounds to even = infinity");
    assertEquals(
        (short) 0x7bff, Half.fromFloat(Math.nextDown(65520f)), "just below the tie: 65504");
    assertEquals(
        (short) 0x0000,
        Half.fromFloat(0x1p-25f),
        "half of the smallest subnormal: tie to even zero");
    assertEquals((short) 0x0001, Half.fromFloat(Math.nextUp(0x1p-25f)));
    assertEquals((short) 0x8000, Half.fromFloat(-0x1p-25f), "negative underflow keeps the sign");
    assertEquals(
        (short) 0x0400,
        Half.fromFloat(0x1p-14f - 0x1p-25f),
        "largest subnormal 0x3ff is odd: tie goes up");
    assertEquals((short) 0x0000, Half.fromFloat(Float.MIN_VALUE));
    assertEquals((short) 0x7c00, Half.fromFloat(Float.MAX_VALUE));
    assertEquals(
        (short) 0x0800, Half.fromFloat(0x1p-13f + 0x1p-24f), "0x800 is even: tie goes down");
    assertEquals((short) 0x3c00, Half.fromFloat(1f + 0x1p-11f), "1 + half an ulp: tie to even 1");
    assertEquals(
        (short) 0x3c02, Half.fromFloat(1f + 0x3p-11f), "1 + 1.5 ulp: tie to even 1 + 2 ulp");
  }

  @Test
  void nanStaysNaNKeepingSignAndQuietBit() {
    assertEquals((short) 0x7e00, Half.fromFloat(Float.NaN));
    assertEquals((short) 0xfe00, Half.fromFloat(Float.intBitsToFloat(0xffc0_0000)));
    short signalling =
        Half.fromFloat(Float.intBitsToFloat(0x7f80_0001)); // payload only in the low bits
    assertTrue(
        (signalling & 0x7c00) == 0x7c00 && (signalling & 0x03ff) != 0, "still a NaN, not infinity");
  }

  @Test
  void matchesJdkConversionsOnEveryHalfAndAFloatSweep() throws Throwable {
    MethodHandle toHalf;
    MethodHandle toFloat;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      toHalf =
          lookup.findStatic(
              Float.class, "floatToFloat16", MethodType.methodType(short.class, float.class));
      toFloat =
          lookup.findStatic(
              Float.class, "float16ToFloat", MethodType.methodType(float.class, short.class));
    } catch (NoSuchMethodException e) {
      assumeTrue(
          false,
          "Float.floatToFloat16 needs JDK 20+; the BigDecimal oracle covers rounding on this JDK");
      return;
    }
    for (int h = 0; h < HALF_COUNT; h++) {
      short half = (short) h;
      float jdk = (float) toFloat.invokeExact(half);
      float ours = Half.toFloat(half);
      boolean signallingNaN = (h & 0x7c00) == 0x7c00 && (h & 0x03ff) != 0 && (h & 0x0200) == 0;
      if (signallingNaN) {
        assertSameNaN(
            Float.floatToRawIntBits(jdk), Float.floatToRawIntBits(ours), 0x8000_0000, "half " + h);
      } else {
        assertEquals(Float.floatToRawIntBits(jdk), Float.floatToRawIntBits(ours), "half " + h);
      }
    }
    for (float f : tiesAndBoundaries(1)) {
      assertSameHalfAsJdk((short) toHalf.invokeExact(f), f);
    }
    for (long bits = 0; bits <= 0xffff_ffffL; bits += 4099) {
      float f = Float.intBitsToFloat((int) bits);
      assertSameHalfAsJdk((short) toHalf.invokeExact(f), f);
    }
  }

  private static void assertSameHalfAsJdk(short jdk, float f) {
    short ours = Half.fromFloat(f);
    if (jdk != ours) {
      String what = "float bits 0x" + Integer.toHexString(Float.floatToRawIntBits(f));
      if (Float.isNaN(f)) {
        assertSameNaN(jdk, ours, 0x8000, what);
      } else {
        assertEquals(jdk, ours, what);
      }
    }
  }

  /**
   * NaN payloads: the JDK's Java code (which {@link Half} ports) keeps them, but its x86 intrinsics
   * (F16C, also used by the interpreter) set the quiet bit of a signalling NaN and drop payload
   * bits that do not fit; the JDK specification promises only "a NaN". So for those inputs the
   * comparison is NaN-ness and sign; all other inputs, quiet NaNs of the other direction included,
   * must match bit for bit.
   */
  private static void assertSameNaN(int jdkBits, int ourBits, int signBit, String what) {
    float jdk = signBit == 0x8000 ? Half.toFloat((short) jdkBits) : Float.intBitsToFloat(jdkBits);
    float ours = signBit == 0x8000 ? Half.toFloat((short) ourBits) : Float.intBitsToFloat(ourBits);
    assertTrue(Float.isNaN(jdk) && Float.isNaN(ours), what + ": both NaN");
    assertEquals(jdkBits & signBit, ourBits & signBit, what + ": same sign");
  }

  /**
   * Every {@code stride}-th midpoint between adjacent finite halves (ties at every exponent, in the
   * subnormals and at the overflow threshold), its float neighbours, and special values, with both
   * signs.
   */
  private static List<Float> tiesAndBoundaries(int stride) {
    List<Float> values = new ArrayList<>();
    for (int h = 0; h < 0x7bff; h += stride) {
      float mid =
          (Half.toFloat((short) h) + Half.toFloat((short) (h + 1)))
              / 2; // exact: 12 significant bits
      values.add(mid);
      values.add(Math.nextDown(mid));
      values.add(Math.nextUp(mid));
    }
    float[] specials = {
      0f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      0x1p-25f,
      0x1p-24f,
      0x1p-14f,
      65504f,
      65520f,
      Math.nextDown(65520f),
      Math.nextUp(65520f),
      65536f,
      Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      1f,
      0.1f
    };
    for (float f : specials) {
      values.add(f);
    }
    int n = values.size();
    for (int i = 0; i < n; i++) {
      values.add(-values.get(i));
    }
    return values;
  }

  /** Round half to even onto the binary16 grid, computed exactly; finite or infinite f. */
  private static short exactHalfBits(float f) {
    int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
    float abs = Math.abs(f);
    if (abs == Float.POSITIVE_INFINITY) {
      return (short) (sign | 0x7c00);
    }
    // The half grid spacing near abs: 2^-24 below 2^-14 (subnormals), else 2^(e - 10).
    int e = Math.max(Math.getExponent(abs), -14);
    BigDecimal perUlp = new BigDecimal(Math.scalb(1.0, 10 - e)); // a power of two: exact
    BigDecimal units = new BigDecimal(abs).multiply(perUlp).setScale(0, RoundingMode.HALF_EVEN);
    double rounded = Math.scalb(units.doubleValue(), e - 10); // at most 2048 units: exact
    if (rounded > 65504) {
      return (short) (sign | 0x7c00);
    }
    if (rounded < 0x1p-14) {
      return (short) (sign | (int) Math.scalb(rounded, 24));
    }
    int exp = Math.getExponent(rounded);
    int mantissa = (int) Math.scalb(rounded, 10 - exp) - 1024;
    return (short) (sign | (exp + 15) << 10 | mantissa);
  }
}
