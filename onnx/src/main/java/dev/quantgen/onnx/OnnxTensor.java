package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;

/**
 * A constant tensor of an ONNX graph (an initializer or a {@code Constant} node's value): float32
 * values as a {@link FloatTensor}, or int64 values (reshape shapes, axes) as a {@code long[]}.
 */
public final class OnnxTensor {
  /** The element types quantgen reads. */
  public enum ElementType {
    FLOAT,
    INT64
  }

  private final String name;
  private final ElementType type;
  private final Shape shape;
  private final FloatTensor floats;
  private final long[] longs;

  private OnnxTensor(String name, ElementType type, Shape shape, FloatTensor floats, long[] longs) {
    this.name = name;
    this.type = type;
    this.shape = shape;
    this.floats = floats;
    this.longs = longs;
  }

  public static OnnxTensor ofFloats(String name, FloatTensor values) {
    return new OnnxTensor(name, ElementType.FLOAT, values.shape(), values, null);
  }

  /** Copies {@code values}, whose length must equal the shape's size. */
  public static OnnxTensor ofLongs(String name, Shape shape, long... values) {
    if (values.length != shape.size()) {
      throw new IllegalArgumentException("tensor '" + name + "' of shape " + shape + ": expected " + shape.size()
          + " values, got " + values.length);
    }
    return new OnnxTensor(name, ElementType.INT64, shape, null, values.clone());
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
      throw new IllegalArgumentException("tensor '" + name + "' holds " + type + ", expected FLOAT");
    }
    return floats;
  }

  /** A copy of the int64 values; throws for a float tensor. */
  public long[] longs() {
    if (type != ElementType.INT64) {
      throw new IllegalArgumentException("tensor '" + name + "' holds " + type + ", expected INT64");
    }
    return longs.clone();
  }

  /** The same values under another name and shape of the same size; float values are shared, not copied. */
  OnnxTensor reshaped(String newName, Shape newShape) {
    if (newShape.size() != shape.size()) {
      throw new IllegalArgumentException("tensor '" + name + "' of shape " + shape + " cannot be reshaped to "
          + newShape + ": expected " + shape.size() + " elements");
    }
    return type == ElementType.FLOAT
        ? ofFloats(newName, floats.reshape(newShape))
        : ofLongs(newName, newShape, longs);
  }

  @Override
  public String toString() {
    return "'" + name + "' " + type + shape;
  }
}
