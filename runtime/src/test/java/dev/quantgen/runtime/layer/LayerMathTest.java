package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerMathTest {
  @Test
  void quantizeRoundsTiesToEven() {
    assertEquals(0, LayerMath.quantizeInt8(0.5f, 1f, 0));
    assertEquals(2, LayerMath.quantizeInt8(1.5f, 1f, 0));
    assertEquals(2, LayerMath.quantizeInt8(2.5f, 1f, 0));
    assertEquals(-2, LayerMath.quantizeInt8(-2.5f, 1f, 0));
    assertEquals(0, LayerMath.quantizeInt8(-0.5f, 1f, 0));
  }

  @Test
  void quantizeAddsTheZeroPointAfterRounding() {
    // rint(1.5) + 1 = 3; adding first would give rint(2.5) = 2.
    assertEquals(3, LayerMath.quantizeInt8(1.5f, 1f, 1));
  }

  @Test
  void quantizeSaturatesInsteadOfWrapping() {
    assertEquals(127, LayerMath.quantizeInt8(1000f, 1f, 0));
    assertEquals(-128, LayerMath.quantizeInt8(-1000f, 1f, 0));
    assertEquals(127, LayerMath.quantizeInt8(Float.POSITIVE_INFINITY, 0.1f, 5));
    assertEquals(255, LayerMath.quantize(256f, 1f, 0, 0, 255));
  }

  @Test
  void quantizeMapsNaNToTheZeroPoint() {
    assertEquals(-7, LayerMath.quantizeInt8(Float.NaN, 0.5f, -7));
  }

  @Test
  void quantizeDividesInFloat32RatherThanMultiplyingByTheReciprocal() {
    Random random = new Random(7);
    for (int k = 0; k < 200_000; k++) {
      float s = 0.001f + random.nextFloat();
      float x = (float) (random.nextGaussian() * 100);
      float divided = x / s;
      int expected = (int) Math.max(-128, Math.min(127, Math.rint(divided)));
      assertEquals(expected, LayerMath.quantizeInt8(x, s, 0));
    }
  }

  @Test
  void dynamicScaleOfAnAllZeroInputIsOneOver255AsInOnnxReference() {
    assertEquals(1.0f / 255.0f, LayerMath.dynamicScale(0f, 0f));
    assertEquals(0, LayerMath.dynamicZeroPoint(0f, LayerMath.dynamicScale(0f, 0f)));
  }

  @Test
  void dynamicParamsFollowDynamicQuantizeLinear() {
    float s = LayerMath.dynamicScale(-1f, 3f);
    assertEquals(4f / 255f, s);
    assertEquals((int) Math.rint(1f / s), LayerMath.dynamicZeroPoint(-1f, s));
    assertEquals(255, LayerMath.dynamicZeroPoint(-5f, LayerMath.dynamicScale(-5f, 0f)));
  }

  @Test
  void floatRequantizationRoundsTheFloat64ProductHalfToEvenThenAddsTheZeroPoint() {
    assertEquals(2 + 10, LayerMath.requantizeFloat(5, 0.5f, 10, -128, 127)); // 2.5 -> 2
    assertEquals(-2 + 10, LayerMath.requantizeFloat(-5, 0.5f, 10, -128, 127));
    assertEquals(127, LayerMath.requantizeFloat(1_000_000, 0.5f, 0, -128, 127));
    assertEquals(3, LayerMath.requantizeFloat(-1_000, 0.5f, 0, 3, 127)); // a ReLU clamp at zy = 3
  }

  @Test
  void integerRequantizationClampsToTheActivationRange() {
    // M = 0.5 = 2^30 * 2^(0 - 31): multiplier 2^30, shift 0.
    assertEquals(
        10 + 3, LayerMath.requantize(5, 1 << 30, 0, 10, -128, 127)); // 2.5 rounds away from zero
    assertEquals(20, LayerMath.requantize(1000, 1 << 30, 0, 0, -128, 20));
    assertEquals(0, LayerMath.requantize(-1000, 1 << 30, 0, 0, 0, 127));
  }

  @Test
  void signBitTreatsZeroNegativeZeroAndNaNAsPlusOne() {
    assertEquals(1L, LayerMath.signBit(0f));
    assertEquals(1L, LayerMath.signBit(-0f));
    assertEquals(1L, LayerMath.signBit(Float.NaN));
    assertEquals(0L, LayerMath.signBit(-1e-30f));
  }

  @Test
  void requireLengthNamesTheBufferAndBothLengths() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerMath.requireLength("x", 3, 4));
    assertEquals("x: expected length 4, got 3", e.getMessage());
  }
}
