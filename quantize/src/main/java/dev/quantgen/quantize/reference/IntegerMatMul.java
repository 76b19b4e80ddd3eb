package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.IntTensor;

/**
 * The int32 accumulator shared by {@link MatMulInteger} and {@link QLinearMatMul}: {@code acc = (a
 * - aZeroPoint) @ (b - bZeroPoint)} with numpy matmul shapes.
 *
 * <p>Each difference lies in [-255, 255], so each product fits in 17 bits; only the sum over K can
 * leave the int32 range, and it then wraps exactly as an int32 accumulator (ONNX's) does.
 */
final class IntegerMatMul {
  /** The accumulator in the result's row-major order, and the shapes it came from. */
  record Accumulator(MatMulShapes shapes, int[] values) {}

  private IntegerMatMul() {}

  /**
   * @param aZeroPoint null for 0; else a's type, per-tensor or per row
   * @param bZeroPoint null for 0; else b's type, per-tensor or per column
   */
  static Accumulator accumulate(
      IntTensor a, IntTensor b, IntTensor aZeroPoint, IntTensor bZeroPoint) {
    Operands.requireEightBit("a", a);
    Operands.requireEightBit("b", b);
    MatMulShapes s = MatMulShapes.of(a.shape(), b.shape());
    int[] ac = shiftRows(a, aZeroPoint, s);
    int[] bc = shiftColumns(b, bZeroPoint, s);
    int m = s.m();
    int k = s.k();
    int n = s.n();
    int[] acc = new int[s.batchCount() * m * n];
    for (int batch = 0; batch < s.batchCount(); batch++) {
      int a0 = s.aBatch(batch) * m * k;
      int b0 = s.bBatch(batch) * k * n;
      int y0 = batch * m * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          int sum = 0;
          for (int p = 0; p < k; p++) {
            sum += ac[a0 + i * k + p] * bc[b0 + p * n + j];
          }
          acc[y0 + i * n + j] = sum;
        }
      }
    }
    return new Accumulator(s, acc);
  }

  /** {@code a - aZeroPoint}, the zero point picked per row. */
  private static int[] shiftRows(IntTensor a, IntTensor zeroPoint, MatMulShapes s) {
    int[] v = a.toArray();
    if (zeroPoint == null) {
      return v;
    }
    Operands.requireType("aZeroPoint", zeroPoint, a.type());
    LineParameter layout = LineParameter.rows("aZeroPoint", zeroPoint.shape(), s.aMatrix());
    int m = s.m();
    int k = s.k();
    for (int i = 0; i < v.length; i++) {
      int row = i / k;
      v[i] -= zeroPoint.get(layout.index(row / m, row % m));
    }
    return v;
  }

  /** {@code b - bZeroPoint}, the zero point picked per column. */
  private static int[] shiftColumns(IntTensor b, IntTensor zeroPoint, MatMulShapes s) {
    int[] v = b.toArray();
    if (zeroPoint == null) {
      return v;
    }
    Operands.requireType("bZeroPoint", zeroPoint, b.type());
    LineParameter layout = LineParameter.columns("bZeroPoint", zeroPoint.shape(), s.bMatrix());
    int k = s.k();
    int n = s.n();
    for (int i = 0; i < v.length; i++) {
      v[i] -= zeroPoint.get(layout.index(i / (k * n), i % n));
    }
    return v;
  }
}
