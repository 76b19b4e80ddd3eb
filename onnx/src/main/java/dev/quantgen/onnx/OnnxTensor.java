package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;

/**
 * A constant tensor of an ONNX graph (an initializer or a {@code Constant} node's value): float32
 * values as a {@link FloatTensor}, int64 values (reshape shapes, axes) as a {@code long[]}, or the
 * int8, uint8 and int32 values of a pre-quantized (QDQ) model's weights, biases and zero points as
 * an {@code int[]} (uint8 as 0..255).
 */
public final class OnnxTensor {
  /** The element types quantgen reads. */
  public enum ElementType {
    FLOAT,
    INT64,
    INT8,
    UINT8,
    INT32
  }

  private final String name;
  private final ElementType type;
  private final Shape shape;
  private final FloatTensor floats;
  private final long[] longs;
  private final int[] ints;

  private OnnxTensor(
      String name, ElementType type, Shape shape, FloatTensor floats, long[] longs, int[] ints) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.floats = floats;
    this.longs = longs;
    this.ints = ints;
  }

  public static OnnxTensor ofFloats(String name, FloatTensor values) {
    return new OnnxTensor(name, ElementType.FLOAT, values.shape(), values, null, null);
  }

  /** Copies {@code values}, whose length must equal the shape's size. */
  public static OnnxTensor ofLongs(String name, Shape shape, long... values) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' of shape "
              + shape
              + ": expected "
              + shape.size()
              + " values, got "
              + values.length);
    }
    return new OnnxTensor(name, ElementType.INT64, shape, null, values.clone(), null);
  }

  /**
   * An int8, uint8 or int32 tensor; copies {@code values}, whose length must equal the shape's size
   * and each of which must lie in the type's range.
   */
  public static OnnxTensor ofInts(String name, ElementType type, Shape shape, int... values) {
    if (type != ElementType.INT8 && type != ElementType.UINT8 && type != ElementType.INT32) {
      throw new IllegalArgumentException(
          "tensor '" + name + "': type " + type + ", expected INT8, UINT8 or INT32");
    }
    if (values.length != shape.size()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' of shape "
              + shape
              + ": expected "
              + shape.size()
              + " values, got "
              + values.length);
    }
    int lo = type == ElementType.INT8 ? -128 : type == ElementType.UINT8 ? 0 : Integer.MIN_VALUE;
    int hi = type == ElementType.INT8 ? 127 : type == ElementType.UINT8 ? 255 : Integer.MAX_VALUE;
    for (int i = 0; i < values.length; i++) {
      if (values[i] < lo || values[i] > hi) {
        throw new IllegalArgumentException(
            "tensor '"
                + name
                + "': element "
                + i
                + " is "
                + values[i]
                + ", expected "
                + lo
                + ".."
                + hi
                + " for "
                + type);
      }
    }
    return new OnnxTensor(name, type, shape, null, null, values.clone());
  }

  public String name() {
    return name;
  }

  public ElementType type() {
    return type;
  }

  public Shape shape() {
    return shape;
  }

  /** The float32 values; throws for an int64 tensor. */
  public FloatTensor floats() {
    if (type != ElementType.FLOAT) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' holds " + type + ", expected FLOAT");
    }
    return floats;
  }

  /** A copy of the int64 values; throws for a float tensor. */
  public long[] longs() {
    if (type != ElementType.INT64) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' holds " + type + ", expected INT64");
    }
    return longs.clone();
  }

  /** Whether this tensor holds int8, uint8 or int32 values ({@link #ints()}). */
  public boolean isInteger() {
    return ints != null;
  }

  /** A copy of the int8, uint8 (0..255) or int32 values; throws for a float or int64 tensor. */
  public int[] ints() {
    if (ints == null) {
      throw new IllegalArgumentException(
          "tensor '" + name + "' holds " + type + ", expected INT8, UINT8 or INT32");
    }
    return ints.clone();
  }

  /**
   * The same values under another name and shape of the same size; float values are shared, not
   * copied.
   */
  OnnxTensor reshaped(String newName, Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "' of shape "
              + shape
              + " cannot be reshaped to "
              + newShape
              + ": expected "
              + shape.size()
              + " elements");
    }
    return switch (type) {
      case FLOAT -> ofFloats(newName, floats.reshape(newShape));
      case INT64 -> ofLongs(newName, newShape, longs);
      default -> new OnnxTensor(newName, type, newShape, null, null, ints);
    };
  }

  @Override
  public String toString() {
    return "'" + name + "' " + type + shape;
  }
}
