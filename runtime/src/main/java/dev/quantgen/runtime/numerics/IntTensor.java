package dev.quantgen.runtime.numerics;

import java.util.Arrays;

/**
 * An immutable integer tensor: a {@link Shape}, a {@link QuantType} and row-major values, unpacked
 * into an {@code int[]}. Every value lies in the type's range.
 */
public final class IntTensor {
  private final Shape shape;
  private final QuantType type;
  private final int[] values;

  private IntTensor(Shape shape, QuantType type, int[] values) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "tensor of shape "
              + shape
              + ": expected "
              + shape.size()
              + " values, got "
              + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (!type.contains(values[i])) {
        throw new IllegalArgumentException(
            type.onnxName()
                + " tensor: value "
                + values[i]
                + " at index "
                + i
                + " is outside "
                + type.min()
                + ".."
                + type.max());
      }
    }
    this.shape = shape;
    this.type = type;
    this.values = values;
  }

  /** Copies {@code values}; each must lie in the type's range. */
  public static IntTensor of(Shape shape, QuantType type, int... values) {
    return new IntTensor(shape, type, values.clone());
  }

  /** A rank-0 scalar. */
  public static IntTensor scalar(QuantType type, int v) {
    return new IntTensor(Shape.scalar(), type, new int[] {v});
  }

  /** Wraps an array this package just produced, without copying. */
  static IntTensor wrap(Shape shape, QuantType type, int[] values) {
    return new IntTensor(shape, type, values);
  }

  public Shape shape() {
    return shape;
  }

  public QuantType type() {
    return type;
  }

  public int size() {
    return values.length;
  }

  public int get(int flatIndex) {
    return values[flatIndex];
  }

  /** A copy of the values. */
  public int[] toArray() {
    return values.clone();
  }

  /** The backing array, for reference kernels in this package; never modified. */
  int[] raw() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntTensor t
        && shape.equals(t.shape)
        && type == t.type
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * shape.hashCode() + type.hashCode()) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return type.onnxName()
        + shape
        + " "
        + Arrays.toString(values.length > 16 ? Arrays.copyOf(values, 16) : values);
  }
}
