package dev.quantgen.runtime.numerics;

/**
 * The integer element types of quantized tensors, with their saturation ranges.
 *
 * <p>Values of every type are held in Java {@code int}s (unpacked); packing into bytes or nibbles
 * is a storage concern. {@link #INT32} is the accumulator and bias type.
 */
public enum QuantType {
  INT4(4, -8, 7),
  UINT4(4, 0, 15),
  INT8(8, -128, 127),
  UINT8(8, 0, 255),
  INT16(16, -32768, 32767),
  UINT16(16, 0, 65535),
  INT32(32, Integer.MIN_VALUE, Integer.MAX_VALUE);

  private final int bits;
  private final int min;
  private final int max;

  QuantType(int bits, int min, int max) {
    this.bits = bits;
    this.min = min;
    this.max = max;
  }

  public int bits() {
    return bits;
  }

  /** Smallest representable value (qmin). */
  public int min() {
    return min;
  }

  /** Largest representable value (qmax). */
  public int max() {
    return max;
  }

  public boolean isSigned() {
    return min < 0;
  }

  /** True when {@code v} lies in [min, max]. */
  public boolean contains(long v) {
    return v >= min && v <= max;
  }

  /**
   * Clamps an already rounded value into [min, max]; never wraps. Infinities saturate to the
   * matching end. NaN has no integer image: callers decide.
   */
  public int saturate(double rounded) {
    if (rounded <= min) {
      return min;
    }
    if (rounded >= max) {
      return max;
    }
    return (int) rounded;
  }

  /** Clamps an integer into [min, max]. */
  public int saturate(long v) {
    return v < min ? min : v > max ? max : (int) v;
  }

  /** The ONNX type name ({@code int8}, {@code uint4}, ...). */
  public String onnxName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Parses an ONNX type name such as {@code uint8}. */
  public static QuantType fromOnnxName(String name) {
    for (QuantType t : values()) {
      if (t.onnxName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown integer type '"
            + name
            + "': expected one of int4, uint4, int8, uint8, int16, uint16, int32");
  }
}
