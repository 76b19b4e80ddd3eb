package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DenseChainTest {
  @Test
  void requantizingBetweenDifferentParamsMatchesFixedPointScaling() {
    byte[] q = {-128, 0, 10, 127};
    DenseChain.requantize(q, new ActivationParams(0.5f, 0), new ActivationParams(1f, 3));
    // q' = 3 + round((q - 0) * 0.5), ties away from zero (gemmlowp): -64, 0, 5, 64 (63.5 -> 64).
    assertArrayEquals(new byte[] {-61, 3, 8, 67}, q);
  }

  @Test
  void equalParamsPassBytesUnchanged() {
    byte[] q = {-128, 5, 127};
    DenseChain.requantize(q, new ActivationParams(0.25f, 1), new ActivationParams(0.25f, 1));
    assertArrayEquals(new byte[] {-128, 5, 127}, q);
  }

  @Test
  void mismatchedLayerSizesAreRejected() {
    DenseLayer a = sums(3, 4);
    DenseLayer b = sums(5, 2);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DenseChain(List.of(a, b)));
    assertEquals(
        "layers[1]: expected input size 4 (the output of layers[0]), got 5", e.getMessage());
  }

  /** {@code layer}, recording the size of every batch it runs and the thread that runs it. */
  private static DenseLayer recording(
      DenseLayer layer, List<Integer> batchSizes, java.util.Set<Thread> threads) {
    return new DenseLayer() {
      @Override
      public int inputSize() {
        return layer.inputSize();
      }

      @Override
      public int outputSize() {
        return layer.outputSize();
      }

      @Override
      public void forward(float[] x, float[] y) {
        layer.forward(x, y);
      }

      @Override
      public void forwardBatch(float[] x, float[] y, int batch) {
        batchSizes.add(batch);
        threads.add(Thread.currentThread());
        DenseLayer.super.forwardBatch(x, y, batch);
      }
    };
  }

  /** A layer whose output k is the sum of its inputs plus k: easy to check row by row. */
  private static DenseLayer sums(int in, int out) {
    return new DenseLayer() {
      @Override
      public int inputSize() {
        return in;
      }

      @Override
      public int outputSize() {
        return out;
      }

      @Override
      public void forward(float[] x, float[] y) {
        float sum = 0;
        for (float v : x) {
          sum += v;
        }
        for (int k = 0; k < out; k++) {
          y[k] = sum + k;
        }
      }
    };
  }

  @Test
  void forwardRowsRunsOnlyItsRowsAcrossBlockBoundariesAndLeavesTheOthersAlone() {
    DenseChain chain = new DenseChain(List.of(sums(2, 3)));
    int rows = DenseChain.BLOCK + 9; // the range below crosses a block boundary
    float[] x = new float[rows * 2];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    float[] y = new float[rows * 3];
    java.util.Arrays.fill(y, -1f);
    chain.forwardRows(x, y, 5, rows - 2);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < 3; k++) {
        float expected = r >= 5 && r < rows - 2 ? x[2 * r] + x[2 * r + 1] + k : -1f;
        assertEquals(expected, y[3 * r + k], "row " + r + " output " + k);
      }
    }
  }

  @Test
  void aLargeBatchIsSharedAmongThreadsInWholeBlocksEachThroughEveryLayer() {
    // 100 x 60 multiply-adds per sample: 200 samples are enough work to split
    List<Integer> blockSizes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
    DenseLayer first = sums(100, 60);
    DenseLayer recording = recording(sums(60, 3), blockSizes, threads);
    DenseChain chain = new DenseChain(List.of(first, recording));
    int rows = 3 * DenseChain.BLOCK + 8;
    float[] x = new float[rows * 100];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 7;
    }
    float[] y = new float[rows * 3];
    chain.forwardBatch(x, y, rows);
    for (int r = 0; r < rows; r++) {
      float sum = 0;
      for (int i = 0; i < 100; i++) {
        sum += x[r * 100 + i];
      }
      for (int k = 0; k < 3; k++) {
        assertEquals(60 * sum + 60 * 59 / 2f + k, y[3 * r + k], "row " + r + " output " + k);
      }
    }
    // the same blocks one thread would run: three whole blocks and the last 8 samples
    List<Integer> sorted = new java.util.ArrayList<>(blockSizes);
    java.util.Collections.sort(sorted);
    assertEquals(List.of(8, DenseChain.BLOCK, DenseChain.BLOCK, DenseChain.BLOCK), sorted);
    assertEquals(
        Math.min(dev.quantgen.runtime.kernel.Rows.threads(), 2),
        threads.size(),
        "threads that ran blocks");
  }

  @Test
  void aBatchOfAtMostOneBlockIsSharedInWholeTilesOfEightSamples() {
    assumeTrue(dev.quantgen.runtime.kernel.Rows.threads() > 1, "one thread: nothing splits");
    List<Integer> blockSizes = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    DenseLayer first = sums(400, 60); // 24,000 multiply-adds per sample: 48 samples split
    DenseLayer recording =
        recording(sums(60, 3), blockSizes, java.util.concurrent.ConcurrentHashMap.newKeySet());
    DenseChain chain = new DenseChain(List.of(first, recording));
    int rows = 48;
    float[] x = new float[rows * 400];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 5;
    }
    float[] y = new float[rows * 3];
    chain.forwardBatch(x, y, rows);
    for (int r = 0; r < rows; r++) {
      float sum = 0;
      for (int i = 0; i < 400; i++) {
        sum += x[r * 400 + i];
      }
      assertEquals(60 * sum + 60 * 59 / 2f + 2, y[3 * r + 2], "row " + r);
    }
    for (int size : blockSizes) {
      assertEquals(0, size % DenseChain.SHARE, "a share of " + size + " samples");
    }
    assertEquals(rows, blockSizes.stream().mapToInt(Integer::intValue).sum());
    assertTrue(blockSizes.size() > 1, "shared among threads: " + blockSizes);
  }

  @Test
  void forwardRowsRejectsABackwardRangeAndShortBuffersNamingThem() {
    DenseChain chain = new DenseChain(List.of(sums(2, 3)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> chain.forwardRows(new float[8], new float[12], 3, 2));
    assertEquals("rows: expected 0 <= from <= to, got [3, 2)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> chain.forwardRows(new float[7], new float[12], 0, 4));
    assertEquals("x: expected at least 8 floats (4 rows x 2), got 7", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> chain.forwardRows(new float[8], new float[11], 0, 4));
    assertEquals("y: expected at least 12 floats (4 rows x 3), got 11", e.getMessage());
  }
}
