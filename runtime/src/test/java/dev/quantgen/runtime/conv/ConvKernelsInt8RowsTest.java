package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.FixedPoint;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@link Int8Rows} equals {@link LayerMath} element for element, bit for bit: quantizing with
 * ties (x.5 steps, both signs), saturation, NaN, infinities and -0.0; centring every code;
 * fixed-point and ONNX requantization with left and right shifts, zero and tiny multipliers,
 * wrapping int32 bias and narrow output ranges. Lengths are odd and not a multiple of any vector
 * (1, 7, 31, 196 + 3) so every tail runs, and exactly one vector at either width (8, 16). Run
 * scalar, and by the surefire executions {@code vector-kernels-256} and {@code vector-kernels-512}
 * at both widths (vector cases skip without the incubator module).
 */
class ConvKernelsInt8RowsTest {
  static final int[] LENGTHS = {1, 7, 8, 16, 31, 199};

  static Stream<String> paths() {
    return Stream.of("scalar", "vector");
  }

  static Int8Rows rows(String path) {
    if (path.equals("scalar")) {
      return ConvKernels.scalarInt8Rows();
    }
    Optional<Int8Rows> v = ConvKernels.vectorInt8Rows();
    assumeTrue(v.isPresent(), "no Vector API here (run with --add-modules jdk.incubator.vector)");
    return v.get();
  }

