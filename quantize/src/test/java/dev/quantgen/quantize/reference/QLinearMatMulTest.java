package dev.quantgen.quantize.reference;

import static dev.quantgen.quantize.reference.MatMulIntegerTest.random;
import static dev.quantgen.quantize.reference.MatMulIntegerTest.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QLinearMatMulTest {
  private static FloatTensor f32(float... v) {
    return FloatTensor.of(Shape.of(v.length), v);
  }

  private static FloatTensor f16(float... v) {
    return FloatTensor.of(Shape.of(v.length), FloatType.FLOAT16, v);
  }

  private static IntTensor u8(int v) {
    return IntTensor.scalar(QuantType.UINT8, v);
  }

  private static IntTensor i8(int v) {
    return IntTensor.scalar(QuantType.INT8, v);
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void onnxExample2dUint8Float32() {
    IntTensor a = t(QuantType.UINT8, new int[] {2, 4}, 208, 236, 0, 238, 3, 214, 255, 29);
    IntTensor b =
        t(QuantType.UINT8, new int[] {4, 3}, 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247);
    IntTensor y =
        QLinearMatMul.apply(
            a, f32(0.0066f), u8(113), b, f32(0.00705f), u8(114), f32(0.0107f), u8(118));
    assertEquals(QuantType.UINT8, y.type());
    assertArrayEquals(new int[] {168, 115, 255, 1, 66, 151}, y.toArray());
  }

  @Test
  void roundsHalfToEvenBeforeAddingTheZeroPoint() {
    // acc = 1, 5, -5, 3, 7 and M = 0.5: 0.5 -> 0, 2.5 -> 2, -2.5 -> -2, 1.5 -> 2, 3.5 -> 4
    IntTensor a = t(QuantType.INT8, new int[] {5, 1}, 1, 5, -5, 3, 7);
    IntTensor b = t(QuantType.INT8, new int[] {1, 1}, 1);
    IntTensor y = QLinearMatMul.apply(a, f32(0.5f), i8(0), b, f32(1f), i8(0), f32(1f), i8(11));
    assertArrayEquals(new int[] {11, 13, 9, 13, 15}, y.toArray());
  }

  @Test
  void saturatesToTheOutputTypeInsteadOfWrapping() {
    IntTensor a = t(QuantType.INT8, new int[] {2, 1}, 127, -128);
    IntTensor b = t(QuantType.INT8, new int[] {1, 1}, 127);
    IntTensor y8 = QLinearMatMul.apply(a, f32(1f), i8(0), b, f32(1f), i8(0), f32(1f), i8(0));
    assertArrayEquals(new int[] {127, -128}, y8.toArray());
    IntTensor yu8 = QLinearMatMul.apply(a, f32(1f), i8(0), b, f32(1f), i8(0), f32(1f), u8(10));
    assertArrayEquals(new int[] {255, 0}, yu8.toArray());
  }

  @Test
  void float16ScalesGiveAFloat16Multiplier() {
    // acc = 255 * -78 + 3 = -19887. In float16 M = 0.004352569580078125 -> -87; float32 M would
    // give -86.
    IntTensor a = t(QuantType.UINT8, new int[] {1, 2}, 255, 3);
    IntTensor b = t(QuantType.INT8, new int[] {2, 1}, -78, 1);
    IntTensor y16 =
        QLinearMatMul.apply(a, f16(0.0066f), u8(0), b, f16(0.00705f), i8(0), f16(0.0107f), i8(0));
    assertArrayEquals(new int[] {-87}, y16.toArray());
    float[] halves = {Half.round(0.0066f), Half.round(0.00705f), Half.round(0.0107f)};
    IntTensor y32 =
        QLinearMatMul.apply(
            a, f32(halves[0]), u8(0), b, f32(halves[1]), i8(0), f32(halves[2]), i8(0));
    assertArrayEquals(new int[] {-86}, y32.toArray());
  }

  @Test
  void perRowAScaleAndPerColumnBScaleOnBatchedInputs() {
    Random r = new Random(21);
    IntTensor a = random(r, QuantType.INT8, 2, 3, 4);
    IntTensor b = random(r, QuantType.UINT8, 4, 2);
    float[] sa = {0.01f, 0.02f, 0.005f};
    float[] sb = {0.03f, 0.002f};
    IntTensor za = t(QuantType.INT8, new int[] {2, 3, 1}, 1, -1, 2, 0, 5, -5);
    IntTensor zb = t(QuantType.UINT8, new int[] {2}, 128, 100);
    float sy = 0.05f;
    IntTensor y =
        QLinearMatMul.apply(a, f32(sa), za, b, f32(sb), zb, FloatTensor.scalar(sy), i8(-3));
    int[] acc = MatMulInteger.apply(a, b, za, zb).toArray();
    for (int i = 0; i < acc.length; i++) {
      int row = i / 2 % 3;
      int col = i % 2;
      float m = sa[row] * sb[col] / sy;
      int expected = (int) Math.max(-128, Math.min(127, Math.rint(acc[i] * (double) m) - 3));
      assertEquals(expected, y.get(i), "element " + i);
    }
  }

  @Test
  void rejectsBadScalesAndZeroPoints() {
    IntTensor a = t(QuantType.INT8, new int[] {2, 2}, 0, 0, 0, 0);
    assertEquals(
        "yScale: element 0 is 0.0, expected a finite scale > 0",
        message(() -> QLinearMatMul.apply(a, f32(1f), i8(0), a, f32(1f), i8(0), f32(0f), i8(0))));
    assertEquals(
        "aScale: element 1 is NaN, expected a finite scale > 0",
        message(
            () ->
                QLinearMatMul.apply(
                    a, f32(1f, Float.NaN), i8(0), a, f32(1f), i8(0), f32(1f), i8(0))));
    assertEquals(
        "bScale: type float16, expected float32 like the other scales",
        message(() -> QLinearMatMul.apply(a, f32(1f), i8(0), a, f16(1f), i8(0), f32(1f), i8(0))));
    assertEquals(
        "yScale: shape [2], expected one element (a per-tensor scale)",
        message(
            () -> QLinearMatMul.apply(a, f32(1f), i8(0), a, f32(1f), i8(0), f32(1f, 1f), i8(0))));
    assertEquals(
        "bScale: shape [3] does not fit b of matrix shape [2, 2]: expected one element (per-tensor) or [2] "
            + "or [..., 1, 2] (per column)",
        message(
            () ->
                QLinearMatMul.apply(a, f32(1f), i8(0), a, f32(1f, 1f, 1f), i8(0), f32(1f), i8(0))));
    assertEquals(
        "yZeroPoint: type int16, expected int8 or uint8",
        message(
            () ->
                QLinearMatMul.apply(
                    a,
                    f32(1f),
                    i8(0),
                    a,
                    f32(1f),
                    i8(0),
                    f32(1f),
                    IntTensor.scalar(QuantType.INT16, 0))));
    assertEquals(
        "requantization multiplier 100.0 * 100.0 / 0.015625 is Infinity in float16: expected a finite value > 0",
        message(
            () ->
                QLinearMatMul.apply(
                    a, f16(100f), i8(0), a, f16(100f), i8(0), f16(0.015625f), i8(0))));
    assertThrows(
        NullPointerException.class,
        () -> QLinearMatMul.apply(a, f32(1f), null, a, f32(1f), i8(0), f32(1f), i8(0)));
  }
}
