package dev.quantgen.quantize.reference;

import static dev.quantgen.testkit.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BinaryPacking}: XNOR-Net sign bits, docs/numerics.md#3-storage-formats and
 * docs/numerics.md#4-integer-kernels.
 */
class BinaryPackingTest {

  private static float[] randomFloats(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** The float reference: sum of sign(a[i]) * sign(b[i]) with sign(0) = +1. */
  private static int signProduct(float[] a, float[] b) {
    int sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] >= 0) == (b[i] >= 0) ? 1 : -1;
    }
    return sum;
  }

  @Test
  void firstValueGoesInBitZeroAndZerosArePositive() {
    assertArrayEquals(new long[] {0b1101}, BinaryPacking.pack(new float[] {1f, -1f, 0f, -0f}));
    assertArrayEquals(
        new long[] {0},
        BinaryPacking.pack(new float[] {-Float.MIN_VALUE, Float.NEGATIVE_INFINITY}));
  }

  @Test
  void sixtyFourValuesPerWordWithZeroPadding() {
    float[] ones = new float[65];
    java.util.Arrays.fill(ones, 1f);
    assertArrayEquals(
        new long[] {-1L, 1L}, BinaryPacking.pack(ones), "bit 64 opens word 1, the rest stays 0");
    assertEquals(0, BinaryPacking.pack(new float[0]).length);
    assertEquals(2, BinaryPacking.wordCount(128));
    assertEquals(3, BinaryPacking.wordCount(129));
  }

  @Test
  void xnorDotEqualsTheDotProductOfSigns() {
    Random random = new Random(11);
    for (int n : new int[] {0, 1, 2, 63, 64, 65, 127, 128, 129, 1000}) {
      for (int trial = 0; trial < 20; trial++) {
        float[] a = randomFloats(random, n);
        float[] b = randomFloats(random, n);
        assertEquals(
            signProduct(a, b),
            BinaryPacking.xnorDot(BinaryPacking.pack(a), BinaryPacking.pack(b), n),
            "n = " + n);
      }
    }
  }

  @Test
  void xnorDotIgnoresDirtyPaddingBits() {
    float[] a = {1f, -1f, 1f};
    float[] b = {1f, 1f, -1f};
    long[] dirtyA = BinaryPacking.pack(a);
    long[] dirtyB = BinaryPacking.pack(b);
    dirtyA[0] |=
        0xffff_ffff_ffff_fff0L; // padding ones in a, zeros in b: 60 "differences" if counted
    assertEquals(-1, BinaryPacking.xnorDot(dirtyA, dirtyB, 3));
    long[] wide = {0L, 0xffL};
    assertEquals(64 + 4 - 2 * 4, BinaryPacking.xnorDot(wide, new long[] {0L, 0xf0L}, 68));
  }

  @Test
  void xnorDotOfPackedRows() {
    Random random = new Random(12);
    float[] matrix = randomFloats(random, 3 * 70);
    float[] x = randomFloats(random, 70);
    long[] rows = BinaryPacking.packRows(matrix, 3, 70);
    long[] packedX = BinaryPacking.pack(x);
    assertEquals(6, rows.length);
    for (int r = 0; r < 3; r++) {
      float[] row = java.util.Arrays.copyOfRange(matrix, r * 70, (r + 1) * 70);
      assertEquals(
          signProduct(row, x), BinaryPacking.xnorDot(rows, 2 * r, packedX, 0, 70), "row " + r);
    }
  }

  @Test
  void signDotAddsOrSubtractsEachFloatLeftToRight() {
    long[] bits = BinaryPacking.pack(new float[] {1f, -1f, 0f, -2f});
    assertEquals(
        0.5f - 0.25f + 4f - 8f,
        BinaryPacking.signDot(bits, new float[] {9f, 0.5f, 0.25f, 4f, 8f}, 1, 4));
    Random random = new Random(13);
    float[] w = randomFloats(random, 100);
    float[] x = randomFloats(random, 100);
    float expected = 0f;
    for (int i = 0; i < 100; i++) {
      expected += w[i] >= 0 ? x[i] : -x[i];
    }
    assertEquals(expected, BinaryPacking.signDot(BinaryPacking.pack(w), x, 0, 100));
  }

  @Test
  void alphaIsTheMeanAbsoluteValue() {
    assertEquals(2.5f, BinaryPacking.alpha(new float[] {9f, -1f, 2f, -3f, 4f}, 1, 4));
    assertArrayEquals(
        new float[] {1.5f, 0.5f},
        BinaryPacking.alphaPerRow(new float[] {-1f, 2f, 0.5f, -0.5f}, 2, 2));
  }

  @Test
  void rejectsNaNAndOutOfRangeArguments() {
    assertRejected(
        () -> BinaryPacking.pack(new float[] {1f, Float.NaN}), "values", "NaN", "index 1");
    assertRejected(() -> BinaryPacking.pack(new float[3], 2, 2), "values", "offset 2", "length 3");
    assertRejected(() -> BinaryPacking.xnorDot(new long[1], new long[1], 65), "a", "2 elements");
    assertRejected(() -> BinaryPacking.xnorDot(new long[2], new long[1], 65), "b", "2 elements");
    assertRejected(() -> BinaryPacking.xnorDot(new long[1], new long[1], -1), "n", "-1");
    assertRejected(() -> BinaryPacking.signDot(new long[1], new float[100], 0, 65), "bits", "65");
    assertRejected(() -> BinaryPacking.signDot(new long[2], new float[10], 5, 6), "x", "offset 5");
    assertRejected(() -> BinaryPacking.alpha(new float[2], 0, 0), "n", "at least one");
    assertRejected(
        () -> BinaryPacking.alpha(new float[] {Float.POSITIVE_INFINITY}, 0, 1),
        "values",
        "Infinity");
    assertRejected(() -> BinaryPacking.packRows(new float[5], 2, 3), "matrix", "6", "5");
  }
}
