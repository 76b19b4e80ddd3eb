package dev.quantgen.runtime.numerics;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link QuantizeLinear}: ONNX semantics, docs/numerics.md#1-quantize-and-dequantize. */
class QuantizeLinearTest {

  private static int[] quantize(float[] x, float scale, int zeroPoint, QuantType type) {
    return QuantizeLinear.apply(
            FloatTensor.of(Shape.of(x.length), x),
            FloatTensor.scalar(scale),
            IntTensor.scalar(type, zeroPoint),
            1,
            0,
            null)
        .toArray();
  }

  @Test
  void roundsTiesToEven() {
    // Math.round or floor(v + 0.5) would give 1, 3, 3, 0, -1, -2 for the ties below.
    float[] x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 0.49999997f};
    assertArrayEquals(new int[] {0, 2, 2, 0, -2, -2, 4, 0}, quantize(x, 1f, 0, QuantType.INT8));
  }

  @Test
  void roundsBeforeAddingAnOddZeroPoint() {
    // 3 / 2 = 1.5 -> 2, then + 32767 = 32769; adding first would round 32768.5 to 32768.
    float[] x = {3f, 1f, -1f, 5f, -3f};
    assertArrayEquals(
        new int[] {32769, 32767, 32767, 32769, 32765}, quantize(x, 2f, 32767, QuantType.UINT16));
    assertArrayEquals(
        new int[] {4, 2, 2, 4, 0},
        quantize(x, 2f, 2, QuantType.INT4),
        "even zero point, same ties");
  }

  @Test
  void dividesByTheScaleRatherThanMultiplyingByItsReciprocal() {
    // Search (seeded) for x near a .5 boundary of x / s where x * (1 / s) lands on the other side.
    Random random = new Random(42);
    int found = 0;
    for (int i = 0; i < 100_000 && found < 20; i++) {
      float s = 0.001f + random.nextFloat();
      float x = (float) ((random.nextInt(200) - 100 + 0.5) * s);
      float quotient =
          (float) ((double) x / s); // the correctly rounded float32 quotient, via double
      if (Math.rint(quotient) == Math.rint(x * (1f / s))) {
        continue;
      }
      found++;
      int[] q = quantize(new float[] {x}, s, 0, QuantType.INT16);
      assertEquals((int) Math.rint(quotient), q[0], "x " + x + ", s " + s);
      assertNotEquals((int) Math.rint(x * (1f / s)), q[0]);
    }
    assertEquals(20, found, "the search finds such pairs");
  }

  @Test
  void saturatesAtEveryTypesEndsWithoutWrapping() {
    for (QuantType type : QuantType.values()) {
      float[] x = {1e10f, -1e10f, type.max() + 1f, type.min() - 1f, type.max(), type.min()};
      int[] q = quantize(x, 1f, 0, type);
      assertArrayEquals(
          new int[] {type.max(), type.min(), type.max(), type.min(), type.max(), type.min()},
          q,
          type.onnxName());
    }
    assertArrayEquals(
        new int[] {255, 0, 255}, quantize(new float[] {300f, -1f, 256f}, 1f, 0, QuantType.UINT8));
    assertArrayEquals(
        new int[] {-128, 127}, quantize(new float[] {-1000f, 128f}, 1f, 0, QuantType.INT8));
    assertArrayEquals(
        new int[] {-8, 7, 7}, quantize(new float[] {-9f, 8f, 100f}, 1f, 0, QuantType.INT4));
    assertArrayEquals(
        new int[] {0, 15, 15}, quantize(new float[] {-11f, 16f, 5f}, 1f, 10, QuantType.UINT4));
  }

  @Test
  void nanQuantizesToTheZeroPointAndInfinitiesSaturate() {
    float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    assertArrayEquals(new int[] {128, 255, 0}, quantize(x, 0.1f, 128, QuantType.UINT8));
    assertArrayEquals(new int[] {-3, 127, -128}, quantize(x, 0.1f, -3, QuantType.INT8));
    IntTensor q =
        QuantizeLinear.apply(
            FloatTensor.of(Shape.of(1), Float.NaN),
            FloatTensor.scalar(0.5f),
            IntTensor.scalar(QuantType.INT8, 7),
            0,
            0,
            null);
    assertEquals(
        0f,
        DequantizeLinear.apply(
                q, FloatTensor.scalar(0.5f), IntTensor.scalar(QuantType.INT8, 7), 0, 0, null)
            .get(0),
        "NaN comes back as 0");
  }

  @Test
  void perAxisCountsNegativeAxesFromTheEnd() {
    FloatTensor x = FloatTensor.of(Shape.of(2, 3), 4, 4, 4, 8, 8, 8);
    FloatTensor columnScales = FloatTensor.of(Shape.of(3), 1, 2, 4);
    int[] expected = {4, 2, 1, 8, 4, 2};
    assertArrayEquals(expected, QuantizeLinear.apply(x, columnScales, null, -1, 0, null).toArray());
    assertArrayEquals(expected, QuantizeLinear.apply(x, columnScales, null, 1, 0, null).toArray());
    FloatTensor rowScales = FloatTensor.of(Shape.of(2), 1, 2);
    assertArrayEquals(
        new int[] {4, 4, 4, 4, 4, 4},
        QuantizeLinear.apply(x, rowScales, null, -2, 0, null).toArray());
  }

  @Test
  void perAxisOnAMiddleAxisWithZeroPoints() {
    float[] eights = new float[12];
    java.util.Arrays.fill(eights, 8f);
    FloatTensor x = FloatTensor.of(Shape.of(2, 3, 2), eights);
    IntTensor zeroPoints = IntTensor.of(Shape.of(3), QuantType.INT4, -1, 0, 1);
    int[] expected = {7, 7, 4, 4, 3, 3, 7, 7, 4, 4, 3, 3}; // 8 -> 7 saturates; 4 + 0; 2 + 1
    assertArrayEquals(
        expected,
        QuantizeLinear.apply(x, FloatTensor.of(Shape.of(3), 1, 2, 4), zeroPoints, -2, 0, null)
            .toArray());
  }

  @Test
  void blockedWithAShortLastBlock() {
    // D = 5, block 2: blocks {0,1}, {2,3}, {4}.
    FloatTensor x = FloatTensor.of(Shape.of(2, 5), 1, 2, 3, 4, 5, 1, -1, 3, -3, 25);
    FloatTensor scales = FloatTensor.of(Shape.of(2, 3), 1, 2, 4, 0.5f, 1, 10);
    IntTensor zeroPoints = IntTensor.of(Shape.of(2, 3), QuantType.INT8, 0, 1, -1, 2, 0, 0);
    int[] expected = {1, 2, 3, 3, 0, 4, 0, 3, -3, 2};
    assertArrayEquals(expected, QuantizeLinear.apply(x, scales, zeroPoints, 1, 2, null).toArray());
    assertArrayEquals(expected, QuantizeLinear.apply(x, scales, zeroPoints, -1, 2, null).toArray());
  }

  @Test
  void blockedAlongTheFirstAxis() {
    FloatTensor x = FloatTensor.of(Shape.of(5, 2), 1, 10, 2, 20, 3, 30, 4, 40, 5, 50);
    FloatTensor scales = FloatTensor.of(Shape.of(3, 2), 1, 10, 2, 20, 4, 40);
    assertArrayEquals(
        new int[] {1, 1, 2, 2, 2, 2, 2, 2, 1, 1},
        QuantizeLinear.apply(x, scales, null, 0, 2, null).toArray());
  }

  @Test
  void float16InputAndScaleDivideInHalfPrecision() {
    // 6148 / 3 = 2049.33: float32 keeps it (rint -> 2049); float16 rounds it to 2050 first (spacing
    // 2).
    FloatTensor halfScale = FloatTensor.of(Shape.scalar(), FloatType.FLOAT16, 3f);
    FloatTensor halfX = FloatTensor.of(Shape.of(1), FloatType.FLOAT16, 6148f);
    assertEquals(2050, QuantizeLinear.apply(halfX, halfScale, null, 0, 0, QuantType.INT16).get(0));
    FloatTensor floatX = FloatTensor.of(Shape.of(1), 6148f);
    assertEquals(
        2049,
        QuantizeLinear.apply(floatX, halfScale, null, 0, 0, QuantType.INT16).get(0),
        "float32 / float16 is a float32 division");
    assertEquals(
        2049,
        QuantizeLinear.apply(halfX, FloatTensor.scalar(3f), null, 0, 0, QuantType.INT16).get(0));
  }

  @Test
  void outputTypeComesFromTheZeroPointThenOutputTypeThenUint8() {
    FloatTensor x = FloatTensor.of(Shape.of(2), 100f, -100f);
    assertEquals(
        QuantType.UINT8, QuantizeLinear.apply(x, FloatTensor.scalar(1f), null, 0, 0, null).type());
    IntTensor int4 = QuantizeLinear.apply(x, FloatTensor.scalar(1f), null, 0, 0, QuantType.INT4);
    assertEquals(QuantType.INT4, int4.type());
    assertArrayEquals(new int[] {7, -8}, int4.toArray());
    IntTensor int16 =
        QuantizeLinear.apply(
            x, FloatTensor.scalar(1f), IntTensor.scalar(QuantType.INT16, 0), 0, 0, QuantType.INT16);
    assertArrayEquals(new int[] {100, -100}, int16.toArray());
  }

  @Test
  void perTensorIgnoresTheAxisEvenOutOfRange() {
    FloatTensor x = FloatTensor.of(Shape.of(3), 1, 2, 3);
    int[] expected = {2, 4, 6};
    assertArrayEquals(
        expected, QuantizeLinear.apply(x, FloatTensor.scalar(0.5f), null, 1, 0, null).toArray());
    assertArrayEquals(
        expected,
        QuantizeLinear.apply(x, FloatTensor.of(Shape.of(1), 0.5f), null, 99, 0, null).toArray());
    assertArrayEquals(
        expected,
        QuantizeLinear.apply(
                x,
                FloatTensor.of(Shape.of(1, 1), 0.5f),
                IntTensor.of(Shape.of(1), QuantType.UINT8, 0),
                -7,
                0,
                null)
            .toArray(),
        "one-element zero point of another rank");
  }

  @Test
  void keepsTheShapeOfX() {
    FloatTensor x = FloatTensor.of(Shape.of(1, 2, 1), 1, 2);
    assertEquals(
        Shape.of(1, 2, 1),
        QuantizeLinear.apply(x, FloatTensor.scalar(1f), null, 1, 0, null).shape());
    assertEquals(
        0,
        QuantizeLinear.apply(FloatTensor.of(Shape.of(0)), FloatTensor.scalar(1f), null, 0, 0, null)
            .size());
  }

  // ---- bad input ----

  @Test
  void rejectsAScaleThatIsNotFiniteAndPositive() {
    FloatTensor x = FloatTensor.of(Shape.of(2), 1, 2);
    for (float bad : new float[] {0f, -0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      assertRejected(
          () -> QuantizeLinear.apply(x, FloatTensor.scalar(bad), null, 0, 0, null),
          "scale",
          String.valueOf(bad),
          "> 0");
    }
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(2), 1f, -2f), null, 0, 0, null),
        "scale",
        "-2.0",
        "index 1");
  }

  @Test
  void rejectsAZeroPointShapedUnlikeTheScale() {
    FloatTensor x = FloatTensor.of(Shape.of(2, 3), new float[6]);
    assertRejected(
        () ->
            QuantizeLinear.apply(
                x,
                FloatTensor.of(Shape.of(3), 1, 1, 1),
                IntTensor.of(Shape.of(2), QuantType.UINT8, 0, 0),
                1,
                0,
                null),
        "zeroPoint",
        "[3]",
        "[2]");
    assertRejected(
        () ->
            QuantizeLinear.apply(
                x,
                FloatTensor.scalar(1f),
                IntTensor.of(Shape.of(3), QuantType.UINT8, 0, 0, 0),
                1,
                0,
                null),
        "zeroPoint",
        "[]",
        "[3]");
  }

  @Test
  void rejectsAScaleShapeMatchingNoGranularity() {
    FloatTensor x = FloatTensor.of(Shape.of(2, 3), new float[6]);
    assertRejected(
        () ->
            QuantizeLinear.apply(
                x, FloatTensor.of(Shape.of(2, 3), 1, 1, 1, 1, 1, 1), null, 1, 0, null),
        "scale",
        "[2, 3]",
        "no granularity");
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(4), 1, 1, 1, 1), null, 1, 0, null),
        "scale",
        "[4]",
        "[3]");
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(2), 1, 1), null, 1, 2, null),
        "scale",
        "rank 2");
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(1, 2), 1, 1), null, 1, 2, null),
        "scale",
        "[1, 2]",
        "axis 0");
  }

  @Test
  void rejectsAnAxisOutOfRangeForPerAxisAndBlockedScales() {
    FloatTensor x = FloatTensor.of(Shape.of(2, 3), new float[6]);
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(3), 1, 1, 1), null, 2, 0, null),
        "axis",
        "2",
        "-2..1");
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(3), 1, 1, 1), null, -3, 0, null),
        "axis",
        "-3");
    assertRejected(
        () -> QuantizeLinear.apply(x, FloatTensor.of(Shape.of(2, 2), 1, 1, 1, 1), null, 5, 2, null),
        "axis",
        "5");
  }

  @Test
  void rejectsABlockSizeThatDoesNotGiveTheScalesBlockCount() {
    FloatTensor x = FloatTensor.of(Shape.of(2, 5), new float[10]);
    FloatTensor threeBlocks = FloatTensor.of(Shape.of(2, 3), 1, 1, 1, 1, 1, 1);
    assertRejected(
        () -> QuantizeLinear.apply(x, threeBlocks, null, 1, 1, null),
        "blockSize",
        "[2, 2]",
        "got 1");
    assertRejected(
        () -> QuantizeLinear.apply(x, threeBlocks, null, 1, 3, null),
        "blockSize",
        "[2, 2]",
        "got 3");
    FloatTensor oneBlock = FloatTensor.of(Shape.of(2, 1), 1, 1);
    assertRejected(
        () -> QuantizeLinear.apply(x, oneBlock, null, 1, 4, null), "blockSize", "[5, infinity)");
    assertEquals(10, QuantizeLinear.apply(x, oneBlock, null, 1, 5, null).size());
    FloatTensor seven = FloatTensor.of(Shape.of(1, 7), new float[7]);
    FloatTensor twoBlocks = FloatTensor.of(Shape.of(1, 2), 1, 1);
    for (int valid = 4; valid <= 6; valid++) {
      assertEquals(7, QuantizeLinear.apply(seven, twoBlocks, null, 1, valid, null).size());
    }
    assertRejected(
        () -> QuantizeLinear.apply(seven, twoBlocks, null, 1, 7, null),
        "blockSize",
        "[4, 6]",
        "got 7");
    assertRejected(
        () -> QuantizeLinear.apply(seven, twoBlocks, null, 1, -2, null), "blockSize", "-2");
  }

  @Test
  void rejectsAnOutputTypeDisagreeingWithTheZeroPoint() {
    assertRejected(
        () ->
            QuantizeLinear.apply(
                FloatTensor.of(Shape.of(1), 1f),
                FloatTensor.scalar(1f),
                IntTensor.scalar(QuantType.INT8, 0),
                0,
                0,
                QuantType.UINT8),
        "outputType",
        "int8",
        "uint8");
  }

  @Test
  void zeroPointsOutsideTheirTypeCannotBeBuilt() {
    assertRejected(() -> IntTensor.scalar(QuantType.UINT8, 256), "256", "0..255");
    assertRejected(() -> IntTensor.scalar(QuantType.INT4, -9), "-9", "-8..7");
  }
}
