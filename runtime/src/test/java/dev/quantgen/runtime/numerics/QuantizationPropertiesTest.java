package dev.quantgen.runtime.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seeded property tests over quantize / dequantize for every narrow integer type. */
class QuantizationPropertiesTest {
  private static final QuantType[] NARROW = {
    QuantType.INT4,
    QuantType.UINT4,
    QuantType.INT8,
    QuantType.UINT8,
    QuantType.INT16,
    QuantType.UINT16
  };

  /** A scale spread over twelve decades, log-uniform. */
  private static float randomScale(Random random) {
    return (float) Math.pow(10, random.nextDouble() * 12 - 6);
  }

  private static int randomZeroPoint(Random random, QuantType type) {
    return type.min() + random.nextInt(type.max() - type.min() + 1);
  }

  @Test
  void roundTripErrorIsAtMostHalfAScaleInsideTheRange() {
    Random random = new Random(1);
    for (QuantType type : NARROW) {
      for (int trial = 0; trial < 40; trial++) {
        float s = randomScale(random);
        int z = randomZeroPoint(random, type);
        QuantParams params = QuantParams.perTensor(s, z, type);
        double lo = (double) (type.min() - z) * s;
        double hi = (double) (type.max() - z) * s;
        float[] x = new float[500];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (lo + random.nextDouble() * (hi - lo));
        }
        float[] back =
            params.dequantize(params.quantize(FloatTensor.of(Shape.of(x.length), x))).toArray();
        // Slack: the float32 quotient x / s (|x / s| <= R = qmax - qmin) is off by at most R *
        // 2^-24
        // units of s, and the float32 product (q - z) * s by at most (R + 1) * 2^-24 units of s.
        int range = type.max() - type.min();
        double bound = s / 2.0 + (2.0 * range + 1) * s * 0x1p-24;
        for (int i = 0; i < x.length; i++) {
          double error = Math.abs((double) x[i] - back[i]);
          if (!(error <= bound)) { // no eager message building in the hot loop
            fail(type + " s=" + s + " z=" + z + " x=" + x[i] + " back=" + back[i]);
          }
        }
      }
    }
  }

  @Test
  void quantizingADequantizedValueGivesItBack() {
    Random random = new Random(2);
    for (QuantType type : NARROW) {
      int count = type.max() - type.min() + 1;
      int[] all = new int[count];
      for (int i = 0; i < count; i++) {
        all[i] = type.min() + i;
      }
      IntTensor q = IntTensor.of(Shape.of(count), type, all);
      for (int trial = 0; trial < 8; trial++) {
        QuantParams params =
            QuantParams.perTensor(randomScale(random), randomZeroPoint(random, type), type);
        assertEquals(q, params.quantize(params.dequantize(q)), params.toString());
      }
    }
  }

  @Test
  void quantizationIsMonotone() {
    Random random = new Random(3);
    for (QuantType type : NARROW) {
      for (int trial = 0; trial < 20; trial++) {
        float s = randomScale(random);
        int z = randomZeroPoint(random, type);
        float[] x = new float[1000];
        double reach = 2.0 * (type.max() - type.min()) * s; // well past both ends: saturation too
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) ((random.nextDouble() * 2 - 1) * reach);
        }
        x[0] = Float.NEGATIVE_INFINITY;
        x[1] = Float.POSITIVE_INFINITY;
        x[2] = -0f;
        Arrays.sort(x);
        int[] q =
            QuantParams.perTensor(s, z, type)
                .quantize(FloatTensor.of(Shape.of(x.length), x))
                .toArray();
        for (int i = 1; i < q.length; i++) {
          if (q[i - 1] > q[i]) {
            fail(
                type + " s=" + s + " z=" + z + ": " + x[i - 1] + " -> " + q[i - 1] + " but " + x[i]
                    + " -> " + q[i]);
          }
        }
        assertEquals(type.min(), q[0]);
        assertEquals(type.max(), q[q.length - 1]);
      }
    }
  }
}
