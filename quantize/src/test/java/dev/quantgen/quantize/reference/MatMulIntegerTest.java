package dev.quantgen.quantize.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatMulIntegerTest {
  static IntTensor t(QuantType type, int[] dims, int... values) {
    return IntTensor.of(Shape.of(dims), type, values);
  }

  static IntTensor random(Random r, QuantType type, int... dims) {
    int[] v = new int[Shape.of(dims).size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = type.min() + r.nextInt(type.max() - type.min() + 1);
    }
    return IntTensor.of(Shape.of(dims), type, v);
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void onnxExampleWithPerTensorZeroPoints() {
    IntTensor a = t(QuantType.UINT8, new int[] {4, 3}, 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0);
    IntTensor b = t(QuantType.UINT8, new int[] {3, 2}, 1, 4, 2, 5, 3, 6);
    IntTensor y =
        MatMulInteger.apply(
            a, b, t(QuantType.UINT8, new int[] {1}, 12), IntTensor.scalar(QuantType.UINT8, 0));
    assertEquals(QuantType.INT32, y.type());
    assertEquals(Shape.of(4, 2), y.shape());
    assertArrayEquals(new int[] {-38, -83, -44, -98, -50, -113, -56, -128}, y.toArray());
  }

  @Test
  void perRowZeroPointOfAAndPerColumnZeroPointOfB() {
    // A - [1, 2] per row = [[1, 2], [1, 2]]; B - [3, -1] per column = [[1, 2], [2, 1]]
    IntTensor a = t(QuantType.UINT8, new int[] {2, 2}, 2, 3, 3, 4);
    IntTensor b = t(QuantType.INT8, new int[] {2, 2}, 4, 1, 5, 0);
    IntTensor y =
        MatMulInteger.apply(
            a, b, t(QuantType.UINT8, new int[] {2}, 1, 2), t(QuantType.INT8, new int[] {2}, 3, -1));
    assertArrayEquals(new int[] {5, 4, 5, 4}, y.toArray());
  }

  @Test
  void perRowZeroPointIsNotBroadcastAlongK() {
    // M == K == 2: a numpy-style broadcast of [M] would subtract per column of A instead.
    IntTensor a = t(QuantType.INT8, new int[] {2, 2}, 10, 10, 20, 20);
    IntTensor b = t(QuantType.INT8, new int[] {2, 1}, 1, 0);
    IntTensor y = MatMulInteger.apply(a, b, t(QuantType.INT8, new int[] {2}, 10, 0), null);
    assertArrayEquals(new int[] {0, 20}, y.toArray());
  }

  @Test
  void randomPerRowAndPerColumnZeroPointsMatchANaiveSum() {
    Random r = new Random(11);
    for (int iter = 0; iter < 50; iter++) {
      QuantType ta = r.nextBoolean() ? QuantType.INT8 : QuantType.UINT8;
      QuantType tb = r.nextBoolean() ? QuantType.INT8 : QuantType.UINT8;
      int m = 1 + r.nextInt(5);
      int k = 1 + r.nextInt(7);
      int n = 1 + r.nextInt(5);
      IntTensor a = random(r, ta, m, k);
      IntTensor b = random(r, tb, k, n);
      IntTensor za = random(r, ta, m);
      IntTensor zb = random(r, tb, n);
      IntTensor y = MatMulInteger.apply(a, b, za, zb);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          long sum = 0;
          for (int p = 0; p < k; p++) {
            sum += (long) (a.get(i * k + p) - za.get(i)) * (b.get(p * n + j) - zb.get(j));
          }
          assertEquals(sum, y.get(i * n + j), "iteration " + iter + " at " + i + "," + j);
        }
      }
    }
  }

  @Test
  void batchAxesBroadcastAndZeroPointsMayVaryPerBatch() {
    Random r = new Random(5);
    IntTensor a = random(r, QuantType.INT8, 2, 1, 3, 4);
    IntTensor b = random(r, QuantType.UINT8, 3, 4, 2);
    IntTensor za = random(r, QuantType.INT8, 2, 1, 3, 1);
    IntTensor zb = random(r, QuantType.UINT8, 3, 1, 2);
    IntTensor y = MatMulInteger.apply(a, b, za, zb);
    assertEquals(Shape.of(2, 3, 3, 2), y.shape());
    for (int i0 = 0; i0 < 2; i0++) {
      for (int i1 = 0; i1 < 3; i1++) {
        // the 2-D product of the batch's matrices, each with its own per-row / per-column zero
        // points
        IntTensor a2 = slice(a, i0 * 12, 12, QuantType.INT8, 3, 4);
        IntTensor b2 = slice(b, i1 * 8, 8, QuantType.UINT8, 4, 2);
        IntTensor za2 = slice(za, i0 * 3, 3, QuantType.INT8, 3);
        IntTensor zb2 = slice(zb, i1 * 2, 2, QuantType.UINT8, 2);
        int[] expected = MatMulInteger.apply(a2, b2, za2, zb2).toArray();
        int[] actual = Arrays.copyOfRange(y.toArray(), (i0 * 3 + i1) * 6, (i0 * 3 + i1 + 1) * 6);
        assertArrayEquals(expected, actual, "batch " + i0 + "," + i1);
      }
    }
  }

  private static IntTensor slice(IntTensor t, int from, int count, QuantType type, int... dims) {
    return IntTensor.of(Shape.of(dims), type, Arrays.copyOfRange(t.toArray(), from, from + count));
  }

  @Test
  void oneDimensionalOperandsFollowNumpy() {
    IntTensor v = t(QuantType.INT8, new int[] {2}, 1, 2);
    IntTensor mat = t(QuantType.INT8, new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
    IntTensor rowTimesMatrix = MatMulInteger.apply(v, mat, null, null);
    assertEquals(Shape.of(3), rowTimesMatrix.shape());
    assertArrayEquals(new int[] {9, 12, 15}, rowTimesMatrix.toArray());
    IntTensor matrixTimesColumn =
        MatMulInteger.apply(t(QuantType.INT8, new int[] {3, 2}, 1, 2, 3, 4, 5, 6), v, null, null);
    assertEquals(Shape.of(3), matrixTimesColumn.shape());
    assertArrayEquals(new int[] {5, 11, 17}, matrixTimesColumn.toArray());
    IntTensor dot = MatMulInteger.apply(v, v, IntTensor.scalar(QuantType.INT8, 1), null);
    assertEquals(Shape.scalar(), dot.shape());
    assertEquals(2, dot.get(0)); // (1-1)*1 + (2-1)*2
  }

  @Test
  void extremeValuesOfEveryTypeMixAreExact() {
    IntTensor a = t(QuantType.UINT8, new int[] {1, 2}, 255, 0);
    IntTensor b = t(QuantType.INT8, new int[] {2, 1}, -128, 127);
    IntTensor y =
        MatMulInteger.apply(
            a, b, IntTensor.scalar(QuantType.UINT8, 0), IntTensor.scalar(QuantType.INT8, 127));
    assertEquals(255 * -255, y.get(0));
  }

  @Test
  void accumulatorWrapsLikeInt32() {
    int k = 33_100; // 33,100 * 255 * 255 = 2,152,327,500 > Integer.MAX_VALUE
    int[] ones = new int[k];
    Arrays.fill(ones, 255);
    IntTensor a = IntTensor.of(Shape.of(1, k), QuantType.UINT8, ones);
    IntTensor b = IntTensor.of(Shape.of(k, 1), QuantType.UINT8, ones);
    assertEquals((int) (33_100L * 255 * 255), MatMulInteger.apply(a, b, null, null).get(0));
    assertEquals(-2_142_639_796, MatMulInteger.apply(a, b, null, null).get(0));
  }

  @Test
  void rejectsOperandsThatDoNotFit() {
    IntTensor a23 = t(QuantType.INT8, new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
    IntTensor b23 = t(QuantType.INT8, new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
    assertEquals(
        "b: shape [2, 3] has 2 rows, but a of shape [2, 3] has 3 columns: expected equal inner dimensions K",
        message(() -> MatMulInteger.apply(a23, b23, null, null)));
    IntTensor a2 = t(QuantType.INT8, new int[] {2, 1, 1}, 0, 0);
    IntTensor b3 = t(QuantType.INT8, new int[] {3, 1, 1}, 0, 0, 0);
    assertEquals(
        "b: shape [3, 1, 1] does not broadcast with a of shape [2, 1, 1]: batch dimensions 2 and 3 differ "
            + "and neither is 1",
        message(() -> MatMulInteger.apply(a2, b3, null, null)));
    assertEquals(
        "a: shape [] is a scalar, expected at least one axis (matmul has no scalar operands)",
        message(() -> MatMulInteger.apply(IntTensor.scalar(QuantType.INT8, 1), b23, null, null)));
    assertEquals(
        "a: type int16, expected int8 or uint8",
        message(
            () ->
                MatMulInteger.apply(
                    IntTensor.of(Shape.of(1, 2), QuantType.INT16, 0, 0), b23, null, null)));
    assertEquals(
        "bZeroPoint: type uint8, expected int8",
        message(
            () ->
                MatMulInteger.apply(
                    a23,
                    t(QuantType.INT8, new int[] {3, 1}, 0, 0, 0),
                    null,
                    IntTensor.scalar(QuantType.UINT8, 0))));
  }

  @Test
  void rejectsZeroPointsOfTheWrongShape() {
    IntTensor a = t(QuantType.INT8, new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
    IntTensor b = t(QuantType.INT8, new int[] {3, 4}, new int[12]);
    assertEquals(
        "aZeroPoint: shape [3] does not fit a of matrix shape [2, 3]: expected one element (per-tensor) "
            + "or [2] or [..., 2, 1] (per row)",
        message(() -> MatMulInteger.apply(a, b, t(QuantType.INT8, new int[] {3}, 0, 0, 0), null)));
    assertEquals(
        "bZeroPoint: shape [4, 1] does not fit b of matrix shape [3, 4]: expected one element (per-tensor) "
            + "or [4] or [..., 1, 4] (per column)",
        message(
            () ->
                MatMulInteger.apply(a, b, null, t(QuantType.INT8, new int[] {4, 1}, 0, 0, 0, 0))));
    IntTensor batched = t(QuantType.INT8, new int[] {2, 2, 3}, new int[12]);
    assertEquals(
        "aZeroPoint: shape [3, 2, 1] does not fit a of matrix shape [2, 2, 3]: expected one element "
            + "(per-tensor) or [2] or [..., 2, 1] (per row)",
        message(
            () ->
                MatMulInteger.apply(
                    batched, b, t(QuantType.INT8, new int[] {3, 2, 1}, 0, 0, 0, 0, 0, 0), null)));
  }
}
