package dev.quantgen.benchmarks;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random weights and inputs for the convolution benchmarks: only the arithmetic's speed
 * matters.
 */
final class CnnWeights {
  private CnnWeights() {}

  /**
   * Gaussian weights of {@code shape}, scaled by {@code 1 / sqrt(fan-in)} (all dimensions but the
   * first).
   */
  static FloatTensor weights(Random random, int... dims) {
    Shape shape = Shape.of(dims);
    float[] w = new float[shape.size()];
    float s = (float) (1.0 / Math.sqrt(w.length / (double) dims[0]));
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * s;
    }
    return FloatTensor.of(shape, w);
  }

  /** A small Gaussian bias of {@code n} channels. */
  static FloatTensor bias(Random random, int n) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) {
      b[i] = 0.01f * (float) random.nextGaussian();
    }
    return FloatTensor.of(Shape.of(n), b);
  }

  /** Values in [0, 1): image pixels, or the non-negative output of a ReLU. */
  static float[] input(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = random.nextFloat();
    }
    return x;
  }

  /**
   * The Fashion CNN's named weights ({@code Conv1.weight}, ...), as {@code FashionCnn_Model} reads
   * them.
   */
  static Map<String, FloatTensor> fashionCnn() {
    Random random = new Random(42);
    Map<String, FloatTensor> m = new HashMap<>();
    m.put("Conv1.weight", weights(random, 16, 1, 3, 3));
    m.put("Conv1.bias", bias(random, 16));
    m.put("Conv2.weight", weights(random, 32, 16, 3, 3));
    m.put("Conv2.bias", bias(random, 32));
    m.put("Fc1.weight", weights(random, 128, 1568));
    m.put("Fc1.bias", bias(random, 128));
    m.put("Fc2.weight", weights(random, 10, 128));
    m.put("Fc2.bias", bias(random, 10));
    return m;
  }
}
