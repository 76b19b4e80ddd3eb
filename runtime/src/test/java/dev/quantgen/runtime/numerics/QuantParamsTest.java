package dev.quantgen.runtime.numerics;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** {@link QuantParams}: validated factories delegating to the ONNX-shaped operators. */
class QuantParamsTest {

  @Test
  void perTensorQuantizesAndDequantizesLikeTheOnnxOperators() {
    QuantParams params = QuantParams.perTensor(0.5f, 3, QuantType.INT8);
    FloatTensor x = FloatTensor.of(Shape.of(4), 0.25f, 0.75f, -1f, 100f);
    IntTensor q = params.quantize(x);
    assertArrayEquals(
        new int[] {3, 5, 1, 127}, q.toArray()); // 0.5 -> 0, 1.5 -> 2, -2, 200 saturates
    assertEquals(
        q,
        QuantizeLinear.apply(
            x, FloatTensor.scalar(0.5f), IntTensor.scalar(QuantType.INT8, 3), 0, 0, null));
    assertArrayEquals(new float[] {0f, 1f, -1f, 62f}, params.dequantize(q).toArray());
    assertEquals(QuantParams.Granularity.PER_TENSOR, params.granularity());
  }

  @Test
  void perAxisWithANegativeAxis() {
    QuantParams params =
        QuantParams.perAxis(-1, new float[] {1f, 0.5f}, new int[] {0, -8}, QuantType.INT4);
    IntTensor q = params.quantize(FloatTensor.of(Shape.of(2, 2), 3f, 3f, -3f, 9f));
    assertArrayEquals(new int[] {3, -2, -3, 7}, q.toArray());
    assertArrayEquals(new float[] {3f, 3f, -3f, 7.5f}, params.dequantize(q).toArray());
    assertEquals(QuantParams.Granularity.PER_AXIS, params.granularity());
    assertEquals(-1, params.axis());
  }

  @Test
  void blockedWithAShortLastBlock() {
    QuantParams params =
        QuantParams.blocked(
            1,
            2,
            FloatTensor.of(Shape.of(1, 2), 1f, 4f),
            IntTensor.of(Shape.of(1, 2), QuantType.UINT8, 10, 0));
    IntTensor q = params.quantize(FloatTensor.of(Shape.of(1, 3), -1f, 2f, 10f));
    assertArrayEquals(new int[] {9, 12, 2}, q.toArray());
    assertArrayEquals(new float[] {-1f, 2f, 8f}, params.dequantize(q).toArray());
    assertEquals(2, params.blockSize());
  }

  @Test
  void equalParametersAreEqual() {
    assertEquals(
        QuantParams.perTensor(0.5f, 3, QuantType.INT8),
        QuantParams.perTensor(0.5f, 3, QuantType.INT8));
    assertEquals(
        QuantParams.perTensor(0.5f, 3, QuantType.INT8).hashCode(),
        QuantParams.perTensor(0.5f, 3, QuantType.INT8).hashCode());
    assertNotEquals(
        QuantParams.perTensor(0.5f, 3, QuantType.INT8),
        QuantParams.perTensor(0.5f, 3, QuantType.INT16));
  }

  @Test
  void rejectsAZeroPointOutsideItsType() {
    assertRejected(
        () -> QuantParams.perTensor(1f, 256, QuantType.UINT8), "zeroPoint", "256", "0..255");
    assertRejected(() -> QuantParams.perTensor(1f, -1, QuantType.UINT8), "zeroPoint", "-1");
    assertRejected(
        () -> QuantParams.perAxis(0, new float[] {1f, 1f}, new int[] {0, 8}, QuantType.INT4),
        "zeroPoint",
        "8",
        "-8..7",
        "index 1");
  }

  @Test
  void rejectsAScaleThatIsNotFiniteAndPositive() {
    for (float bad :
        new float[] {0f, -2f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}) {
      assertRejected(
          () -> QuantParams.perTensor(bad, 0, QuantType.INT8), "scale", String.valueOf(bad));
      assertRejected(
          () -> QuantParams.perAxis(0, new float[] {1f, bad}, new int[2], QuantType.INT8),
          "scale",
          String.valueOf(bad),
          "index 1");
    }
  }

  @Test
  void rejectsMismatchedOrEmptyPerAxisArrays() {
    assertRejected(
        () -> QuantParams.perAxis(0, new float[] {1f, 1f}, new int[3], QuantType.INT8),
        "zeroPoints",
        "2",
        "3");
    assertRejected(
        () -> QuantParams.perAxis(0, new float[0], new int[0], QuantType.INT8),
        "zeroPoints",
        "at least one");
  }

  @Test
  void rejectsANonPositiveBlockSizeAndMisshapenBlockedZeroPoints() {
    FloatTensor scales = FloatTensor.of(Shape.of(1, 2), 1f, 1f);
    IntTensor zeroPoints = IntTensor.of(Shape.of(1, 2), QuantType.INT8, 0, 0);
    assertRejected(() -> QuantParams.blocked(1, 0, scales, zeroPoints), "blockSize", "0");
    assertRejected(
        () -> QuantParams.blocked(1, 2, scales, IntTensor.of(Shape.of(2), QuantType.INT8, 0, 0)),
        "zeroPoints",
        "[1, 2]",
        "[2]");
  }

  @Test
  void rejectsAnAxisOrBlockSizeThatDoesNotFitTheTensor() {
    QuantParams perAxis = QuantParams.perAxis(2, new float[] {1f, 1f}, new int[2], QuantType.INT8);
    assertRejected(
        () -> perAxis.quantize(FloatTensor.of(Shape.of(2, 2), new float[4])), "axis", "2");
    QuantParams blocked =
        QuantParams.blocked(
            1,
            4,
            FloatTensor.of(Shape.of(1, 2), 1f, 1f),
            IntTensor.of(Shape.of(1, 2), QuantType.INT8, 0, 0));
    assertRejected(
        () -> blocked.quantize(FloatTensor.of(Shape.of(1, 3), new float[3])),
        "blockSize",
        "[2, 2]");
  }

  @Test
  void rejectsDequantizingAnotherType() {
    assertRejected(
        () ->
            QuantParams.perTensor(1f, 0, QuantType.INT8)
                .dequantize(IntTensor.scalar(QuantType.UINT8, 1)),
        "q",
        "int8",
        "uint8");
  }
}
