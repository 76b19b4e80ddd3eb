package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ActivationParamsTest {
  @Test
  void rangeIsWidenedToIncludeZeroSoZeroIsExact() {
    ActivationParams p = ActivationParams.fromRange(1f, 3f);
    assertEquals(3f / 255f, p.scale());
    assertEquals(-128, p.zeroPoint());
    assertEquals(0f, p.dequantize(p.quantize(0f)));
  }

  @Test
  void asymmetricZeroPointFollowsTheRange() {
    ActivationParams p = ActivationParams.fromRange(-1f, 1f);
    assertEquals(2f / 255f, p.scale());
    assertEquals((int) (-128 - Math.rint(-1f / (2f / 255f))), p.zeroPoint());
  }

  @Test
  void degenerateRangeGivesScaleOneZeroPointZero() {
    ActivationParams p = ActivationParams.fromRange(0f, 0f);
    assertEquals(1f, p.scale());
    assertEquals(0, p.zeroPoint());
  }

  @Test
  void nonFiniteOrReversedRangeIsRejected() {
    assertEquals(
        "range: expected finite lo <= hi, got [NaN, 1.0]",
        assertThrows(
                IllegalArgumentException.class, () -> ActivationParams.fromRange(Float.NaN, 1f))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ActivationParams.fromRange(2f, 1f));
  }

  @Test
  void badScaleOrZeroPointIsRejectedWithItsValue() {
    assertEquals(
        "scale: expected a finite value > 0, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new ActivationParams(0f, 0))
            .getMessage());
    assertEquals(
        "zeroPoint: expected a value in [-128, 127], got 128",
        assertThrows(IllegalArgumentException.class, () -> new ActivationParams(1f, 128))
            .getMessage());
  }
}
