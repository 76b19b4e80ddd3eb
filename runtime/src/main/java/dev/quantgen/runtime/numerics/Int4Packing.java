package dev.quantgen.runtime.numerics;

import java.util.Objects;

/**
 * Packs 4-bit values two per byte in ONNX order (docs/numerics.md#3-storage-formats): element
 * {@code 2i} in the low nibble of byte {@code i}, element {@code 2i+1} in the high nibble; an odd
 * count leaves the last high nibble 0. INT4 values are sign-extended on unpack, UINT4 values are
 * not.
 */
public final class Int4Packing {
  private Int4Packing() {}

  /** Bytes needed for {@code count} 4-bit values: {@code ceil(count / 2)}. */
  public static int packedLength(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count: expected a value >= 0, got " + count);
    }
    return (count + 1) >>> 1;
  }

  /**
   * Packs {@code values} of {@code type} (INT4 or UINT4).
   *
   * @throws IllegalArgumentException for another type, or a value outside the type's range
   */
  public static byte[] pack(int[] values, QuantType type) {
    Objects.requireNonNull(values, "values");
    checkType(type);
    byte[] packed = new byte[packedLength(values.length)];
    for (int i = 0; i < values.length; i++) {
      int v = values[i];
      if (!type.contains(v)) {
        throw new IllegalArgumentException(
            "values: expected "
                + type.onnxName()
                + " values in "
                + type.min()
                + ".."
                + type.max()
                + ", got "
                + v
                + " at index "
                + i);
      }
      packed[i >>> 1] |= (byte) ((v & 0xF) << ((i & 1) << 2));
    }
    return packed;
  }

  /**
   * Unpacks {@code count} values of {@code type} (INT4 or UINT4) from {@code packed}.
   *
   * @throws IllegalArgumentException for another type, or {@code packed.length != ceil(count / 2)}
   */
  public static int[] unpack(byte[] packed, int count, QuantType type) {
    Objects.requireNonNull(packed, "packed");
    checkType(type);
    if (packed.length != packedLength(count)) {
      throw new IllegalArgumentException(
          "packed: expected ceil("
              + count
              + " / 2) = "
              + packedLength(count)
              + " bytes, got "
              + packed.length);
    }
    int[] values = new int[count];
    for (int i = 0; i < count; i++) {
      int nibble = (packed[i >>> 1] >>> ((i & 1) << 2)) & 0xF;
      // Moving the nibble to the top of an int and shifting back arithmetically sign-extends it.
      values[i] = type == QuantType.INT4 ? (nibble << 28) >> 28 : nibble;
    }
    return values;
  }

  private static void checkType(QuantType type) {
    if (type != QuantType.INT4 && type != QuantType.UINT4) {
      throw new IllegalArgumentException(
          "type: expected int4 or uint4, got " + (type == null ? null : type.onnxName()));
    }
  }
}
