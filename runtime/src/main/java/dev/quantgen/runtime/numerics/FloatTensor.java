package dev.quantgen.runtime.numerics;

import java.util.Arrays;

/**
 * An immutable float tensor: a {@link Shape}, a {@link FloatType} and row-major values held in a
 * {@code float[]}. FLOAT16 values are stored widened to float and are exactly representable halves.
 */
public final class FloatTensor {
  private final Shape shape;
  private final FloatType type;
  private final float[] values;

  private FloatTensor(Shape shape, FloatType type, float[] values) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "tensor of shape "
              + shape
              + ": expected "
              + shape.size()
              + " values, got "
              + values.length);
    }
    this.shape = shape;
    this.type = type;
    this.values = values;
  }

  /** A float32 tensor; copies {@code values}. */
  public static FloatTensor of(Shape shape, float... values) {
    return new FloatTensor(shape, FloatType.FLOAT32, values.clone());
  }

  /** A tensor of the given type; FLOAT16 values are rounded to half. Copies {@code values}. */
  public static FloatTensor of(Shape shape, FloatType type, float... values) {
    float[] v = values.clone();
    if (type == FloatType.FLOAT16) {
      for (int i = 0; i < v.length; i++) {
        v[i] = Half.round(v[i]);
      }
    }
    return new FloatTensor(shape, type, v);
  }

  /** A rank-0 float32 scalar. */
  public static FloatTensor scalar(float v) {
    return new FloatTensor(Shape.scalar(), FloatType.FLOAT32, new float[] {v});
  }

  /** Wraps an array this package just produced, without copying. */
  static FloatTensor wrap(Shape shape, FloatType type, float[] values) {
    return new FloatTensor(shape, type, values);
  }

  /**
   * The same values under another shape of the same size, sharing them (both tensors are
   * immutable): an importer can hand one weight to many layers without copying it.
   *
   * @throws IllegalArgumentException when the sizes differ
   */
  public FloatTensor reshape(Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException(
          "tensor of shape "
              + shape
              + " cannot be reshaped to "
              + newShape
              + ": expected "
              + shape.size()
              + " elements");
    }
    return newShape.equals(shape) ? this : new FloatTensor(newShape, type, values);
  }

  public Shape shape() {
    return shape;
  }

  public FloatType type() {
    return type;
  }

  public int size() {
    return values.length;
  }

  public float get(int flatIndex) {
    return values[flatIndex];
  }

  /** A copy of the values. */
  public float[] toArray() {
    return values.clone();
  }

  /** The backing array, for reference kernels in this package; never modified. */
  float[] raw() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FloatTensor t) || !shape.equals(t.shape) || type != t.type) {
      return false;
    }
    for (int i = 0; i < values.length; i++) {
      if (Float.floatToIntBits(values[i]) != Float.floatToIntBits(t.values[i])) {
        return false; // bit equality: NaN equals NaN, 0.0 differs from -0.0
      }
    }
    return true;
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
