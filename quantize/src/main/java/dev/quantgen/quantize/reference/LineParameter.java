package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.Shape;

/**
 * Where a matmul zero point or scale lines up with its matrix, by the ONNX MatMulInteger and
 * QLinearMatMul rules. A is parameterized per row, B per column:
 *
 * <ul>
 *   <li>per-tensor: one element, any rank ({@code []} and {@code [1]} alike);
 *   <li>per line, shared by every batch: {@code [M]} for A's rows, {@code [N]} for B's columns;
 *   <li>per line and batch: {@code [..., M, 1]} for A, {@code [..., 1, N]} for B, the leading axes
 *       broadcasting (1 or equal) against the matrix's batch axes.
 * </ul>
 *
 * <p>Note that {@code [M]} is not numpy broadcasting (which would line it up with the last axis,
 * K): the ONNX specification defines a 1-D per-row zero point this way.
 */
final class LineParameter {
  private final int lines; // M or N; 0 for per-tensor
  private final int[] batchDims; // the matrix's batch dims
  private final int[]
      batchStrides; // into the parameter; 0 where it broadcasts or has no batch axes

  private LineParameter(int lines, int[] batchDims, int[] batchStrides) {
    this.lines = lines;
    this.batchDims = batchDims;
    this.batchStrides = batchStrides;
  }

  /** A per-row parameter of matrix A {@code [..., M, K]}. */
  static LineParameter rows(String name, Shape param, Shape matrix) {
    return resolve(name, param, matrix, true);
  }

  /** A per-column parameter of matrix B {@code [..., K, N]}. */
  static LineParameter columns(String name, Shape param, Shape matrix) {
    return resolve(name, param, matrix, false);
  }

  private static LineParameter resolve(String name, Shape param, Shape matrix, boolean rows) {
    int batchRank = matrix.rank() - 2;
    int[] batchDims = new int[batchRank];
    for (int i = 0; i < batchRank; i++) {
      batchDims[i] = matrix.dim(i);
    }
    int lines = rows ? matrix.dim(-2) : matrix.dim(-1);
    if (param.size() == 1) {
      return new LineParameter(0, batchDims, new int[batchRank]);
    }
    if (param.rank() == 1 && param.dim(0) == lines) {
      return new LineParameter(lines, batchDims, new int[batchRank]);
    }
    if (param.rank() >= 2
        && param.rank() <= matrix.rank()
        && param.dim(-2) == (rows ? lines : 1)
        && param.dim(-1) == (rows ? 1 : lines)) {
      int paramBatchRank = param.rank() - 2;
      int offset = batchRank - paramBatchRank;
      int[] strides = new int[batchRank];
      int stride = lines;
      boolean fits = true;
      for (int i = batchRank - 1; i >= offset; i--) {
        int d = param.dim(i - offset);
        if (d != 1 && d != batchDims[i]) {
          fits = false;
        }
        strides[i] = d == 1 ? 0 : stride;
        stride *= d;
      }
      if (fits) {
        return new LineParameter(lines, batchDims, strides);
      }
    }
    String perLine =
        rows
            ? "[" + lines + "] or [..., " + lines + ", 1]"
            : "[" + lines + "] or [..., 1, " + lines + "]";
    throw new IllegalArgumentException(
        name
            + ": shape "
            + param
            + " does not fit "
            + (rows ? "a" : "b")
            + " of matrix shape "
            + matrix
            + ": expected one element (per-tensor) or "
            + perLine
            + (rows ? " (per row)" : " (per column)"));
  }

  /** The parameter's flat index for row/column {@code line} of the matrix's batch {@code batch}. */
  int index(int batch, int line) {
    if (lines == 0) {
      return 0;
    }
    int index = line;
    for (int i = batchDims.length - 1; i >= 0; i--) {
      index += batch % batchDims[i] * batchStrides[i];
      batch /= batchDims[i];
    }
    return index;
  }
}
