package dev.quantgen.quantize.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.conv.Int8Join;
import dev.quantgen.runtime.layer.ActivationParams;
import org.junit.jupiter.api.Test;

/** The QLinearAdd reference by hand, then the runtime's Int8Join against it on every int8 pair. */
class QLinearAddTest {
  @Test
  void addsDequantizedValuesAndRequantizes() {
    // (0.5 * (10 - 2) + 0.25 * (-4 - 0)) / 0.5 + 3 = (4 - 1) / 0.5 + 3 = 9
    assertArrayEquals(
        new int[] {9},
        QLinearAdd.apply(new int[] {10}, 0.5f, 2, new int[] {-4}, 0.25f, 0, 0.5f, 3));
  }

  @Test
  void tiesRoundHalfToEven() {
    // sums 0.5, 1.5, 2.5, -0.5, -1.5 with yScale 1 and zero point 0 round to 0, 2, 2, -0, -2
    int[] a = {1, 3, 5, -1, -3};
    int[] b = {0, 0, 0, 0, 0};
    assertArrayEquals(new int[] {0, 2, 2, 0, -2}, QLinearAdd.apply(a, 0.5f, 0, b, 1f, 0, 1f, 0));
  }

  @Test
  void saturatesToInt8() {
    assertArrayEquals(
        new int[] {127, -128},
        QLinearAdd.apply(new int[] {127, -128}, 1f, 0, new int[] {127, -128}, 1f, 0, 1f, 0));
  }

  @Test
  void concatRequantizesEachPart() {
    // 0.1 * (7 - 1) / 0.2 = 3.0000002 (float32) -> 3, + zero point 5 = 8;
    // 0.1 * (-128 - 1) / 0.2 = -64.5 (float32), a tie -> -64, + 5 = -59
    assertEquals(-64.5f, 0.1f * -129f / 0.2f);
    assertArrayEquals(new int[] {8, -59}, QLinearAdd.concat(new int[] {7, -128}, 0.1f, 1, 0.2f, 5));
  }

  @Test
  void rejectsOperandsOfDifferentLengthsAndBadScales() {
    assertEquals(
        "b: expected 2 values (a's), got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> QLinearAdd.apply(new int[2], 1f, 0, new int[1], 1f, 0, 1f, 0))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> QLinearAdd.apply(new int[1], 1f, 0, new int[1], 0f, 0, 1f, 0));
  }

  /**
   * Scales chosen for ties (powers of two), saturation (a small output scale) and ordinary
   * calibrated ones.
   */
  private static final ActivationParams[][] CASES = {
    {new ActivationParams(0.5f, 0), new ActivationParams(0.25f, 3), new ActivationParams(1f, -1)},
    {new ActivationParams(0.5f, -7), new ActivationParams(0.5f, 9), new ActivationParams(0.01f, 0)},
    {
      new ActivationParams(0.0173f, -12),
      new ActivationParams(0.0411f, 40),
      new ActivationParams(0.0297f, -5)
    },
    {
      ActivationParams.fromRange(-1.3f, 2.9f),
      ActivationParams.fromRange(0f, 6f),
      ActivationParams.fromRange(-1f, 8f)
    },
  };

  @Test
  void int8JoinAddEqualsTheReferenceOnEveryPairOfInt8Values() {
    for (ActivationParams[] c : CASES) {
      byte[] a = new byte[65536];
      byte[] b = new byte[65536];
      int[] ia = new int[65536];
      int[] ib = new int[65536];
      for (int i = 0; i < 65536; i++) {
        a[i] = (byte) (i >> 8);
        b[i] = (byte) i;
        ia[i] = a[i];
        ib[i] = b[i];
      }
      byte[] y = new byte[65536];
      new Int8Join(c[0], c[1], c[2]).add(a, b, y);
      int[] expected =
          QLinearAdd.apply(
              ia,
              c[0].scale(),
              c[0].zeroPoint(),
              ib,
              c[1].scale(),
              c[1].zeroPoint(),
              c[2].scale(),
              c[2].zeroPoint());
      for (int i = 0; i < y.length; i++) {
        assertEquals(
            expected[i],
            y[i],
            "a = " + a[i] + ", b = " + b[i] + " with " + java.util.Arrays.toString(c));
      }
    }
  }

  @Test
  void int8JoinConcatEqualsTheReferenceOnOddSizes() {
    for (ActivationParams[] c : CASES) {
      byte[] a = new byte[255];
      byte[] b = new byte[7];
      for (int i = 0; i < a.length; i++) {
        a[i] = (byte) (i - 128);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) (37 * i - 100);
      }
      byte[] y = new byte[a.length + b.length];
      new Int8Join(c[0], c[1], c[2]).concat(a, b, y);
      int[] first =
          QLinearAdd.concat(
              ints(a), c[0].scale(), c[0].zeroPoint(), c[2].scale(), c[2].zeroPoint());
      int[] second =
          QLinearAdd.concat(
              ints(b), c[1].scale(), c[1].zeroPoint(), c[2].scale(), c[2].zeroPoint());
      for (int i = 0; i < y.length; i++) {
        assertEquals(i < a.length ? first[i] : second[i - a.length], y[i], "index " + i);
      }
    }
  }

  private static int[] ints(byte[] b) {
    int[] v = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      v[i] = b[i];
    }
    return v;
  }
}
