package dev.quantgen.onnx;

import java.util.Arrays;

/**
 * One attribute of a node, with the value in the Java type of its ONNX kind. The typed getters
 * throw when the attribute has another kind, naming the attribute, so a malformed model fails with
 * a message instead of a default.
 */
public record OnnxAttribute(String name, Kind kind, Object value) {
  /** The attribute kinds quantgen reads. */
  public enum Kind {
    INT,
    FLOAT,
    STRING,
    INTS,
    FLOATS,
    TENSOR,
    /** Any other kind (graphs, sparse tensors, strings lists): kept so errors can name it. */
    OTHER
  }

  public long asLong() {
    return (Long) require(Kind.INT);
  }

  public float asFloat() {
    return (Float) require(Kind.FLOAT);
  }

  public String asString() {
    return (String) require(Kind.STRING);
  }

  public long[] asLongs() {
    return ((long[]) require(Kind.INTS)).clone();
  }

  public float[] asFloats() {
    return ((float[]) require(Kind.FLOATS)).clone();
  }

  public OnnxTensor asTensor() {
    return (OnnxTensor) require(Kind.TENSOR);
  }

  private Object require(Kind expected) {
    if (kind != expected) {
      throw new IllegalArgumentException(
          "attribute '" + name + "' is " + kind + ", expected " + expected);
    }
    return value;
  }

  @Override
  public String toString() {
    String v =
        value instanceof long[] l
            ? Arrays.toString(l)
            : value instanceof float[] f ? Arrays.toString(f) : String.valueOf(value);
    return name + "=" + v;
  }
}