  @ParameterizedTest
  @MethodSource("paths")
  void quantizeIsTheReferenceRuleIncludingTiesSaturationAndNaN(String path) {
    Int8Rows rows = rows(path);
    Random random = new Random(13);
    float[] specials = {
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      -0.0f,
      0.0f,
      0.5f,
      -0.5f,
      1.5f,
      -1.5f,
      2.5f,
      -2.5f,
      126.5f,
      127.5f,
      -127.5f,
      -128.5f,
      1e30f,
      -1e30f,
      4194304.5f,
      8388609f,
      Float.MIN_VALUE
    };
    for (float scale : new float[] {1f, 0.5f, 0.1f, 1 / 255f, 3e-7f}) {
      for (int zero : new int[] {0, -128, 127, -3}) {
        for (int n : LENGTHS) {
          float[] x = new float[n + 2];
          for (int i = 0; i < x.length; i++) {
            x[i] =
                i % 3 == 0
                    ? specials[random.nextInt(specials.length)] * scale
                    : i % 3 == 1
                        ? (random.nextInt(600) - 300) * 0.5f * scale
                        : (float) random.nextGaussian() * 100 * scale;
          }
          byte[] q = new byte[n + 2];
          q[n] = 42;
          rows.quantize(x, scale, zero, q, n);
          for (int i = 0; i < n; i++) {
            assertEquals(
                LayerMath.quantizeInt8(x[i], scale, zero),
                q[i],
                "x " + x[i] + " scale " + scale + " zp " + zero);
          }
          assertEquals(42, q[n], "wrote past n");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("paths")
  void centreSubtractsTheZeroPointFromEveryCode(String path) {
    Int8Rows rows = rows(path);
    for (int zero : new int[] {0, -128, 127, 5}) {
      for (int n : new int[] {1, 17, 256 + 13}) {
        byte[] q = new byte[n];
        for (int i = 0; i < n; i++) {
          q[i] = (byte) (i * 37 + 11);
        }
        float[] centred = new float[n + 1];
        centred[n] = 7f;
        rows.centre(q, zero, centred, n);
        for (int i = 0; i < n; i++) {
          assertEquals((float) (q[i] - zero), centred[i]);
        }
        assertEquals(7f, centred[n]);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("paths")
  void fixedPointRequantizationIsLayerMathsBitForBit(String path) {
    Int8Rows rows = rows(path);
    Random random = new Random(7);
    double[] reals = {0.3, 0.0007, 1.7e-5, 2.5, 0.5, 1e-12, 0, 0.999999, 3.9e-10};
    for (int plane : LENGTHS) {
      int channels = reals.length;
      float[] sums = new float[channels * plane];
      for (int i = 0; i < sums.length; i++) {
        sums[i] = i % 5 == 0 ? (random.nextInt(1 << 25) - (1 << 24)) : random.nextInt(4001) - 2000;
      }
      int[] bias = new int[channels];
      int[] multipliers = new int[channels];
      int[] shifts = new int[channels];
      for (int m = 0; m < channels; m++) {
        FixedPoint.Multiplier fm = FixedPoint.quantizeMultiplier(reals[m]);
        multipliers[m] = fm.multiplier();
        shifts[m] = fm.shift();
        bias[m] =
            m == 1
                ? Integer.MAX_VALUE - 3
                : m == 2 ? Integer.MIN_VALUE + 2 : random.nextInt(20001) - 10000;
      }
      for (int[] range : new int[][] {{-128, 127}, {-5, 127}, {-128, -128}, {3, 9}}) {
        for (int zero : new int[] {0, -128, 17}) {
          byte[] q = new byte[channels * plane];
          rows.requantize(
              sums, channels, plane, bias, multipliers, shifts, zero, range[0], range[1], q);
          for (int m = 0; m < channels; m++) {
            for (int p = 0; p < plane; p++) {
              int i = m * plane + p;
              assertEquals(
                  (byte)
                      LayerMath.requantize(
                          (int) sums[i] + bias[m],
                          multipliers[m],
                          shifts[m],
                          zero,
                          range[0],
                          range[1]),
                  q[i],
                  "channel " + m + " sum " + sums[i] + " plane " + plane);
            }
          }
        }
      }
    }
  }

  /**
   * Power-of-two scales put the rounding shift exactly on its ties (x.5 of both signs), and the
   * sums run to the blocked kernel's bound {@code +-2^24} and the edges of the float-to-int split
   * ({@code 4 r + d}): every value here must requantize as {@code LayerMath} does.
   */
  @ParameterizedTest
  @MethodSource("paths")
  void requantizationTiesAndTheLargestExactSumsAreLayerMaths(String path) {
    Int8Rows rows = rows(path);
    double[] reals = {0.5, 0.25, 0.125, 1.0 / 1024, 1.0 / (1 << 20), 0.75, 1.0 / 3};
    int[] edges = {
      0,
      1,
      -1,
      2,
      -2,
      3,
      -3,
      5,
      -5,
      6,
      -6,
      7,
      -7,
      9,
      -9,
      511,
      -511,
      512,
      -512,
      1023,
      -1023,
      1 << 24,
      -(1 << 24),
      (1 << 24) - 1,
      -(1 << 24) + 1,
      (1 << 24) - 2,
      -(1 << 24) + 2,
      (1 << 22) + 2,
      -(1 << 22) - 2,
      (1 << 23) + 6,
      -(1 << 23) - 6,
      1536,
      -1536,
      2560,
      -2560
    };
    int plane = edges.length * 3 + 1;
    int channels = reals.length;
    float[] sums = new float[channels * plane];
    for (int i = 0; i < sums.length; i++) {
      sums[i] = edges[(i * 7) % edges.length];
    }
    int[] bias = new int[channels];
    int[] multipliers = new int[channels];
    int[] shifts = new int[channels];
    for (int m = 0; m < channels; m++) {
      FixedPoint.Multiplier fm = FixedPoint.quantizeMultiplier(reals[m]);
      multipliers[m] = fm.multiplier();
      shifts[m] = fm.shift();
      bias[m] = m % 2 == 0 ? 0 : 1;
    }
    for (int zero : new int[] {0, -128, 127, -7}) {
      byte[] q = new byte[channels * plane];
      rows.requantize(sums, channels, plane, bias, multipliers, shifts, zero, -128, 127, q);
      for (int m = 0; m < channels; m++) {
        for (int p = 0; p < plane; p++) {
          int i = m * plane + p;
          assertEquals(
              (byte)
                  LayerMath.requantize(
                      (int) sums[i] + bias[m], multipliers[m], shifts[m], zero, -128, 127),
              q[i],
              "channel " + m + " sum " + sums[i] + " zp " + zero);
        }
      }
    }
  }

  /**
   * The vector requantization reads a vector whose sums with their bias all lie within {@code
   * +-2^22} on its fast path and any other on the scalar one, and a channel whose bias is beyond
   * {@code +-2^24} wholly on the scalar one: vectors mixing lanes on both sides of the limit (in
   * every lane position), biases on both sides of 2^24, NaN sums' neighbours, and random sums,
   * biases and multipliers with every right shift from 0 (multiplier 0.5 and up) to 31 (below
   * 2^-31) all requantize as {@code LayerMath} does. Odd planes leave a scalar tail per channel.
   */
  @ParameterizedTest
  @MethodSource("paths")
  void requantizationAcrossTheFastPathsLimitsIsLayerMaths(String path) {
    Int8Rows rows = rows(path);
    Random random = new Random(29);
    int[] limits = {
      (1 << 22) - 1, 1 << 22, (1 << 22) + 1, -(1 << 22) + 1, -(1 << 22), -(1 << 22) - 1, 0, 1
    };
    int[] biases = {
      0, 1, -1, 1 << 24, -(1 << 24), (1 << 24) + 1, -(1 << 24) - 1, 1 << 21, -(1 << 21), 77
    };
    for (int plane : new int[] {16, 37, 64 + 5}) {
      for (int round = 0; round < 40; round++) {
        int channels = biases.length;
        float[] sums = new float[channels * plane];
        for (int i = 0; i < sums.length; i++) {
          int kind = random.nextInt(4);
          sums[i] =
              kind == 0
                  ? limits[random.nextInt(limits.length)]
                  : kind == 1
                      ? random.nextInt(1 << 25) - (1 << 24)
                      : random.nextInt(1 << (8 + random.nextInt(15))) - (1 << 14);
        }
        int[] bias = new int[channels];
        int[] multipliers = new int[channels];
        int[] shifts = new int[channels];
        for (int m = 0; m < channels; m++) {
          // shifts 0 (0.5 <= real < 1) to -31 (2^-32 <= real < 2^-31)
          double real = Math.scalb(0.5 + random.nextDouble() / 2, -1 - random.nextInt(32));
          FixedPoint.Multiplier fm = FixedPoint.quantizeMultiplier(real);
          multipliers[m] = fm.multiplier();
          shifts[m] = fm.shift();
          bias[m] = biases[m] + (round % 2 == 0 ? 0 : random.nextInt(3) - 1);
        }
        int zero = random.nextInt(256) - 128;
        int lo = random.nextBoolean() ? -128 : zero;
        byte[] q = new byte[channels * plane];
        rows.requantize(sums, channels, plane, bias, multipliers, shifts, zero, lo, 127, q);
        for (int m = 0; m < channels; m++) {
          for (int p = 0; p < plane; p++) {
            int i = m * plane + p;
            assertEquals(
                (byte)
                    LayerMath.requantize(
                        (int) sums[i] + bias[m], multipliers[m], shifts[m], zero, lo, 127),
                q[i],
                "channel " + m + " sum " + sums[i] + " bias " + bias[m] + " shift " + shifts[m]);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("paths")
  void onnxRequantizationIsLayerMathsBitForBit(String path) {
    Int8Rows rows = rows(path);
    Random random = new Random(11);
    float[] reals = {0.3f, 0.0007f, 0.5f, 1f, 0.25f, 1e-9f, 0f, 3.0f};
    for (int plane : LENGTHS) {
      int channels = reals.length;
      float[] sums = new float[channels * plane];
      for (int i = 0; i < sums.length; i++) {
        // multiples of 2 and 4 so x.5 ties occur at multipliers 0.25 and 0.5
        sums[i] =
            i % 4 == 0
                ? (random.nextInt(1 << 25) - (1 << 24))
                : (random.nextInt(2001) - 1000) * (1 + i % 3);
      }
      int[] bias = new int[channels];
      for (int m = 0; m < channels; m++) {
        bias[m] = m == 3 ? Integer.MAX_VALUE - 1 : random.nextInt(201) - 100;
      }
      for (int zero : new int[] {0, -128, 17}) {
        byte[] q = new byte[channels * plane];
        rows.requantizeFloat(sums, channels, plane, bias, reals, zero, -128, 127, q);
        byte[] expected = new byte[q.length];
        for (int m = 0; m < channels; m++) {
          for (int p = 0; p < plane; p++) {
            int i = m * plane + p;
            expected[i] =
                (byte)
                    LayerMath.requantizeFloat((int) sums[i] + bias[m], reals[m], zero, -128, 127);
          }
        }
        assertArrayEquals(expected, q, "plane " + plane + " zp " + zero);
      }
    }
  }
}
