package dev.quantgen.quantize.calibrate;

import dev.quantgen.runtime.numerics.QuantParams;
import java.util.Random;

/** Seeded test data. */
final class Distributions {
  private Distributions() {}

  /** Laplace(0, b): heavy tails, like many trained weights and pre-activation outputs. */
  static float[] laplace(Random random, int n, double b) {
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble() - 0.5;
      data[i] = (float) (-b * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
    }
    return data;
  }

  /** Uniform on [-a, a). */
  static float[] uniform(Random random, int n, float a) {
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (random.nextFloat() * 2 - 1) * a;
    }
    return data;
  }

  static float amax(float[] data) {
    float m = 0;
    for (float v : data) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  /** Sum of squared fake-quantization errors of the data under {@code p}, in double. */
  static double squaredError(float[] data, QuantParams p) {
    FakeQuantizer quantizer = new FakeQuantizer(p);
    double sum = 0;
    for (float v : data) {
      double e = v - quantizer.apply(v);
      sum += e * e;
    }
    return sum;
  }
}
