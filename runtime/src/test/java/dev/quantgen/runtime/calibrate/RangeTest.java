package dev.quantgen.runtime.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.QuantType;
import org.junit.jupiter.api.Test;

class RangeTest {
  @Test
  void asymmetricScaleSpansTheRangeAndZeroPointRoundsToEven() {
    QuantParams p = new Range(-1f, 3f).quantParams(QuantType.UINT8, Scheme.ASYMMETRIC);
    assertEquals((float) (4.0 / 255), p.scale());
    // -1 / s = -63.75 -> rint -64 -> z = 0 - (-64)
    assertEquals(64, p.zeroPoint());
    assertEquals(0f, p.fakeQuantize(0f), "zero is exact");
  }

  @Test
  void asymmetricRangeIsWidenedToIncludeZero() {
    QuantParams positive = new Range(2f, 5f).quantParams(QuantType.UINT8, Scheme.ASYMMETRIC);
    assertEquals((float) (5.0 / 255), positive.scale());
    assertEquals(0, positive.zeroPoint());
    QuantParams negative = new Range(-5f, -2f).quantParams(QuantType.INT8, Scheme.ASYMMETRIC);
    assertEquals((float) (5.0 / 255), negative.scale());
    assertEquals(127, negative.zeroPoint());
  }

  @Test
  void symmetricUsesTheRestrictedRangeAndZeroPointZero() {
    QuantParams int8 = new Range(-3f, 1.27f).quantParams(QuantType.INT8, Scheme.SYMMETRIC);
    assertEquals(3f / 127, int8.scale());
    assertEquals(0, int8.zeroPoint());
    assertEquals(-127, int8.quantize(-3f), "-amax maps to -127, not -128");
    QuantParams int4 = new Range(-0.5f, 0.7f).quantParams(QuantType.INT4, Scheme.SYMMETRIC);
    assertEquals(0.7f / 7, int4.scale());
    assertEquals(7, int4.quantize(0.7f));
    assertEquals(-7, int4.quantize(-0.7f));
  }

  @Test
  void degenerateRangesGiveScaleOneAndZeroPointZero() {
    for (Scheme scheme : Scheme.values()) {
      QuantParams p = new Range(0f, 0f).quantParams(QuantType.INT8, scheme);
      assertEquals(1f, p.scale());
      assertEquals(0, p.zeroPoint());
    }
    // (1.4e-45 - 0) / 255 underflows to 0 in float.
    QuantParams tiny = new Range(0f, Float.MIN_VALUE).quantParams(QuantType.UINT8,
        Scheme.ASYMMETRIC);
    assertEquals(1f, tiny.scale());
  }

  @Test
  void theWidestFloatRangeStillHasAFiniteScale() {
    QuantParams p = new Range(-Float.MAX_VALUE, Float.MAX_VALUE).quantParams(QuantType.UINT8,
        Scheme.ASYMMETRIC);
    assertTrue(Float.isFinite(p.scale()));
    assertEquals(0, p.quantize(-Float.MAX_VALUE));
    assertEquals(255, p.quantize(Float.MAX_VALUE));
  }

  @Test
  void symmetricWithAnUnsignedTypeIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Range(-1f, 1f).quantParams(QuantType.UINT8, Scheme.SYMMETRIC));
    assertTrue(e.getMessage().contains("uint8"), e.getMessage());
  }

  @Test
  void boundsMustBeFiniteAndOrdered() {
    assertThrows(IllegalArgumentException.class, () -> new Range(1f, 0f));
    assertThrows(IllegalArgumentException.class, () -> new Range(Float.NaN, 0f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Range(0f, Float.POSITIVE_INFINITY));
    assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
  }

  @Test
  void quantizeRoundsTiesToEvenThenAddsZeroPointThenSaturates() {
    QuantParams unit = new QuantParams(1f, 0, QuantType.INT8);
    assertEquals(0, unit.quantize(0.5f));
    assertEquals(2, unit.quantize(2.5f));
    assertEquals(-2, unit.quantize(-2.5f));
    assertEquals(127, unit.quantize(1000f));
    assertEquals(-128, unit.quantize(-1000f));
    QuantParams shifted = new QuantParams(1f, 10, QuantType.UINT8);
    assertEquals(12, shifted.quantize(2.5f), "round first (2), then add z");
    assertEquals(0, shifted.quantize(-300f));
  }

  @Test
  void quantizeDividesRatherThanMultiplyingByTheReciprocal() {
    // 69.90954f / 0.97775584f = 71.49999 in float, but 69.90954f * (1 / 0.97775584f) = 71.5.
    QuantParams p = new QuantParams(0.97775584f, 0, QuantType.INT8);
    assertEquals(71, p.quantize(69.90954f));
  }

  @Test
  void quantParamsRejectBadScalesAndZeroPoints() {
    assertThrows(IllegalArgumentException.class, () -> new QuantParams(0f, 0, QuantType.INT8));
    assertThrows(IllegalArgumentException.class,
        () -> new QuantParams(Float.NaN, 0, QuantType.INT8));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new QuantParams(1f, 128, QuantType.INT8));
    assertTrue(e.getMessage().contains("zeroPoint is 128"), e.getMessage());
  }
}
