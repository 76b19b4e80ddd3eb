package dev.quantgen.runtime.numerics;

import java.util.Arrays;

/** An immutable tensor shape: non-negative dimensions, row-major. {@code []} is a rank-0 scalar. */
public final class Shape {
  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    long n = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(dims)
                + ": dimension "
                + i
                + " is "
                + dims[i]
                + ", expected >= 0");
      }
      n *= dims[i];
      if (n > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(dims)
                + ": more than 2^31 - 9 elements, expected an array-sized tensor");
      }
    }
    this.dims = dims;
    this.size = (int) n;
  }

  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  public static Shape scalar() {
    return new Shape(new int[0]);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[normalizeAxis(i)];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements (1 for a scalar). */
  public int size() {
    return size;
  }

  /**
   * Maps an ONNX axis in [-rank, rank-1] to [0, rank-1].
   *
   * @throws IllegalArgumentException naming the axis and the valid range
   */
  public int normalizeAxis(int axis) {
    int r = dims.length;
    if (axis < -r || axis >= r) {
      throw new IllegalArgumentException(
          "axis "
              + axis
              + " is out of range for rank "
              + r
              + ": expected "
              + (-r)
              + ".."
              + (r - 1));
    }
    return axis < 0 ? axis + r : axis;
  }

  /** Product of the dimensions before {@code axis} (normalized). */
  public int outerSize(int axis) {
    int n = 1;
    for (int i = 0; i < axis; i++) {
      n *= dims[i];
    }
    return n;
  }

  /** Product of the dimensions after {@code axis} (normalized). */
  public int innerSize(int axis) {
    int n = 1;
    for (int i = axis + 1; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
