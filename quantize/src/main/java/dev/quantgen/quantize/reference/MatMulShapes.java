package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;

/**
 * numpy {@code matmul} shape rules for {@code a @ b}: the last two axes are matrices {@code [M,
 * K] @ [K, N]}, the leading (batch) axes broadcast against each other. A 1-D a is a row {@code [1,
 * K]} and a 1-D b a column {@code [K, 1]}; the added axis is dropped from the result.
 */
final class MatMulShapes {
  private final Shape aMatrix;
  private final Shape bMatrix;
  private final Shape output;
  private final int m;
  private final int k;
  private final int n;
  private final int[] batchDims;
  private final int[] aBatchStrides; // 0 where a broadcasts
  private final int[] bBatchStrides;

  private MatMulShapes(Shape aMatrix, Shape bMatrix, Shape output, int[] batchDims) {
    this.aMatrix = aMatrix;
    this.bMatrix = bMatrix;
    this.output = output;
    this.m = aMatrix.dim(-2);
    this.k = aMatrix.dim(-1);
    this.n = bMatrix.dim(-1);
    this.batchDims = batchDims;
    this.aBatchStrides = broadcastStrides(aMatrix, batchDims);
    this.bBatchStrides = broadcastStrides(bMatrix, batchDims);
  }

  /**
   * @throws IllegalArgumentException when a or b is a scalar, K differs or the batch axes do not
   *     broadcast
   */
  static MatMulShapes of(Shape a, Shape b) {
    if (a.rank() == 0 || b.rank() == 0) {
      throw new IllegalArgumentException(
          (a.rank() == 0 ? "a" : "b")
              + ": shape [] is a scalar, expected at least one axis (matmul has no scalar operands)");
    }
    Shape am = a.rank() == 1 ? Shape.of(1, a.dim(0)) : a;
    Shape bm = b.rank() == 1 ? Shape.of(b.dim(0), 1) : b;
    if (am.dim(-1) != bm.dim(-2)) {
      throw new IllegalArgumentException(
          "b: shape "
              + b
              + " has "
              + bm.dim(-2)
              + " rows, but a of shape "
              + a
              + " has "
              + am.dim(-1)
              + " columns: expected equal inner dimensions K");
    }
    int batchRank = Math.max(am.rank(), bm.rank()) - 2;
    int[] batch = new int[batchRank];
    for (int i = 0; i < batchRank; i++) {
      int da = batchDim(am, batchRank, i);
      int db = batchDim(bm, batchRank, i);
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "b: shape "
                + b
                + " does not broadcast with a of shape "
                + a
                + ": batch dimensions "
                + da
                + " and "
                + db
                + " differ and neither is 1");
      }
      batch[i] = da == 1 ? db : da;
    }
    int[] out = Arrays.copyOf(batch, batchRank + 2);
    out[batchRank] = am.dim(-2);
    out[batchRank + 1] = bm.dim(-1);
    if (b.rank() == 1) {
      out = dropAxis(out, batchRank + 1);
    }
    if (a.rank() == 1) {
      out = dropAxis(out, batchRank);
    }
    return new MatMulShapes(am, bm, Shape.of(out), batch);
  }

  /**
   * Batch dimension {@code i} of the broadcast result as seen by {@code s} (1 where s has no such
   * axis).
   */
  private static int batchDim(Shape s, int batchRank, int i) {
    int offset = batchRank - (s.rank() - 2);
    return i < offset ? 1 : s.dim(i - offset);
  }

  private static int[] broadcastStrides(Shape s, int[] batchDims) {
    int batchRank = batchDims.length;
    int[] strides = new int[batchRank];
    int stride = 1;
    for (int i = batchRank - 1; i >= 0; i--) {
      int d = batchDim(s, batchRank, i);
      strides[i] = d == 1 ? 0 : stride;
      stride *= d;
    }
    return strides;
  }

  private static int[] dropAxis(int[] dims, int axis) {
    int[] r = new int[dims.length - 1];
    System.arraycopy(dims, 0, r, 0, axis);
    System.arraycopy(dims, axis + 1, r, axis, dims.length - axis - 1);
    return r;
  }

  /** a as a (batched) matrix, at least 2-D. */
  Shape aMatrix() {
    return aMatrix;
  }

  /** b as a (batched) matrix, at least 2-D. */
  Shape bMatrix() {
    return bMatrix;
  }

  /** The result shape, numpy's. */
  Shape output() {
    return output;
  }

  int m() {
    return m;
  }

  int k() {
    return k;
  }

  int n() {
    return n;
  }

  /** Number of matrices in the broadcast result. */
  int batchCount() {
    int c = 1;
    for (int d : batchDims) {
      c *= d;
    }
    return c;
  }

  /** The flat batch index into a of the result's batch {@code outBatch}. */
  int aBatch(int outBatch) {
    return mapBatch(outBatch, aBatchStrides);
  }

  /** The flat batch index into b of the result's batch {@code outBatch}. */
  int bBatch(int outBatch) {
    return mapBatch(outBatch, bBatchStrides);
  }

  private int mapBatch(int outBatch, int[] strides) {
    int index = 0;
    for (int i = batchDims.length - 1; i >= 0; i--) {
      index += outBatch % batchDims[i] * strides[i];
      outBatch /= batchDims[i];
    }
    return index;
  }
}
