package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Half;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched float products on packed panels ({@link KernelSupport#floatPanels}, {@link
 * KernelSupport#halfPanels}): every row and sample within the reassociation bound {@code gamma(n) *
 * sum |w x|} of the exact sum (so within {@code 2 gamma(n) sum |w x|} of the one-sample kernels);
 * the Vector API's panel kernel is more: bit for bit one fused multiply-add per input in input
 * order ({@code Math.fma}), so its value does not depend on the batch, the tile, the K block or the
 * vector width; the scalar implementation equals its one-sample kernels bit for bit. Rows outside
 * the call's range are never written. Run without the module (scalar) and at 256 and 512 bits.
 *
 * <p>Binary weight-only products on sign panels ({@link KernelSupport#signPanels}) are the same
 * product with weights {@code +-1}: each term {@code x} with its sign flipped or not is exact, so
 * the Vector API's sum from four samples on is the terms added one by one in input order from 0.0
 * (the panel expanded to floats), below four samples and in the scalar implementation the
 * one-sample sign kernels' sum bit for bit; each within {@code gamma(n) * sum |x|} of the exact
 * sum.
 */
class FloatPanelProductTest {
  private static final float UNTOUCHED = 12345.0f;

  /**
   * Every row count 1 to 67 (partial and zero-padded panels at either width), batches that leave
   * every tile remainder (1 to 67 samples), input counts that end inside a vector and inside a K
   * block, and row ranges that start and end inside panels (the split between two threads).
   */
  @ParameterizedTest(name = "{0} n={1}")
  @CsvSource({
    "scalar, 1",
    "scalar, 37",
    "scalar, 300",
    "vector, 1",
    "vector, 2",
    "vector, 17",
    "vector, 37",
    "vector, 255",
    "vector, 256",
    "vector, 257",
    "vector, 600"
  })
  void everyRowCountBatchAndRangeIsTheFusedSumInInputOrder(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(1201 + n);
    int[] batches = {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 67};
    float[] x = gaussians(random, 67 * n);
    for (int rows = 1; rows <= 67; rows++) {
      float[] w = gaussians(random, rows * n);
      short[] h = halves(random, rows * n);
      int batch = batches[rows % batches.length];
      check(k, path, w, h, rows, n, x, batch, 0, rows);
    }
    float[] w = gaussians(random, 100 * n);
    short[] h = halves(random, 100 * n);
    for (int batch = 1; batch <= 67; batch++) {
      check(k, path, w, h, 100, n, x, batch, 0, 100);
    }
    for (int[] range : new int[][] {{4, 100}, {0, 52}, {36, 92}, {20, 24}, {17, 18}, {64, 100}}) {
      for (int batch : new int[] {1, 9, 13}) {
        check(k, path, w, h, 100, n, x, batch, range[0], range[1]);
      }
    }
  }

  /** Infinities and NaNs in the weights reach the sums as in the row-by-row kernels. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector"})
  void specialValuesPropagate(String path) {
    KernelSupport k = KernelPaths.support(path);
    int n = 19;
    int rows = 5;
    float[] w = new float[rows * n];
    Arrays.fill(w, 1.0f);
    w[0] = Float.POSITIVE_INFINITY;
    w[n] = Float.NaN;
    w[2 * n] = Float.POSITIVE_INFINITY;
    w[2 * n + 1] = Float.NEGATIVE_INFINITY;
    float[] x = new float[2 * n];
    Arrays.fill(x, 1.0f);
    float[] out = new float[2 * rows];
    k.gemmFloat(w, k.floatPanels(w, rows, n), n, 0, rows, x, 2, out, rows);
    for (int b = 0; b < 2; b++) {
      assertEquals(Float.POSITIVE_INFINITY, out[b * rows]);
      assertTrue(Float.isNaN(out[b * rows + 1]));
      assertTrue(Float.isNaN(out[b * rows + 2]));
      assertEquals(n, out[b * rows + 3]);
    }
  }

  /**
   * Sign rows of every count 1 to 67 with a spare word per row (the stride is honoured) and random
   * padding bits (never read), every batch 1 to 67 (both sides of the four-sample switch to the
   * panels, every tile remainder), input counts off every multiple of 32, 64 and 256, and row
   * ranges that start and end inside panels.
   */
  @ParameterizedTest(name = "{0} n={1}")
  @CsvSource({
    "scalar, 1",
    "scalar, 37",
    "scalar, 300",
    "vector, 1",
    "vector, 2",
    "vector, 17",
    "vector, 37",
    "vector, 63",
    "vector, 65",
    "vector, 255",
    "vector, 257",
    "vector, 600"
  })
  void signPanelsAddEachSignFlippedInputInInputOrder(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(1213 + n);
    int words = (n + 63) / 64 + 1;
    int[] batches = {1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 31, 67};
    float[] x = gaussians(random, 67 * n);
    for (int rows = 1; rows <= 67; rows++) {
      long[] w = longs(random, rows * words);
      checkSigns(k, path, w, words, rows, n, x, batches[rows % batches.length], 0, rows);
    }
    long[] w = longs(random, 100 * words);
    for (int batch = 1; batch <= 67; batch++) {
      checkSigns(k, path, w, words, 100, n, x, batch, 0, 100);
    }
    for (int[] range : new int[][] {{4, 100}, {0, 52}, {36, 92}, {20, 24}, {17, 18}, {64, 100}}) {
      for (int batch : new int[] {1, 3, 4, 9, 13}) {
        checkSigns(k, path, w, words, 100, n, x, batch, range[0], range[1]);
      }
    }
  }

  /**
   * Infinities and NaNs in the activations reach the sign sums as in the one-sample kernels: an
   * infinity with its weight's sign, opposite infinities and NaN to NaN; a batch of 3 (the
   * one-sample kernels) and of 5 (the expanded panel).
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector"})
  void specialActivationsPropagateThroughSignPanels(String path) {
    KernelSupport k = KernelPaths.support(path);
    int n = 19;
    int rows = 3;
    // row 0: every weight +1; row 1: every weight -1; row 2: +1 at input 0, -1 at input 1 and on
    long[] w = {(1L << n) - 1, 0L, 1L};
    for (int batch : new int[] {3, 5}) {
      float[] x = new float[batch * n];
      Arrays.fill(x, 1.0f);
      x[0] = Float.POSITIVE_INFINITY; // sample 0
      x[n] = Float.NaN; // sample 1
      x[2 * n] = Float.POSITIVE_INFINITY; // sample 2: +inf then -inf
      x[2 * n + 1] = Float.NEGATIVE_INFINITY;
      float[] out = new float[batch * rows];
      k.gemmSigns(w, k.signPanels(w, 1, rows, n), 1, n, 0, rows, x, batch, out, rows);
      String where = "batch " + batch;
      assertEquals(Float.POSITIVE_INFINITY, out[0], where);
      assertEquals(Float.NEGATIVE_INFINITY, out[1], where);
      assertEquals(Float.POSITIVE_INFINITY, out[2], where);
      for (int r = 0; r < rows; r++) {
        assertTrue(Float.isNaN(out[rows + r]), where + ": NaN reaches row " + r);
      }
      assertTrue(Float.isNaN(out[2 * rows]), where + ": +inf - inf");
      assertTrue(Float.isNaN(out[2 * rows + 1]), where + ": -inf + inf");
      assertEquals(Float.POSITIVE_INFINITY, out[2 * rows + 2], where + ": +inf + inf");
      for (int b = 3; b < batch; b++) {
        assertEquals(n, out[b * rows], where);
        assertEquals(-n, out[b * rows + 1], where);
        assertEquals(2 - n, out[b * rows + 2], where);
      }
    }
  }

  private static void checkSigns(
      KernelSupport k,
      String path,
      long[] w,
      int words,
      int rows,
      int n,
      float[] x,
      int batch,
      int from,
      int to) {
    int stride = rows + 3;
    float[] out = new float[batch * stride];
    Arrays.fill(out, UNTOUCHED);
    k.gemmSigns(w, k.signPanels(w, words, rows, n), words, n, from, to, x, batch, out, stride);
    float[] rowMajor = new float[batch * stride];
    k.gemmSigns(w, words, n, from, to, x, batch, rowMajor, stride);
    boolean inputOrder = path.equals("vector") && batch >= 4;
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < stride; r++) {
        String where = "signs, " + where(rows, from, to, batch, b, r);
        int at = b * stride + r;
        if (r < from || r >= to) {
          assertEquals(UNTOUCHED, out[at], where);
          continue;
        }
        float in = 0.0f;
        double exact = 0.0;
        double magnitude = 0.0;
        for (int i = 0; i < n; i++) {
          float xi = x[b * n + i];
          float term = ((w[r * words + i / 64] >>> (i % 64)) & 1) == 1 ? xi : -xi;
          in += term;
          exact += term;
          magnitude += Math.abs(xi);
        }
        float expected = inputOrder ? in : rowMajor[at];
        assertEquals(
            Float.floatToRawIntBits(expected),
            Float.floatToRawIntBits(out[at]),
            where + (inputOrder ? ": input order" : ": one-sample kernels"));
        double u = 0x1.0p-24;
        double gamma = n * u / (1 - n * u);
        assertTrue(
            Math.abs(out[at] - exact) <= gamma * magnitude,
            where + ": " + out[at] + " vs exact " + exact + " bound " + gamma * magnitude);
      }
    }
  }

  private static long[] longs(Random random, int size) {
    long[] v = new long[size];
    for (int i = 0; i < size; i++) {
      v[i] = random.nextLong();
    }
    return v;
  }

  private static void check(
      KernelSupport k,
      String path,
      float[] w,
      short[] h,
      int rows,
      int n,
      float[] x,
      int batch,
      int from,
      int to) {
    int stride = rows + 3;
    float[] out = new float[batch * stride];
    float[] halfOut = new float[batch * stride];
    Arrays.fill(out, UNTOUCHED);
    Arrays.fill(halfOut, UNTOUCHED);
    k.gemmFloat(w, k.floatPanels(w, rows, n), n, from, to, x, batch, out, stride);
    k.gemmHalf(h, k.halfPanels(h, rows, n), n, from, to, x, batch, halfOut, stride);
    float[] decoded = new float[h.length];
    for (int i = 0; i < h.length; i++) {
      decoded[i] = Half.toFloat(h[i]);
    }
    float[] rowMajor = new float[batch * stride];
    float[] halfRowMajor = new float[batch * stride];
    if (path.equals("scalar")) {
      k.gemmFloat(w, n, from, to, x, batch, rowMajor, stride);
      k.gemmHalf(h, n, from, to, x, batch, halfRowMajor, stride);
    }
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < stride; r++) {
        String where = where(rows, from, to, batch, b, r);
        int at = b * stride + r;
        if (r < from || r >= to) {
          assertEquals(UNTOUCHED, out[at], where);
          assertEquals(UNTOUCHED, halfOut[at], where);
          continue;
        }
        checkSum(path, w, r, n, x, b, out[at], rowMajor[at], where);
        checkSum(path, decoded, r, n, x, b, halfOut[at], halfRowMajor[at], "half " + where);
      }
    }
  }

  /**
   * One value: the fused sum in input order bit for bit (vector), the row-major kernel's bit for
   * bit (scalar), and within {@code gamma(n) * sum |w x|} of the exact sum (both).
   */
  private static void checkSum(
      String path,
      float[] w,
      int r,
      int n,
      float[] x,
      int b,
      float actual,
      float rowMajor,
      String where) {
    float fused = 0.0f;
    double exact = 0.0;
    double magnitude = 0.0;
    for (int i = 0; i < n; i++) {
      float wi = w[r * n + i];
      float xi = x[b * n + i];
      fused = Math.fma(wi, xi, fused);
      exact += (double) wi * xi;
      magnitude += Math.abs((double) wi * xi);
    }
    if (path.equals("vector")) {
      assertEquals(
          Float.floatToRawIntBits(fused), Float.floatToRawIntBits(actual), where + ": fused sum");
    } else {
      assertEquals(
          Float.floatToRawIntBits(rowMajor),
          Float.floatToRawIntBits(actual),
          where + ": row-major kernel");
    }
    double u = 0x1.0p-24;
    double gamma = n * u / (1 - n * u);
    assertTrue(
        Math.abs(actual - exact) <= gamma * magnitude,
        where + ": " + actual + " vs exact " + exact + " bound " + gamma * magnitude);
  }

  private static float[] gaussians(Random random, int size) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /** Random finite binary16 values of both signs (normal and subnormal). */
  private static short[] halves(Random random, int size) {
    short[] v = new short[size];
    for (int i = 0; i < size; i++) {
      v[i] = (short) (random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0));
    }
    return v;
  }

  /** Names one output in a failure message. */
  private static String where(int rows, int from, int to, int batch, int sample, int row) {
    return "rows "
        + rows
        + " ["
        + from
        + ", "
        + to
        + ") batch "
        + batch
        + " sample "
        + sample
        + " row "
        + row;
  }
}
