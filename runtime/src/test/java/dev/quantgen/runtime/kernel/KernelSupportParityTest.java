package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Half;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link KernelSupport} against plain loops in {@code long}/{@code double}, at odd sizes that
 * exercise vector bodies and scalar tails: integer sums exactly, float sums within the
 * reassociation bound {@code 2 * gamma(n) * sum |a b|}. Run once without the incubator module
 * (vector cases skipped) and once with it (surefire execution {@code vector-kernels}), so both
 * paths are checked in every build, as Lucene's {@code BaseVectorizationTestCase} does.
 */
class KernelSupportParityTest {
  /**
   * Every size 1..67 (every vector remainder at 256 and 512 bits), then sizes past several blocks.
   */
  private static final int[] SIZES = sizes();

  private static final int ROWS = 4;

  private static int[] sizes() {
    int[] large = {255, 784, 1023, 1025};
    int[] sizes = new int[67 + large.length];
    for (int n = 1; n <= 67; n++) {
      sizes[n - 1] = n;
    }
    System.arraycopy(large, 0, sizes, 67, large.length);
    return sizes;
  }

  static Stream<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (String path : new String[] {"scalar", "vector"}) {
      for (int n : SIZES) {
        cases.add(new Object[] {path, n});
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void int8SumsAreExactForAnyInt8Values(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(n);
    int stride = n + 5; // rows not adjacent: the stride must be honoured
    byte[] w = bytes(random, ROWS * stride + 3, -128, 127);
    byte[] x = bytes(random, n, -128, 127);
    fillExtremes(w, x, n, stride, (byte) -128);
    int[] out = new int[ROWS + 1];
    k.dotInt8x4(w, 3, stride, x, n, out, 1);
    for (int r = 0; r < ROWS; r++) {
      int expected = int8Dot(w, 3 + r * stride, x, n);
      assertEquals(expected, out[1 + r], "row " + r);
      assertEquals(expected, k.dotInt8(w, 3 + r * stride, x, n), "single row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void restrictedInt8SumsAreExactForWeightsInPlusMinus127(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(31 + n);
    int stride = n + 1;
    byte[] w = bytes(random, ROWS * stride, -127, 127);
    byte[] x = bytes(random, n, -128, 127);
    // the worst case for 16-bit pairs: every product -127 * -128 = 16256, two add to 32512
    fillExtremes(w, x, n, stride, (byte) -127);
    int[] out = new int[ROWS];
    k.dotInt8x4Restricted(w, 0, stride, x, n, out, 0);
    for (int r = 0; r < ROWS; r++) {
      assertEquals(int8Dot(w, r * stride, x, n), out[r], "row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void int4SumsAreExactWithTheLastHighNibbleOfAnOddRowIgnored(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(77 + n);
    int bytes = (n + 1) / 2;
    byte[] values = bytes(random, n, -8, 7);
    if (n > 2) {
      values[0] = -8; // extremes: -8 * -128 is the largest product
    }
    byte[] packed = new byte[bytes + 2];
    for (int i = 0; i < n; i++) {
      int nibble = values[i] & 0xF;
      packed[2 + i / 2] |= (byte) (i % 2 == 0 ? nibble : nibble << 4);
    }
    byte[] x = bytes(random, n, -128, 127);
    java.util.Arrays.fill(x, 0, Math.min(n, 64), (byte) -128);
    byte[] even = new byte[bytes];
    byte[] odd = new byte[bytes];
    KernelSupport.splitEvenOdd(x, n, even, odd);
    long expected = 0;
    for (int i = 0; i < n; i++) {
      expected += values[i] * x[i];
    }
    assertEquals((int) expected, k.dotInt4(packed, 2, even, odd, bytes));
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void fourInt4RowsEqualTheirOneRowSums(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(91 + n);
    int bytes = (n + 1) / 2;
    int stride = bytes + 3; // rows not adjacent
    byte[] packed =
        bytes(random, 2 + ROWS * stride, -128, 127); // any byte is two valid int4 values
    packed[2] = (byte) 0x88; // -8 and -8: the largest magnitudes
    byte[] x = bytes(random, n, -128, 127);
    x[0] = -128;
    byte[] even = new byte[bytes];
    byte[] odd = new byte[bytes];
    KernelSupport.splitEvenOdd(x, n, even, odd);
    int[] out = new int[ROWS + 1];
    k.dotInt4x4(packed, 2, stride, even, odd, bytes, out, 1);
    for (int r = 0; r < ROWS; r++) {
      long expected = 0;
      for (int j = 0; j < bytes; j++) {
        int b = packed[2 + r * stride + j];
        expected += (long) ((b << 28) >> 28) * even[j] + (long) (b >> 4) * odd[j];
      }
      assertEquals((int) expected, out[1 + r], "row " + r);
      assertEquals(
          (int) expected, k.dotInt4(packed, 2 + r * stride, even, odd, bytes), "single row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void batchedInt8ProductsAreExactForEveryRowAndSample(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(501 + n);
    int rows = 11; // two tiles of four rows and three rows left over
    int batch = 9; // converted tiles (from 8 samples): four pairs of samples and one single
    byte[] w = bytes(random, rows * n, -128, 127);
    byte[] x = bytes(random, batch * n, -128, 127);
    w[0] = -128;
    x[0] = -128; // -128 * -128: the largest product
    int stride = rows + 2;
    int[] acc = new int[batch * stride];
    java.util.Arrays.fill(acc, 12345);
    k.gemmInt8(w, n, 1, rows, x, batch, acc, stride);
    for (int b = 0; b < batch; b++) {
      assertEquals(12345, acc[b * stride], "row 0 is outside [rowFrom, rowTo) and stays untouched");
      for (int r = 1; r < rows; r++) {
        assertEquals(
            gemmReference(w, r * n, x, b * n, n), acc[b * stride + r], "sample " + b + " row " + r);
      }
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void batchedInt4ProductsAreExactWithTheLastHighNibbleOfAnOddRowIgnored(String path, int n) {
    // 1 and 3 samples take the per-sample kernels, 17 the unpacked tiles (eight pairs and a single)
    for (int batch : new int[] {1, 3, 17}) {
      batchedInt4(KernelPaths.support(path), n, batch);
    }
  }

  private static void batchedInt4(KernelSupport k, int n, int batch) {
    Random random = new Random(601 + n + 1000 * batch);
    int rows = 6;
    int rowBytes = (n + 1) / 2;
    byte[] packed = bytes(random, rows * rowBytes, -128, 127); // odd n: random last high nibbles
    byte[] x = bytes(random, batch * n, -128, 127);
    packed[0] = (byte) 0x88; // -8, -8
    x[0] = -128;
    int[] acc = new int[batch * rows];
    k.gemmInt4(packed, n, 0, rows, x, batch, acc, rows);
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        long expected = 0;
        for (int i = 0; i < n; i++) {
          int v = packed[r * rowBytes + i / 2];
          expected += (i % 2 == 0 ? (v << 28) >> 28 : v >> 4) * x[b * n + i];
        }
        assertEquals(
            (int) expected, acc[b * rows + r], "batch " + batch + " sample " + b + " row " + r);
      }
    }
  }

  /**
   * Every row count from 1 to 67 (whole tiles of four plus 0 to 3 left over) at input lengths that
   * end mid-vector and straddle the 1024-input float chunk, with the largest products at both ends
   * of each row: the batched int8 product equals the int32 reference bit for bit.
   */
  @ParameterizedTest(name = "{0} n={1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "scalar, 23",
    "vector, 23",
    "scalar, 1041",
    "vector, 1041",
    "vector, 2049"
  })
  void batchedInt8ProductsAreExactForEveryRowCountUpTo67(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(701 + n);
    for (int batch : new int[] {3, 8}) { // per-sample GEMV below 8 samples, converted tiles from 8
      rowCountsUpTo67(k, random, n, batch);
    }
  }

  private static void rowCountsUpTo67(KernelSupport k, Random random, int n, int batch) {
    byte[] x = bytes(random, batch * n, -128, 127);
    x[0] = -128;
    x[n - 1] = -128;
    for (int rows = 1; rows <= 67; rows++) {
      byte[] w = bytes(random, rows * n, -128, 127);
      w[0] = -128;
      w[rows * n - 1] = -128;
      int[] acc = new int[batch * rows];
      k.gemmInt8(w, n, 0, rows, x, batch, acc, rows);
      for (int b = 0; b < batch; b++) {
        for (int r = 0; r < rows; r++) {
          assertEquals(
              gemmReference(w, r * n, x, b * n, n),
              acc[b * rows + r],
              "rows " + rows + " sample " + b + " row " + r);
        }
      }
    }
  }

  /**
   * The vector path sums in float lanes: at the largest product, 2^14, a lane holds 2^24 after 1024
   * steps, the last integer float32 holds with every smaller one. A row longer than 8192 inputs all
   * at -128 crosses that chunk and must still be exact.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector"})
  void batchedInt8ProductsStayExactBeyondTheFloatChunk(String path) {
    KernelSupport k = KernelPaths.support(path);
    int n = 3 * 8192 + 9;
    int rows = 4;
    int batch = 8; // the converted-tile path, whose float lanes the chunk protects
    byte[] w = new byte[rows * n];
    byte[] x = new byte[batch * n];
    java.util.Arrays.fill(w, (byte) -128);
    java.util.Arrays.fill(x, (byte) -128);
    w[5] = 127; // one odd product, so a rounded float sum could not hide
    int[] acc = new int[batch * rows];
    k.gemmInt8(w, n, 0, rows, x, batch, acc, rows);
    assertEquals((n - 1) * 16384 - 127 * 128, acc[0]);
    assertEquals(n * 16384, acc[1]);
    assertEquals((n - 1) * 16384 - 127 * 128, acc[rows]);
  }

  /**
   * The panel form of the batched int8 product: every row count to 67 and a 100-row layer split at
   * rows that are not panel boundaries, batches below and above the panel threshold with a sample
   * count not a multiple of four, inputs across several exact chunks, the largest products at both
   * ends: equal to the int32 reference bit for bit, rows outside the range untouched.
   */
  @ParameterizedTest(name = "{0} n={1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "scalar, 23",
    "vector, 1",
    "vector, 23",
    "vector, 128",
    "vector, 129",
    "vector, 256",
    "vector, 300",
    "scalar, 300"
  })
  void panelInt8ProductsAreExactForEveryRowCountRangeAndBatch(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(801 + n);
    for (int batch : new int[] {3, 8, 13, 21}) {
      byte[] x = bytes(random, batch * n, -128, 127);
      x[0] = -128;
      x[n - 1] = -128;
      for (int rows = 1; rows <= 67; rows++) {
        byte[] w = bytes(random, rows * n, -128, 127);
        w[0] = -128;
        w[rows * n - 1] = -128;
        panelProduct(k, w, rows, n, x, batch, 0, rows);
      }
      byte[] w = bytes(random, 100 * n, -128, 127);
      java.util.Arrays.fill(w, 0, n, (byte) -128);
      for (int[] range : new int[][] {{0, 100}, {4, 100}, {0, 52}, {36, 92}, {20, 24}}) {
        panelProduct(k, w, 100, n, x, batch, range[0], range[1]);
      }
    }
  }

  private static void panelProduct(
      KernelSupport k, byte[] w, int rows, int n, byte[] x, int batch, int from, int to) {
    byte[] panels = k.int8Panels(w, rows, n);
    int stride = rows + 1;
    int[] acc = new int[batch * stride];
    java.util.Arrays.fill(acc, 12345);
    k.gemmInt8(w, panels, n, from, to, x, batch, acc, stride);
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < stride; r++) {
        int expected = r < from || r >= to ? 12345 : gemmReference(w, r * n, x, b * n, n);
        assertEquals(
            expected,
            acc[b * stride + r],
            "rows "
                + rows
                + " ["
                + from
                + ", "
                + to
                + ") batch "
                + batch
                + " sample "
                + b
                + " row "
                + r);
      }
    }
  }

  /**
   * The largest int4-by-int8 products, -8 times -128 = 1024 and -8 times 127 = -1016, on every
   * input: a sum that would overflow 16 bits after 32 inputs stays exact (the 16-bit panel kernel
   * widens after every 31).
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector"})
  void panelInt4ProductsAtTheExtremesAreExact(String path) {
    KernelSupport k = KernelPaths.support(path);
    int n = 301;
    int rows = 37;
    int batch = 11;
    int rowBytes = (n + 1) / 2;
    byte[] w = new byte[rows * rowBytes];
    java.util.Arrays.fill(w, (byte) 0x88); // every weight -8
    byte[] x = new byte[batch * n];
    for (int b = 0; b < batch; b++) {
      java.util.Arrays.fill(x, b * n, (b + 1) * n, b % 2 == 0 ? (byte) -128 : (byte) 127);
    }
    int[] acc = new int[batch * rows];
    k.gemmInt4(w, k.int4Panels(w, rows, n), n, 0, rows, x, batch, acc, rows);
    for (int b = 0; b < batch; b++) {
      for (int r = 0; r < rows; r++) {
        assertEquals(
            b % 2 == 0 ? 1024 * n : -1016 * n, acc[b * rows + r], "sample " + b + " row " + r);
      }
    }
  }

  /**
   * The panel form of the batched int4 product: odd and even input counts (the last high nibble of
   * an odd row ignored), every row count to 67 and misaligned row ranges, batches below and above
   * the panel threshold: equal to the reference bit for bit, rows outside the range untouched.
   */
  @ParameterizedTest(name = "{0} n={1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "scalar, 23",
    "vector, 1",
    "vector, 23",
    "vector, 128",
    "vector, 130",
    "vector, 256",
    "vector, 301",
    "scalar, 301"
  })
  void panelInt4ProductsAreExactForEveryRowCountRangeAndBatch(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(901 + n);
    int rowBytes = (n + 1) / 2;
    for (int batch : new int[] {3, 8, 13, 21}) {
      byte[] x = bytes(random, batch * n, -128, 127);
      x[0] = -128;
      for (int rows : new int[] {1, 5, 16, 31, 32, 33, 63, 64, 67, 100}) {
        byte[] w = bytes(random, rows * rowBytes, -128, 127);
        w[0] = (byte) 0x88; // -8, -8
        byte[] panels = k.int4Panels(w, rows, n);
        int[][] ranges =
            rows == 100
                ? new int[][] {{0, 100}, {4, 100}, {36, 92}, {20, 24}}
                : new int[][] {{0, rows}};
        for (int[] range : ranges) {
          int stride = rows + 1;
          int[] acc = new int[batch * stride];
          java.util.Arrays.fill(acc, 12345);
          k.gemmInt4(w, panels, n, range[0], range[1], x, batch, acc, stride);
          for (int b = 0; b < batch; b++) {
            for (int r = 0; r < stride; r++) {
              long expected = 0;
              for (int i = 0; i < n && r < rows; i++) {
                int v = w[r * rowBytes + i / 2];
                expected += (i % 2 == 0 ? (v << 28) >> 28 : v >> 4) * x[b * n + i];
              }
              int want = r < range[0] || r >= range[1] ? 12345 : (int) expected;
              assertEquals(
                  want,
                  acc[b * stride + r],
                  "rows "
                      + rows
                      + " ["
                      + range[0]
                      + ", "
                      + range[1]
                      + ") batch "
                      + batch
                      + " sample "
                      + b
                      + " row "
                      + r);
            }
          }
        }
      }
    }
  }

  /** The panel kernel's exact chunks hold at the largest product over a long row. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"scalar", "vector"})
  void panelInt8ProductsStayExactAtTheLargestProductsOverLongRows(String path) {
    KernelSupport k = KernelPaths.support(path);
    int n = 8192 + 9;
    int rows = 64;
    int batch = 9;
    byte[] w = new byte[rows * n];
    byte[] x = new byte[batch * n];
    java.util.Arrays.fill(w, (byte) -128);
    java.util.Arrays.fill(x, (byte) -128);
    w[5] = 127;
    int[] acc = new int[batch * rows];
    k.gemmInt8(w, k.int8Panels(w, rows, n), n, 0, rows, x, batch, acc, rows);
    for (int b = 0; b < batch; b++) {
      assertEquals((n - 1) * 16384 - 127 * 128, acc[b * rows], "sample " + b);
      assertEquals(n * 16384, acc[b * rows + 1], "sample " + b);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void batchedFloatProductsEqualTheRowByRowKernelsBitForBit(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(31 + n);
    int rows = 11; // two groups of four from row 1, then two single rows
    int batch = 5; // two pairs and a last sample
    float[] w = new float[rows * n];
    short[] h = new short[rows * n];
    for (int i = 0; i < w.length; i++) {
      h[i] = (short) (random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0));
      w[i] = (float) random.nextGaussian();
    }
    float[] x = new float[batch * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    int stride = rows + 2;
    float[] out = new float[batch * stride];
    float[] halfOut = new float[batch * stride];
    k.gemmFloat(w, n, 1, rows, x, batch, out, stride);
    k.gemmHalf(h, n, 1, rows, x, batch, halfOut, stride);
    float[] sample = new float[n];
    float[] expected = new float[rows];
    float[] expectedHalf = new float[rows];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * n, sample, 0, n);
      for (int r = 1; r + 4 <= rows; r += 4) {
        k.dotFloat4(w, r * n, n, sample, n, expected, r);
        k.dotHalf4(h, r * n, n, sample, n, expectedHalf, r);
      }
      for (int r = 9; r < rows; r++) {
        expected[r] = k.dotFloat(w, r * n, sample, 0, n);
        expectedHalf[r] = k.dotHalf(h, r * n, sample, n);
      }
      for (int r = 1; r < rows; r++) {
        assertEquals(
            Float.floatToRawIntBits(expected[r]),
            Float.floatToRawIntBits(out[b * stride + r]),
            "float row " + r + " sample " + b);
        assertEquals(
            Float.floatToRawIntBits(expectedHalf[r]),
            Float.floatToRawIntBits(halfOut[b * stride + r]),
            "half row " + r + " sample " + b);
      }
      assertEquals(0f, out[b * stride], "row 0 is outside the range");
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void signRowsAddEachInputWithItsWeightSignWithinTheBoundAndBatchedEqualsRowByRow(
      String path, int n) {
    // 3 samples take the per-sample sign kernels, 9 the decoded tiles (four pairs and a single)
    for (int batch : new int[] {3, 9}) {
      signRows(KernelPaths.support(path), n, batch);
    }
  }

  private static void signRows(KernelSupport k, int n, int batch) {
    Random random = new Random(77 + n);
    int words = (n + 63) / 64 + 1; // a spare word: the stride must be honoured
    int rows = 7; // a group of four, then three single rows
    long[] w = new long[rows * words];
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextLong();
    }
    float[] signs = new float[rows * n];
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < n; i++) {
        signs[r * n + i] = ((w[r * words + i / 64] >>> (i % 64)) & 1) == 1 ? 1f : -1f;
      }
    }
    float[] x = new float[batch * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] out = new float[batch * rows];
    k.gemmSigns(w, words, n, 0, rows, x, batch, out, rows);
    float[] sample = new float[n];
    float[] four = new float[4];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * n, sample, 0, n);
      k.dotSigns4(w, 0, words, x, b * n, n, four, 0);
      for (int r = 0; r < rows; r++) {
        float expected = r < 4 ? four[r] : k.dotSigns(w, r * words, x, b * n, n);
        assertWithinBound(signs, r * n, sample, n, expected, "row " + r + " sample " + b);
        assertEquals(
            Float.floatToRawIntBits(expected),
            Float.floatToRawIntBits(out[b * rows + r]),
            "batched row " + r + " sample " + b);
      }
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void quantizingToInt8EqualsTheScalarContractWithTiesSaturationAndNan(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(5 + n);
    float scale = 0.037f;
    for (int zeroPoint : new int[] {-128, -3, 0, 127}) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        switch (i % 6) {
          case 0:
            x[i] = (random.nextInt(41) - 20 + 0.5f) * scale;
            break; // a tie (x / scale near k + 0.5)
          case 1:
            x[i] = (float) random.nextGaussian() * 3;
            break;
          case 2:
            x[i] = random.nextBoolean() ? 1e30f : -1e30f;
            break; // saturates
          case 3:
            x[i] =
                i % 12 == 3
                    ? Float.NaN
                    : i % 24 == 9 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            break;
          case 4:
            x[i] = (float) random.nextGaussian() * 50;
            break;
          default:
            // signed zeros, subnormals, and quotients at and around the 1024 clamp
            float[] edges = {
              -0.0f,
              -Float.MIN_VALUE,
              Float.MIN_VALUE,
              1024.5f * scale,
              -1024.5f * scale,
              0x1.0p22f * scale,
              -0x1.8p23f * scale
            };
            x[i] = edges[(i / 6) % edges.length];
        }
      }
      byte[] q = new byte[n];
      k.quantizeInt8(x, n, scale, zeroPoint, q);
      // the same values as one sample of a batch: read from x[3 ..], written to shifted[5 ..]
      float[] shiftedX = new float[n + 3];
      System.arraycopy(x, 0, shiftedX, 3, n);
      byte[] shifted = new byte[n + 7];
      java.util.Arrays.fill(shifted, (byte) 99);
      k.quantizeInt8(shiftedX, 3, n, scale, zeroPoint, shifted, 5);
      for (int i = 0; i < n; i++) {
        assertEquals(
            dev.quantgen.runtime.layer.LayerMath.quantizeInt8(x[i], scale, zeroPoint),
            q[i],
            "x = " + x[i] + ", zero point " + zeroPoint);
        assertEquals(q[i], shifted[5 + i], "offset form, x = " + x[i]);
      }
      assertEquals(99, shifted[4], "nothing written before qOff");
      assertEquals(99, shifted[5 + n], "nothing written past n");
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void dynamicRangesEqualTheScalarFoldWithNonFiniteValuesAndSignedZeros(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(41 + n);
    for (int pattern = 0; pattern < 4; pattern++) {
      float[] x = new float[n + 3];
      for (int i = 0; i < x.length; i++) {
        float v = (float) random.nextGaussian() * 5;
        switch (pattern) {
          case 0:
            x[i] = v;
            break;
          case 1:
            x[i] = -Math.abs(v);
            break; // all negative: hi stays 0
          case 2: // only non-finite values and zeros of both signs: the range stays [0, 0]
            x[i] =
                new float[] {
                      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, 0.0f
                    }
                    [i % 5];
            break;
          default:
            x[i] =
                i % 4 == 0
                    ? Float.NaN
                    : i % 4 == 1 ? Float.NEGATIVE_INFINITY : i % 4 == 2 ? -0.0f : v;
        }
      }
      float lo = 0.0f;
      float hi = 0.0f;
      for (int i = 2; i < 2 + n; i++) {
        lo = dev.quantgen.runtime.layer.LayerMath.widenLow(lo, x[i]);
        hi = dev.quantgen.runtime.layer.LayerMath.widenHigh(hi, x[i]);
      }
      assertEquals(
          Float.floatToRawIntBits(lo),
          Float.floatToRawIntBits(k.dynamicLow(x, 2, n)),
          "low, pattern " + pattern);
      assertEquals(
          Float.floatToRawIntBits(hi),
          Float.floatToRawIntBits(k.dynamicHigh(x, 2, n)),
          "high, pattern " + pattern);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void dynamicQuantizationOfABatchGivesEachSampleItsOwnRangeAsOnnxDoes(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(43 + n);
    int batch = 3;
    float[] x = new float[batch * n];
    for (int i = 0; i < x.length; i++) {
      int sample = i / n;
      float v = (float) random.nextGaussian() * (1 + 10 * sample);
      // sample 0 all negative (hi stays 0), sample 1 mixed with NaN and infinities, sample 2 wide
      x[i] =
          sample == 0
              ? -Math.abs(v)
              : sample == 1 && i % 7 == 0
                  ? Float.NaN
                  : sample == 1 && i % 11 == 0 ? Float.NEGATIVE_INFINITY : v;
    }
    byte[] q = new byte[batch * n];
    float[] scales = new float[batch];
    int[] zeroPoints = new int[batch];
    k.quantizeDynamic(x, batch, n, q, scales, zeroPoints);
    for (int b = 0; b < batch; b++) {
      float lo = 0.0f;
      float hi = 0.0f;
      for (int i = b * n; i < (b + 1) * n; i++) {
        lo = LayerMath.widenLow(lo, x[i]);
        hi = LayerMath.widenHigh(hi, x[i]);
      }
      float sa = LayerMath.dynamicScale(lo, hi);
      int za = LayerMath.dynamicZeroPoint(lo, sa) - LayerMath.UINT8_OFFSET;
      assertEquals(
          Float.floatToRawIntBits(sa), Float.floatToRawIntBits(scales[b]), "scale of sample " + b);
      assertEquals(za, zeroPoints[b], "zero point of sample " + b);
      for (int i = b * n; i < (b + 1) * n; i++) {
        assertEquals(LayerMath.quantizeInt8(x[i], sa, za), q[i], "sample " + b + ", element " + i);
      }
    }
  }

  @ParameterizedTest(name = "{0} channels={1}")
  @MethodSource("cases")
  void dynamicEpilogueConvertsEachAccumulatorExactlyAsJavaAndRoundsEachOperationOnItsOwn(
      String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(47 + n);
    int batch = 3;
    // accumulators past 2^24 round when converted: ties to even (2^24 + 1, 2^25 + 2), the int32
    // extremes,
    // and a wrap-around of the zero-point correction
    int[] special = {
      0,
      1,
      -1,
      (1 << 24) + 1,
      (1 << 24) + 3,
      (1 << 25) + 2,
      -(1 << 24) - 1,
      Integer.MAX_VALUE,
      Integer.MIN_VALUE,
      Integer.MIN_VALUE + 5,
      65535,
      65536,
      -65536,
      -65537
    };
    int[] products = new int[batch * n];
    for (int i = 0; i < products.length; i++) {
      products[i] = i % 3 == 0 ? special[(i / 3) % special.length] : random.nextInt();
    }
    int[] weightSums = new int[n];
    float[] weightScales = new float[n];
    float[] bias = new float[n];
    for (int c = 0; c < n; c++) {
      weightSums[c] = random.nextInt(1 << 20) - (1 << 19);
      weightScales[c] = 1e-3f * (1 + random.nextFloat());
      bias[c] = (float) random.nextGaussian();
    }
    float[] scales = {0.013f, 1.7e-5f, 3.1f};
    int[] zeroPoints = {-128, 0, 127};
    float[][] bounds = {
      {0.0f, Float.POSITIVE_INFINITY},
      {0.0f, 6.0f},
      {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY}
    };
    for (float[] bound : bounds) {
      for (float[] b : new float[][] {bias, null}) {
        float[] y = new float[batch * n];
        k.dequantizeDynamic(
            products.clone(),
            batch,
            n,
            scales,
            zeroPoints,
            weightSums,
            weightScales,
            b,
            bound[0],
            bound[1],
            y);
        for (int s = 0; s < batch; s++) {
          for (int c = 0; c < n; c++) {
            int acc = products[s * n + c] - zeroPoints[s] * weightSums[c];
            float v = (float) acc * (scales[s] * weightScales[c]);
            if (b != null) {
              v = v + b[c];
            }
            float expected = Math.min(Math.max(v, bound[0]), bound[1]);
            assertEquals(
                Float.floatToRawIntBits(expected),
                Float.floatToRawIntBits(y[s * n + c]),
                "sample "
                    + s
                    + ", channel "
                    + c
                    + ", accumulator "
                    + acc
                    + ", bounds "
                    + bound[0]
                    + ".."
                    + bound[1]);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} channels={1}")
  @MethodSource("cases")
  void requantizingEqualsTheScalarContractWithTiesWrapAndEveryShift(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(17 + n);
    int batch = 3;
    int stride = n + 2; // samples not adjacent, and two channels outside [from, to) left alone
    int from = 1;
    int to = n + 1;
    int[] correction = new int[stride];
    int[] multipliers = new int[stride];
    int[] shifts = new int[stride];
    int[] products = new int[batch * stride];
    for (int c = 0; c < stride; c++) {
      switch (c % 5) {
        case 0: // m = 0.5 and a right shift of 1 or 2: every odd or even sum lands on a tie, twice
          multipliers[c] = 1 << 30;
          shifts[c] = -1 - c % 2;
          break;
        case 1: // the widest right shift, and none
          multipliers[c] = (1 << 30) + random.nextInt(1 << 30);
          shifts[c] = c % 2 == 0 ? -31 : 0;
          break;
        case 2: // a multiplier too small to matter
          multipliers[c] = 0;
          shifts[c] = 0;
          break;
        default:
          multipliers[c] = (1 << 30) + random.nextInt(1 << 30);
          shifts[c] = -random.nextInt(20);
      }
      correction[c] = random.nextInt(2001) - 1000;
    }
    for (int i = 0; i < products.length; i++) {
      switch (i % 4) {
        case 0:
          products[i] = random.nextInt(41) - 20;
          break; // small: ties of the shifts
        case 1:
          products[i] = random.nextInt();
          break; // anything, the correction may wrap it
        case 2:
          products[i] = random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
          break;
        default:
          products[i] = random.nextInt(1 << 24) - (1 << 23);
      }
    }
    for (int[] range : new int[][] {{-128, 127, 0}, {0, 127, -128}, {-5, 100, 7}}) {
      int lo = range[0];
      int hi = range[1];
      int zeroPoint = range[2];
      byte[] q = new byte[batch * stride];
      java.util.Arrays.fill(q, (byte) 99);
      k.requantizeInt8(
          products.clone(),
          batch,
          stride,
          from,
          to,
          correction,
          multipliers,
          shifts,
          zeroPoint,
          lo,
          hi,
          q);
      for (int b = 0; b < batch; b++) {
        for (int c = 0; c < stride; c++) {
          int at = b * stride + c;
          int expected =
              c < from || c >= to
                  ? 99
                  : dev.quantgen.runtime.layer.LayerMath.requantize(
                      products[at] + correction[c], multipliers[c], shifts[c], zeroPoint, lo, hi);
          assertEquals(
              expected,
              q[at],
              "sample "
                  + b
                  + " channel "
                  + c
                  + ": sum "
                  + products[at]
                  + " + "
                  + correction[c]
                  + ", multiplier "
                  + multipliers[c]
                  + ", shift "
                  + shifts[c]);
        }
      }
    }
    // one channel with a left shift (a multiplier above 1) takes the scalar steps for the range:
    // same results
    shifts[from] = 3;
    byte[] q = new byte[batch * stride];
    k.requantizeInt8(
        products.clone(),
        batch,
        stride,
        from,
        to,
        correction,
        multipliers,
        shifts,
        0,
        -128,
        127,
        q);
    for (int b = 0; b < batch; b++) {
      for (int c = from; c < to; c++) {
        int at = b * stride + c;
        assertEquals(
            dev.quantgen.runtime.layer.LayerMath.requantize(
                products[at] + correction[c], multipliers[c], shifts[c], 0, -128, 127),
            q[at],
            "left-shift case, sample " + b + " channel " + c);
      }
    }
  }

  private static int gemmReference(byte[] w, int wOff, byte[] x, int xOff, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += w[wOff + i] * x[xOff + i];
    }
    return (int) s;
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void floatSumsStayWithinTheReassociationBound(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(5 + n);
    int stride = n + 2;
    float[] w = new float[ROWS * stride];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian() * 100;
    }
    float[] out = new float[ROWS];
    k.dotFloat4(w, 0, stride, x, n, out, 0);
    for (int r = 0; r < ROWS; r++) {
      assertWithinBound(w, r * stride, x, n, out[r], "row " + r);
      assertWithinBound(w, r * stride, x, n, k.dotFloat(w, r * stride, x, 0, n), "single row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void halfWeightsDecodeExactlyIncludingSubnormalsAndAreSummedWithinTheBound(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(9 + n);
    int stride = n;
    short[] w = new short[ROWS * stride];
    for (int i = 0; i < w.length; i++) {
      // every finite half, subnormals and both zeros included (exponent 31 is tested below)
      int bits = random.nextInt(0x7C00) | (random.nextBoolean() ? 0x8000 : 0);
      w[i] = (short) bits;
    }
    float[] decoded = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      decoded[i] = Half.toFloat(w[i]);
    }
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] out = new float[ROWS];
    k.dotHalf4(w, 0, stride, x, n, out, 0);
    for (int r = 0; r < ROWS; r++) {
      assertWithinBound(decoded, r * stride, x, n, out[r], "row " + r);
      assertWithinBound(
          decoded, r * stride, x, n, k.dotHalf(w, r * stride, x, n), "single row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void halfInfinityAndNanWeightsPropagate(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    short[] w = new short[n];
    float[] x = new float[n];
    java.util.Arrays.fill(x, 1.0f);
    w[n - 1] = (short) 0x7C00; // +inf in the tail or the body, depending on n
    assertEquals(Float.POSITIVE_INFINITY, k.dotHalf(w, 0, x, n));
    w[0] = (short) (n == 1 ? 0x7E00 : 0xFC00); // a NaN weight, or -inf + inf
    assertTrue(Float.isNaN(k.dotHalf(w, 0, x, n)));
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void xorBitCountCountsEveryDifferingBit(String path, int n) {
    KernelSupport k = KernelPaths.support(path);
    Random random = new Random(13 + n);
    long[] a = new long[n + 1];
    long[] b = new long[n];
    int expected = 0;
    for (int i = 0; i < n; i++) {
      a[i + 1] = random.nextLong();
      b[i] = random.nextLong();
      for (int bit = 0; bit < 64; bit++) {
        expected += (int) (((a[i + 1] ^ b[i]) >>> bit) & 1);
      }
    }
    assertEquals(expected, k.xorBitCount(a, 1, b, 0, n));
  }

  private static int int8Dot(byte[] w, int off, byte[] x, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += w[off + i] * x[i];
    }
    return (int) s;
  }

  private static void assertWithinBound(
      float[] w, int off, float[] x, int n, float actual, String what) {
    double exact = 0;
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      exact += (double) w[off + i] * x[i];
      magnitude += Math.abs((double) w[off + i] * x[i]);
    }
    double u = 0x1.0p-24;
    double bound = 2 * (n * u / (1 - n * u)) * magnitude;
    assertTrue(
        Math.abs(actual - exact) <= bound,
        what + ": |" + actual + " - " + exact + "| > " + bound + " at n = " + n);
  }

  /**
   * The first 64 inputs of every row at the most negative values, where 16-bit sums would overflow
   * first.
   */
  private static void fillExtremes(byte[] w, byte[] x, int n, int stride, byte weight) {
    int m = Math.min(n, 64);
    java.util.Arrays.fill(x, 0, m, (byte) -128);
    for (int r = 0; r < ROWS; r++) {
      java.util.Arrays.fill(w, r * stride, r * stride + m, weight);
    }
  }

  private static byte[] bytes(Random random, int n, int lo, int hi) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (lo + random.nextInt(hi - lo + 1));
    }
    return b;
  }
}
