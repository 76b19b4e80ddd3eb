package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import org.junit.jupiter.api.Test;

/** Range's own checks; the scale arithmetic is RangeQuantizer's and tested there. */
class RangeTest {
  @Test
  void asymmetricParamsSpanTheRangeWidenedToZero() {
    // s = 4 / 255; -1 / s = -63.75 rounds to -64, so z = 0 - (-64).
    assertEquals(
        QuantParams.perTensor(4f / 255, 64, QuantType.UINT8),
        new Range(-1f, 3f).quantParams(QuantType.UINT8, Scheme.ASYMMETRIC));
    assertEquals(
        QuantParams.perTensor(5f / 255, 0, QuantType.UINT8),
        new Range(2f, 5f).quantParams(QuantType.UINT8, Scheme.ASYMMETRIC));
  }

  @Test
  void symmetricParamsUseTheRestrictedRange() {
    assertEquals(
        QuantParams.perTensor(3f / 127, 0, QuantType.INT8),
        new Range(-3f, 1.27f).quantParams(QuantType.INT8, Scheme.SYMMETRIC));
    assertEquals(
        QuantParams.perTensor(0.7f / 7, 0, QuantType.INT4),
        new Range(-0.5f, 0.7f).quantParams(QuantType.INT4, Scheme.SYMMETRIC));
  }

  @Test
  void theZeroRangeGivesScaleOne() {
    for (Scheme scheme : Scheme.values()) {
      assertEquals(
          QuantParams.perTensor(1f, 0, QuantType.INT8),
          new Range(0f, 0f).quantParams(QuantType.INT8, scheme));
    }
  }

  @Test
  void symmetricWithAnUnsignedTypeIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Range(-1f, 1f).quantParams(QuantType.UINT8, Scheme.SYMMETRIC));
    assertTrue(e.getMessage().contains("uint8"), e.getMessage());
  }

  @Test
  void boundsMustBeFiniteAndOrdered() {
    IllegalArgumentException reversed =
        assertThrows(IllegalArgumentException.class, () -> new Range(1f, 0f));
    assertEquals("range [1.0, 0.0]: expected finite bounds with lo <= hi", reversed.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Range(Float.NaN, 0f));
    IllegalArgumentException infinite =
        assertThrows(IllegalArgumentException.class, () -> new Range(0f, Float.POSITIVE_INFINITY));
    assertTrue(infinite.getMessage().contains("Infinity"), infinite.getMessage());
  }
}
