package dev.quantgen.runtime.numerics;

/**
 * How a scale tensor (and its zero point) lines up with the elements of a quantized tensor, by the
 * ONNX QuantizeLinear / DequantizeLinear rules: the scale's shape alone picks the granularity.
 *
 * <ul>
 *   <li>per-tensor: the scale has exactly one element (rank 0 or any rank); {@code axis} and {@code
 *       blockSize} are then ignored, even when out of range, as in the ONNX reference;
 *   <li>per-axis: {@code blockSize == 0} and the scale is 1-D of length {@code D[axis]};
 *   <li>blocked: {@code blockSize > 0}, the scale has x's rank, {@code ceil(D[axis] / blockSize)}
 *       on {@code axis} and x's size on every other axis; the last block may be short.
 * </ul>
 *
 * <p>Also validates the scale values and the zero point, which every caller needs identically.
 */
final class ScaleLayout {
  private final int axisSize; // D[axis]
  private final int inner; // number of elements after axis
  private final int blockSize; // 0 for per-tensor, 1 for per-axis
  private final int scaleAxisSize; // S, the scale's size on axis
  private final boolean perAxis; // the scale is [D[axis]], not x-shaped

  private ScaleLayout(int axisSize, int inner, int blockSize, int scaleAxisSize, boolean perAxis) {
    this.axisSize = axisSize;
    this.inner = inner;
    this.blockSize = blockSize;
    this.scaleAxisSize = scaleAxisSize;
    this.perAxis = perAxis;
  }

  /**
   * Resolves the granularity and validates scale and zero point.
   *
   * @param zeroPoint may be null; otherwise must have the scale's shape (two one-element tensors of
   *     any rank also match, as ONNX's {@code dequantizelinear_int4} pairs a {@code []} scale with
   *     a {@code [1]} zero point)
   */
  static ScaleLayout resolve(
      Shape x, FloatTensor scale, IntTensor zeroPoint, int axis, int blockSize) {
    if (blockSize < 0) {
      throw new IllegalArgumentException(
          "blockSize: expected 0 (not blocked) or a positive block size, got " + blockSize);
    }
    validateScaleValues(scale);
    if (zeroPoint != null) {
      boolean bothSingle = scale.size() == 1 && zeroPoint.size() == 1;
      if (!bothSingle && !zeroPoint.shape().equals(scale.shape())) {
        throw new IllegalArgumentException(
            "zeroPoint: expected the scale's shape "
                + scale.shape()
                + ", got shape "
                + zeroPoint.shape());
      }
    }
    Shape s = scale.shape();
    if (s.size() == 1) {
      return new ScaleLayout(1, 1, 0, 1, false);
    }
    if (blockSize == 0) {
      if (s.rank() != 1) {
        throw new IllegalArgumentException(
            "scale: shape "
                + s
                + " matches no granularity for x of shape "
                + x
                + " without blocking: expected one element (per-tensor) or a 1-D shape [D[axis]] (per-axis)");
      }
      int a = normalizeAxis(x, axis);
      if (s.dim(0) != x.dim(a)) {
        throw new IllegalArgumentException(
            "scale: shape "
                + s
                + " matches no granularity for x of shape "
                + x
                + " and axis "
                + axis
                + ": expected one element (per-tensor) or ["
                + x.dim(a)
                + "] (per-axis)");
      }
      return new ScaleLayout(x.dim(a), x.innerSize(a), 1, x.dim(a), true);
    }
    if (s.rank() != x.rank()) {
      throw new IllegalArgumentException(
          "scale: shape "
              + s
              + " matches no granularity for x of shape "
              + x
              + " with blockSize "
              + blockSize
              + ": expected one element (per-tensor) or rank "
              + x.rank()
              + " (blocked)");
    }
    int a = normalizeAxis(x, axis);
    for (int i = 0; i < x.rank(); i++) {
      if (i != a && s.dim(i) != x.dim(i)) {
        throw new IllegalArgumentException(
            "scale: shape "
                + s
                + " matches no granularity for x of shape "
                + x
                + ", axis "
                + axis
                + " and blockSize "
                + blockSize
                + ": a blocked scale must equal x's size "
                + x.dim(i)
                + " on axis "
                + i
                + ", got "
                + s.dim(i));
      }
    }
    int d = x.dim(a);
    int blocks = s.dim(a);
    if (ceilDiv(d, blockSize) != blocks) {
      // ceil(D/B) == S  <=>  B in [ceil(D/S), ceil(D/(S-1)) - 1] (unbounded above for S == 1).
      String range =
          blocks == 0
              ? "none (the scale has 0 blocks on the axis but D[axis] = " + d + ")"
              : "["
                  + ceilDiv(d, blocks)
                  + ", "
                  + (blocks == 1 ? "infinity)" : (ceilDiv(d, blocks - 1) - 1) + "]");
      throw new IllegalArgumentException(
          "blockSize: expected a value in "
              + range
              + " for D[axis] = "
              + d
              + " and "
              + blocks
              + " scale blocks on axis "
              + axis
              + ", got "
              + blockSize);
    }
    return new ScaleLayout(d, x.innerSize(a), blockSize, blocks, false);
  }

  /**
   * The index into the (row-major) scale and zero point of the element at {@code flatIndex} of x.
   */
  int scaleIndex(int flatIndex) {
    if (blockSize == 0) {
      return 0;
    }
    int beforeInner = flatIndex / inner;
    int axisIndex = beforeInner % axisSize;
    if (perAxis) {
      return axisIndex;
    }
    int outerIndex = beforeInner / axisSize;
    return (outerIndex * scaleAxisSize + axisIndex / blockSize) * inner + flatIndex % inner;
  }

  private static int normalizeAxis(Shape x, int axis) {
    int r = x.rank();
    if (axis < -r || axis >= r) {
      throw new IllegalArgumentException(
          "axis: "
              + axis
              + " is out of range for x of rank "
              + r
              + ": expected "
              + (-r)
              + ".."
              + (r - 1));
    }
    return axis < 0 ? axis + r : axis;
  }

  private static void validateScaleValues(FloatTensor scale) {
    for (int i = 0; i < scale.size(); i++) {
      float s = scale.get(i);
      if (!(s > 0) || s == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "scale: expected finite values > 0, got " + s + " at index " + i);
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
