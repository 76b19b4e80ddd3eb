package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void edgeIsThePowerOfTwoAboveTheLargestMagnitude() {
    Histogram h = new Histogram(8, false);
    h.add(new float[] {-3f, 1f}, 0, 2);
    assertEquals(4.0 / 8, h.width(), "edge 4 > 3");
    assertArrayEquals(new long[] {0, 0, 1, 0, 0, 0, 1, 0}, h.counts());
    h.add(new float[] {4f}, 0, 1);
    // 4 is not below edge 4: the edge doubles to 8 and pairs of bins merge.
    assertEquals(8.0 / 8, h.width());
    assertArrayEquals(new long[] {0, 1, 0, 1, 1, 0, 0, 0}, h.counts());
  }

  @Test
  void signedBinsSplitAtZero() {
    Histogram h = new Histogram(8, true);
    h.add(new float[] {-3f, -0.5f, 0f, 0.5f, 3f}, 0, 5);
    // edge 4, width 1: bins [-4,-3) [-3,-2) [-2,-1) [-1,0) [0,1) [1,2) [2,3) [3,4)
    assertArrayEquals(new long[] {0, 1, 0, 1, 2, 0, 0, 1}, h.counts());
    assertEquals(-1.0, h.lowerEdge(3));
    assertEquals(1.0, h.upperEdge(4));
  }

  @Test
  void batchesWithAGrowingRangeGiveTheSameHistogramAsOneBatch() {
    for (boolean signed : new boolean[] {false, true}) {
      float[] all = growingData(new Random(7), 5000);
      Histogram once = new Histogram(2048, signed);
      once.add(all, 0, all.length);
      Histogram inPieces = new Histogram(2048, signed);
      for (int off = 0; off < all.length; off += 500) {
        inPieces.add(all, off, 500);
      }
      assertArrayEquals(once.counts(), inPieces.counts(), "signed=" + signed);
      assertEquals(once.width(), inPieces.width());
      assertEquals(once.min(), inPieces.min());
      assertEquals(once.max(), inPieces.max());
    }
  }

  @Test
  void aHugeJumpInRangeMergesEverythingOldIntoTheBinsNextToZero() {
    float[] data = {1e-30f, -1e-30f, 0f, 1e30f, -2e30f};
    Histogram once = new Histogram(16, true);
    once.add(data, 0, data.length);
    Histogram inPieces = new Histogram(16, true);
    inPieces.add(data, 0, 3);
    inPieces.add(data, 3, 2);
    assertArrayEquals(once.counts(), inPieces.counts());
    assertEquals(1, once.count(7), "-1e-30 just below zero");
    assertEquals(2, once.count(8), "0 and 1e-30 just above");
  }

  @Test
  void zerosBeforeTheFirstNonZeroValueStayInTheZeroBin() {
    Histogram h = new Histogram(8, true);
    h.add(new float[] {0f, 0f, -0f}, 0, 3);
    assertEquals(0.0, h.width());
    h.add(new float[] {2f}, 0, 1);
    assertArrayEquals(new long[] {0, 0, 0, 0, 3, 0, 1, 0}, h.counts());
  }

  @Test
  void binCountMustBeAPowerOfTwo() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Histogram(2000, false));
    assertEquals("bins is 2000, expected a power of two >= 2", e.getMessage());
  }

  /**
   * Gaussian values whose spread grows tenfold over the array, so later batches widen the range.
   */
  static float[] growingData(Random random, int n) {
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) (random.nextGaussian() * (1 + 9.0 * i / n));
    }
    return data;
  }

  @Test
  void growingDataReallyGrows() {
    float[] data = growingData(new Random(7), 5000);
    float firstMax = 0;
    for (float v : Arrays.copyOf(data, 500)) {
      firstMax = Math.max(firstMax, Math.abs(v));
    }
    float lastMax = 0;
    for (float v : data) {
      lastMax = Math.max(lastMax, Math.abs(v));
    }
    assertEquals(true, lastMax > 4 * firstMax, "the test data must force re-binning");
  }
}
