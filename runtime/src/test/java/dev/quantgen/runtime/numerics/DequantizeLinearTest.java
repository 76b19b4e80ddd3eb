package dev.quantgen.runtime.numerics;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link DequantizeLinear}: {@code y = fl32(fl32(x - zp) * s)}, ONNX semantics. */
class DequantizeLinearTest {

  @Test
  void roundsOnceNotTwice() {
    // x * s - zp * s rounds each product and the difference; (x - zp) * s rounds once.
    Random random = new Random(99);
    int found = 0;
    for (int i = 0; i < 100_000 && found < 20; i++) {
      int q = random.nextInt(65536) - 32768;
      int zp = random.nextInt(65536) - 32768;
      float s = random.nextFloat() * 0.01f + 1e-4f;
      float once = (float) ((double) (q - zp) * s); // 17-bit times 24-bit is exact in double
      float twice = q * s - zp * s;
      if (Float.floatToIntBits(once) == Float.floatToIntBits(twice)) {
        continue;
      }
      found++;
      FloatTensor y =
          DequantizeLinear.apply(
              IntTensor.of(Shape.of(1), QuantType.INT16, q),
              FloatTensor.scalar(s),
              IntTensor.scalar(QuantType.INT16, zp),
              0,
              0,
              null);
      assertEquals(
          Float.floatToIntBits(once),
          Float.floatToIntBits(y.get(0)),
          q + " - " + zp + " times " + s);
      assertNotEquals(Float.floatToIntBits(twice), Float.floatToIntBits(y.get(0)));
    }
    assertEquals(20, found, "the search finds such cases");
  }

  @Test
  void int4AndUint4WithAOneElementZeroPoint() {
    IntTensor int4 = IntTensor.of(Shape.of(5), QuantType.INT4, -8, -1, 0, 7, 3);
    assertArrayEquals(
        new float[] {-4.5f, -1f, -0.5f, 3f, 1f},
        DequantizeLinear.apply(
                int4,
                FloatTensor.scalar(0.5f),
                IntTensor.of(Shape.of(1), QuantType.INT4, 1),
                0,
                0,
                null)
            .toArray());
    IntTensor uint4 = IntTensor.of(Shape.of(3), QuantType.UINT4, 0, 8, 15);
    assertArrayEquals(
        new float[] {-2f, 0f, 1.75f},
        DequantizeLinear.apply(
                uint4,
                FloatTensor.scalar(0.25f),
                IntTensor.of(Shape.of(1), QuantType.UINT4, 8),
                0,
                0,
                null)
            .toArray());
  }

  @Test
  void perAxisWithANegativeAxis() {
    IntTensor x = IntTensor.of(Shape.of(2, 3), QuantType.UINT8, 0, 10, 128, 255, 20, 130);
    FloatTensor scales = FloatTensor.of(Shape.of(3), 1f, 0.5f, 2f);
    IntTensor zeroPoints = IntTensor.of(Shape.of(3), QuantType.UINT8, 0, 10, 128);
    assertArrayEquals(
        new float[] {0, 0, 0, 255, 5, 4},
        DequantizeLinear.apply(x, scales, zeroPoints, -1, 0, null).toArray());
  }

  @Test
  void blockedWithAShortLastBlock() {
    IntTensor x = IntTensor.of(Shape.of(1, 5), QuantType.INT8, 1, 2, 3, 4, 5);
    FloatTensor scales = FloatTensor.of(Shape.of(1, 3), 1, 2, 4);
    IntTensor zeroPoints = IntTensor.of(Shape.of(1, 3), QuantType.INT8, 0, 1, -1);
    assertArrayEquals(
        new float[] {1, 2, 4, 6, 24},
        DequantizeLinear.apply(x, scales, zeroPoints, 1, 2, null).toArray());
  }

  @Test
  void float16OutputIsTheFloat32ResultRoundedToHalf() {
    IntTensor x = IntTensor.of(Shape.of(2), QuantType.UINT8, 1, 3);
    FloatTensor y =
        DequantizeLinear.apply(x, FloatTensor.scalar(0.1f), null, 0, 0, FloatType.FLOAT16);
    assertEquals(FloatType.FLOAT16, y.type());
    assertArrayEquals(new float[] {Half.round(0.1f), Half.round(3 * 0.1f)}, y.toArray());
    assertNotEquals(0.1f, y.get(0), "really rounded to half");

    FloatTensor halfScale =
        FloatTensor.of(Shape.scalar(), FloatType.FLOAT16, 0.1f); // 0.0999755859375
    FloatTensor byDefault = DequantizeLinear.apply(x, halfScale, null, 0, 0, null);
    assertEquals(FloatType.FLOAT16, byDefault.type(), "the scale's type by default");
    float product = 3 * halfScale.get(0);
    assertNotEquals(product, Half.round(product), "this product is not a half");
    assertEquals(Half.round(product), byDefault.get(1));
    assertEquals(
        product, DequantizeLinear.apply(x, halfScale, null, 0, 0, FloatType.FLOAT32).get(1));
  }

  @Test
  void int32InputConvertsOnceToFloat() {
    IntTensor x = IntTensor.of(Shape.of(2), QuantType.INT32, (1 << 24) + 1, Integer.MIN_VALUE);
    assertArrayEquals(
        new float[] {16777216f, -2147483648f},
        DequantizeLinear.apply(x, FloatTensor.scalar(1f), null, 0, 0, null).toArray());
  }

  @Test
  void rejectsAZeroPointOfAnotherTypeThanX() {
    assertRejected(
        () ->
            DequantizeLinear.apply(
                IntTensor.of(Shape.of(1), QuantType.INT8, 1),
                FloatTensor.scalar(1f),
                IntTensor.scalar(QuantType.UINT8, 0),
                0,
                0,
                null),
        "zeroPoint",
        "int8",
        "uint8");
  }

  @Test
  void rejectsTheSameScaleAndLayoutErrorsAsQuantizeLinear() {
    IntTensor x = IntTensor.of(Shape.of(2, 5), QuantType.INT8, new int[10]);
    assertRejected(
        () -> DequantizeLinear.apply(x, FloatTensor.scalar(0f), null, 0, 0, null), "scale", "0.0");
    assertRejected(
        () ->
            DequantizeLinear.apply(
                x, FloatTensor.of(Shape.of(2, 3), 1, 1, 1, 1, 1, 1), null, 1, 1, null),
        "blockSize",
        "[2, 2]");
    assertRejected(
        () ->
            DequantizeLinear.apply(x, FloatTensor.of(Shape.of(5), 1, 1, 1, 1, 1), null, 2, 0, null),
        "axis",
        "2");
  }
}
