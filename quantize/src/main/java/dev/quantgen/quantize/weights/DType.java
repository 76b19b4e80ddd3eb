package dev.quantgen.quantize.weights;

import java.nio.ByteBuffer;

/**
 * The element types a weight file may store, with how each widens or narrows to float32: float16
 * and bfloat16 exactly, float64 and the wide integers rounded to nearest (ties to even, as a Java
 * cast does), bool as 0 or 1.
 */
public enum DType {
  FLOAT16(2),
  BFLOAT16(2),
  FLOAT32(4),
  FLOAT64(8),
  BOOL(1),
  INT8(1),
  UINT8(1),
  INT16(2),
  UINT16(2),
  INT32(4),
  INT64(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Whether this is a floating-point type (float16, bfloat16, float32, float64). */
  public boolean isFloatingPoint() {
    return this == FLOAT16 || this == BFLOAT16 || this == FLOAT32 || this == FLOAT64;
  }

  /** The lower-case name, as in messages: {@code int32}, {@code bfloat16}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /**
   * Decodes {@code n} elements from {@code src} (at its position, in its byte order) as float32. A
   * bool byte is 1 when non-zero, as NumPy reads it.
   */
  float[] toFloats(ByteBuffer src, int n) {
    float[] out = new float[n];
    switch (this) {
      case FLOAT32 ->
          src.asFloatBuffer().get(out); // a bulk copy keeps every bit, NaN payloads included
      case FLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = dev.quantgen.runtime.numerics.Half.toFloat(src.getShort());
        }
      }
      case BFLOAT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] =
              Float.intBitsToFloat(
                  (src.getShort() & 0xffff) << 16); // bfloat16 is the top half of a float32
        }
      }
      case FLOAT64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = (float) src.getDouble();
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.get() != 0 ? 1 : 0;
        }
      }
      case UINT8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.get() & 0xff;
        }
      }
      case INT8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.get();
        }
      }
      case INT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.getShort();
        }
      }
      case UINT16 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.getShort() & 0xffff;
        }
      }
      case INT32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.getInt();
        }
      }
      case INT64 -> {
        for (int i = 0; i < n; i++) {
          out[i] = src.getLong();
        }
      }
    }
    return out;
  }
}
