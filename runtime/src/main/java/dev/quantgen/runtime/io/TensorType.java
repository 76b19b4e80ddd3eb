package dev.quantgen.runtime.io;

import dev.quantgen.runtime.numerics.Shape;

/**
 * Element types of a {@link ModelFile} tensor and how each is stored (little-endian).
 *
 * <p>The packed types keep the tensor's logical shape and pack its values as the kernels use them
 * (numerics contract, section 3): {@link #INT4_PACKED} two values per byte over the whole tensor in
 * row-major order, element {@code 2i} in the low nibble, an odd count leaving the last high nibble
 * zero; {@link #BINARY_PACKED} one bit per value, 64 per {@code long}, first value in bit 0, each
 * row of the last dimension starting a new word, padding bits zero.
 */
public enum TensorType {
  FLOAT32(1),
  /** IEEE binary16 bit patterns ({@code short}). */
  FLOAT16(2),
  INT8(3),
  UINT8(4),
  INT16(5),
  INT32(6),
  INT64(7),
  INT4_PACKED(8),
  BINARY_PACKED(9);

  private final int code;

  TensorType(int code) {
    this.code = code;
  }

  /** The type's code in the file: stable, never reused. */
  int code() {
    return code;
  }

  static TensorType fromCode(int code) {
    for (TensorType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** Stored bytes for a tensor of this type and shape. */
  long storageBytes(Shape shape) {
    long n = shape.size();
    return switch (this) {
      case FLOAT32, INT32 -> 4 * n;
      case FLOAT16, INT16 -> 2 * n;
      case INT8, UINT8 -> n;
      case INT64 -> 8 * n;
      case INT4_PACKED -> (n + 1) / 2;
      case BINARY_PACKED -> 8L * binaryRows(shape) * binaryWordsPerRow(shape);
    };
  }

  /** Rows of a binary tensor: all dimensions but the last (1 for a scalar or a vector). */
  static long binaryRows(Shape shape) {
    int last = shape.rank() == 0 ? 1 : shape.dim(-1);
    return last == 0 ? 0 : shape.size() / last;
  }

  /** 64-bit words per row of a binary tensor. */
  static int binaryWordsPerRow(Shape shape) {
    int last = shape.rank() == 0 ? 1 : shape.dim(-1);
    return (last + 63) / 64;
  }
}
