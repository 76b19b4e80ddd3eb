package dev.quantgen.quantize.reference;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import org.junit.jupiter.api.Test;

/** {@link DynamicQuantizeLinear}: uint8, range widened to 0, all float32, ONNX semantics. */
class DynamicQuantizeLinearTest {

  private static DynamicQuantizeLinear.Result quantize(float... x) {
    return DynamicQuantizeLinear.apply(FloatTensor.of(Shape.of(x.length), x));
  }

  @Test
  void dividesByTheScaleWhereTheReciprocalWouldBeOffByOne() {
    // ONNX test_dynamicquantizelinear: -2.5 / s = -127.49999 -> -127 + 153 = 26, while -2.5 * (1 /
    // s)
    // rounds to -128 and gives 25.
    DynamicQuantizeLinear.Result r = quantize(0f, 2f, -3f, -2.5f, 1.34f, 0.5f);
    assertEquals(0x3ca0a0a1, Float.floatToIntBits(r.scale()));
    assertEquals(153, r.zeroPoint());
    assertArrayEquals(new int[] {153, 255, 0, 26, 221, 179}, r.y().toArray());
    assertEquals(QuantType.UINT8, r.y().type());
    assertEquals(-128.0, Math.rint(-2.5f * (1f / r.scale())), "the trap is real");
  }

  @Test
  void widensAnAllPositiveRangeToZero() {
    DynamicQuantizeLinear.Result r = quantize(1f, 2f, 3f);
    assertEquals(3f / 255f, r.scale());
    assertEquals(0, r.zeroPoint());
    assertArrayEquals(new int[] {85, 170, 255}, r.y().toArray());
  }

  @Test
  void widensAnAllNegativeRangeToZero() {
    DynamicQuantizeLinear.Result r = quantize(-3f, -2f, -1f);
    assertEquals(3f / 255f, r.scale());
    assertEquals(255, r.zeroPoint());
    assertArrayEquals(new int[] {0, 85, 170}, r.y().toArray());
  }

  @Test
  void allZeroInputUsesScaleOneOver255AndZeroPointZero() {
    DynamicQuantizeLinear.Result r =
        DynamicQuantizeLinear.apply(FloatTensor.of(Shape.of(2, 2), 0f, -0f, 0f, 0f));
    assertEquals(1f / 255f, r.scale());
    assertEquals(0, r.zeroPoint());
    assertArrayEquals(new int[4], r.y().toArray());
    assertEquals(Shape.of(2, 2), r.y().shape());
  }

  @Test
  void rejectsNaNAndInfinities() {
    assertRejected(() -> quantize(1f, Float.NaN), "x", "NaN", "index 1");
    assertRejected(() -> quantize(Float.NEGATIVE_INFINITY), "x", "Infinity", "index 0");
  }

  @Test
  void rejectsNonFloat32EmptyAndUnrepresentablyWideInput() {
    assertRejected(
        () -> DynamicQuantizeLinear.apply(FloatTensor.of(Shape.of(1), FloatType.FLOAT16, 1f)),
        "x",
        "float32",
        "float16");
    assertRejected(
        () -> DynamicQuantizeLinear.apply(FloatTensor.of(Shape.of(0))), "x", "at least one");
    assertRejected(() -> quantize(3e38f, -3e38f), "x", "range", "3.0E38");
  }
}
