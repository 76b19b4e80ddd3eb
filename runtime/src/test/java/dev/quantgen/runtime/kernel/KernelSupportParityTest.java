package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
  private static final int[] SIZES = {1, 3, 17, 255, 784, 1023};
  private static final int ROWS = 4;

  static Stream<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (String path : new String[] {"scalar", "vector"}) {
      for (int n : SIZES) {
        cases.add(new Object[] {path, n});
      }
    }
    return cases.stream();
  }

  private static KernelSupport support(String path) {
    if (path.equals("scalar")) {
      return Kernels.scalar();
    }
    KernelSupport vector = Kernels.vector().orElse(null);
    assumeTrue(vector != null, "jdk.incubator.vector not in the boot layer (or vectors < 256 bits)");
    return vector;
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void int8SumsAreExactForAnyInt8Values(String path, int n) {
    KernelSupport k = support(path);
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
    KernelSupport k = support(path);
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
    KernelSupport k = support(path);
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
  void floatSumsStayWithinTheReassociationBound(String path, int n) {
    KernelSupport k = support(path);
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
    KernelSupport k = support(path);
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
      assertWithinBound(decoded, r * stride, x, n, k.dotHalf(w, r * stride, x, n), "single row " + r);
    }
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void halfInfinityAndNanWeightsPropagate(String path, int n) {
    KernelSupport k = support(path);
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
    KernelSupport k = support(path);
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

  private static void assertWithinBound(float[] w, int off, float[] x, int n, float actual, String what) {
    double exact = 0;
    double magnitude = 0;
    for (int i = 0; i < n; i++) {
      exact += (double) w[off + i] * x[i];
      magnitude += Math.abs((double) w[off + i] * x[i]);
    }
    double u = 0x1.0p-24;
    double bound = 2 * (n * u / (1 - n * u)) * magnitude;
    assertTrue(Math.abs(actual - exact) <= bound,
        what + ": |" + actual + " - " + exact + "| > " + bound + " at n = " + n);
  }

  /** The first 64 inputs of every row at the most negative values, where 16-bit sums would overflow first. */
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
