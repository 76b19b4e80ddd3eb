package dev.quantgen.runtime.numerics;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RangeQuantizer}: scale and zero point from a range,
 * docs/numerics.md#2-scale-and-zero-point-from-a-range.
 */
class RangeQuantizerTest {

  private static float scale(QuantParams p) {
    return p.scales().get(0);
  }

  private static int zeroPoint(QuantParams p) {
    return p.zeroPoints().get(0);
  }

  @Test
  void asymmetricUsesTheWholeIntegerRange() {
    QuantParams p = RangeQuantizer.asymmetric(-1f, 254f, QuantType.UINT8);
    assertEquals(1f, scale(p));
    assertEquals(1, zeroPoint(p));
    assertEquals(QuantType.UINT8, p.type());
    QuantParams int8 = RangeQuantizer.asymmetric(-1f, 254f, QuantType.INT8);
    assertEquals(-127, zeroPoint(int8), "qmin - rint(lo / s) = -128 + 1");
  }

  @Test
  void asymmetricZeroPointRoundsHalfToEven() {
    // lo / s = -1.5 -> rint -2 -> z = 2; Math.round(-1.5) = -1 would give 1.
    assertEquals(2, zeroPoint(RangeQuantizer.asymmetric(-1.5f, 253.5f, QuantType.UINT8)));
    // lo / s = -2.5 -> rint -2 -> z = 2 (half away from zero would give 3).
    assertEquals(2, zeroPoint(RangeQuantizer.asymmetric(-2.5f, 252.5f, QuantType.UINT8)));
  }

  @Test
  void asymmetricWidensTheRangeToIncludeZero() {
    QuantParams positive = RangeQuantizer.asymmetric(2f, 5f, QuantType.UINT8);
    assertEquals(5f / 255f, scale(positive));
    assertEquals(0, zeroPoint(positive));
    QuantParams negative = RangeQuantizer.asymmetric(-5f, -2f, QuantType.UINT8);
    assertEquals(5f / 255f, scale(negative));
    assertEquals(255, zeroPoint(negative));
    assertEquals(127, zeroPoint(RangeQuantizer.asymmetric(-5f, -2f, QuantType.INT8)));
  }

  @Test
  void zeroIsExactForRandomRanges() {
    Random random = new Random(5);
    FloatTensor zero = FloatTensor.of(Shape.of(1), 0f);
    for (int i = 0; i < 2000; i++) {
      float lo = -random.nextFloat() * 100;
      float hi = random.nextFloat() * 100;
      for (QuantType type :
          new QuantType[] {QuantType.UINT8, QuantType.INT8, QuantType.UINT4, QuantType.INT16}) {
        QuantParams p = RangeQuantizer.asymmetric(lo, hi, type);
        assertEquals(0f, p.dequantize(p.quantize(zero)).get(0), p.toString());
      }
    }
  }

  @Test
  void symmetricUsesTheRestrictedRange() {
    QuantParams int8 = RangeQuantizer.symmetric(-3f, 1.27f, QuantType.INT8);
    assertEquals(3f / 127f, scale(int8));
    assertEquals(0, zeroPoint(int8));
    assertArrayEquals(
        new int[] {-127, 127},
        int8.quantize(FloatTensor.of(Shape.of(2), -3f, 3f)).toArray(),
        "-amax maps to -127, never -128");
    assertEquals(2f / 7f, scale(RangeQuantizer.symmetric(-1f, 2f, QuantType.INT4)));
    assertEquals(2f / 32767f, scale(RangeQuantizer.symmetric(-1f, 2f, QuantType.INT16)));
    assertEquals(
        5f / 127f, scale(RangeQuantizer.symmetric(2f, 5f, QuantType.INT8)), "widened to zero too");
  }

  @Test
  void degenerateRangeGivesScaleOneZeroPointZero() {
    for (QuantParams p :
        new QuantParams[] {
          RangeQuantizer.asymmetric(0f, 0f, QuantType.UINT8),
          RangeQuantizer.asymmetric(-0f, 0f, QuantType.INT8),
          RangeQuantizer.symmetric(0f, 0f, QuantType.INT4)
        }) {
      assertEquals(1f, scale(p));
      assertEquals(0, zeroPoint(p));
    }
  }

  @Test
  void perRowParametersUseOneRangePerRow() {
    float[] matrix = {-1.2f, 0.5f, 2f, /* row 1 */ 0.1f, 0.25f, 0.4f};
    QuantParams symmetric = RangeQuantizer.perRowSymmetric(matrix, 2, 3, QuantType.INT8);
    assertArrayEquals(new float[] {2f / 127f, 0.4f / 127f}, symmetric.scales().toArray());
    assertArrayEquals(new int[] {0, 0}, symmetric.zeroPoints().toArray());
    assertEquals(0, symmetric.axis());
    QuantParams asymmetric = RangeQuantizer.perRowAsymmetric(matrix, 2, 3, QuantType.UINT8);
    assertArrayEquals(new float[] {(2f + 1.2f) / 255f, 0.4f / 255f}, asymmetric.scales().toArray());
    assertArrayEquals(
        new int[] {96, 0},
        asymmetric.zeroPoints().toArray()); // rint(1.2 / (3.2 / 255)) = rint(95.6)
    assertArrayEquals(
        new int[] {-76, 32, 127, 32, 79, 127},
        symmetric.quantize(FloatTensor.of(Shape.of(2, 3), matrix)).toArray());
  }

  @Test
  void rejectsNaNOrInfiniteOrInvertedBounds() {
    assertRejected(() -> RangeQuantizer.asymmetric(Float.NaN, 1f, QuantType.UINT8), "lo", "NaN");
    assertRejected(
        () -> RangeQuantizer.asymmetric(0f, Float.POSITIVE_INFINITY, QuantType.UINT8),
        "hi",
        "Infinity");
    assertRejected(
        () -> RangeQuantizer.symmetric(Float.NEGATIVE_INFINITY, 0f, QuantType.INT8),
        "lo",
        "-Infinity");
    assertRejected(() -> RangeQuantizer.asymmetric(2f, 1f, QuantType.UINT8), "lo", "2.0", "hi");
  }

  @Test
  void rejectsUnsignedTypesForSymmetricAndInt32Everywhere() {
    assertRejected(
        () -> RangeQuantizer.symmetric(-1f, 1f, QuantType.UINT8), "type", "signed", "uint8");
    assertRejected(
        () -> RangeQuantizer.asymmetric(-1f, 1f, QuantType.INT32), "type", "16 bits", "int32");
  }

  @Test
  void rejectsRangesWhoseScaleIsNotARepresentablePositiveFloat() {
    assertRejected(
        () -> RangeQuantizer.asymmetric(0f, Float.MIN_VALUE, QuantType.UINT8),
        "range",
        "scale 0.0");
    assertRejected(
        () -> RangeQuantizer.asymmetric(-3e38f, 3e38f, QuantType.UINT8), "range", "Infinity");
  }

  @Test
  void perRowRejectsBadMatrices() {
    assertRejected(
        () -> RangeQuantizer.perRowSymmetric(new float[5], 2, 3, QuantType.INT8),
        "matrix",
        "6",
        "5");
    assertRejected(
        () -> RangeQuantizer.perRowSymmetric(new float[0], 0, 3, QuantType.INT8),
        "matrix",
        "rows 0");
    assertRejected(
        () -> RangeQuantizer.perRowAsymmetric(new float[] {1f, Float.NaN}, 1, 2, QuantType.UINT8),
        "matrix",
        "NaN",
        "row 0, column 1");
  }
}
