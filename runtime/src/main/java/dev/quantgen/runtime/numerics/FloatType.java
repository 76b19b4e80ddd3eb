package dev.quantgen.runtime.numerics;

/**
 * The floating-point element types: values are held as Java floats, exactly representable in the
 * type.
 */
public enum FloatType {
  FLOAT32,
  /** IEEE binary16; arithmetic is done in float32 and rounded back to half ({@link Half}). */
  FLOAT16;

  /** Rounds a float32 value to this type. */
  public float round(float v) {
    return this == FLOAT16 ? Half.round(v) : v;
  }

  public String onnxName() {
    return this == FLOAT16 ? "float16" : "float32";
  }
}
