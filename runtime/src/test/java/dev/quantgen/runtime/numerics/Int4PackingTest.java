package dev.quantgen.runtime.numerics;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link Int4Packing}: two nibbles per byte, ONNX order, docs/numerics.md#3-storage-formats. */
class Int4PackingTest {

  @Test
  void firstElementGoesInTheLowNibble() {
    assertArrayEquals(
        new byte[] {0x21, 0x43}, Int4Packing.pack(new int[] {1, 2, 3, 4}, QuantType.UINT4));
  }

  @Test
  void anOddCountLeavesTheLastHighNibbleZero() {
    assertArrayEquals(
        new byte[] {0x21, 0x03}, Int4Packing.pack(new int[] {1, 2, 3}, QuantType.UINT4));
    assertArrayEquals(new byte[] {0x0f}, Int4Packing.pack(new int[] {-1}, QuantType.INT4));
    assertEquals(0, Int4Packing.pack(new int[0], QuantType.INT4).length);
  }

  @Test
  void int4IsStoredAsTwosComplementAndSignExtendedOnUnpack() {
    byte[] packed = Int4Packing.pack(new int[] {-1, -8, 7}, QuantType.INT4);
    assertArrayEquals(new byte[] {(byte) 0x8f, 0x07}, packed);
    assertArrayEquals(new int[] {-1, -8, 7}, Int4Packing.unpack(packed, 3, QuantType.INT4));
    assertArrayEquals(
        new int[] {15, 8, 7},
        Int4Packing.unpack(packed, 3, QuantType.UINT4),
        "uint4 is not extended");
  }

  @Test
  void everyPairRoundTripsForBothTypes() {
    for (QuantType type : new QuantType[] {QuantType.INT4, QuantType.UINT4}) {
      for (int a = type.min(); a <= type.max(); a++) {
        for (int b = type.min(); b <= type.max(); b++) {
          int[] values = {a, b, a};
          assertArrayEquals(values, Int4Packing.unpack(Int4Packing.pack(values, type), 3, type));
        }
      }
    }
  }

  @Test
  void rejectsValuesOutsideTheType() {
    assertRejected(
        () -> Int4Packing.pack(new int[] {0, 8}, QuantType.INT4),
        "values",
        "8",
        "-8..7",
        "index 1");
    assertRejected(() -> Int4Packing.pack(new int[] {-9}, QuantType.INT4), "values", "-9");
    assertRejected(
        () -> Int4Packing.pack(new int[] {-1}, QuantType.UINT4), "values", "-1", "0..15");
    assertRejected(() -> Int4Packing.pack(new int[] {16}, QuantType.UINT4), "values", "16");
  }

  @Test
  void rejectsOtherTypesAndMismatchedLengths() {
    assertRejected(() -> Int4Packing.pack(new int[] {1}, QuantType.INT8), "type", "int8");
    assertRejected(() -> Int4Packing.unpack(new byte[1], 1, QuantType.UINT8), "type", "uint8");
    assertRejected(() -> Int4Packing.unpack(new byte[2], 5, QuantType.INT4), "packed", "3", "2");
    assertRejected(() -> Int4Packing.unpack(new byte[2], 2, QuantType.INT4), "packed", "1", "2");
    assertRejected(() -> Int4Packing.unpack(new byte[0], -1, QuantType.INT4), "count", "-1");
  }
}
