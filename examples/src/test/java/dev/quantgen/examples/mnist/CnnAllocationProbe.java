package dev.quantgen.examples.mnist;

import dev.quantgen.runtime.conv.ConvKernels;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Measures, in the JVM it runs in, the bytes the generated CNN ({@code Mnist8_Model}: conv 1->8
 * 5x5, max pool, conv 8->16 5x5, max pool, dense 256->10, on seeded random weights, so no data file
 * is needed) allocates per warm {@code forward(x, y)} call, static INT8 and FP32, and prints one
 * line: {@code cnn-allocation int8=<bytes> fp32=<bytes> calls=<n> conv=<int8 rows> jdk=<version>}.
 * {@link CnnAllocationTest} runs it in a child JVM, for the reason {@code
 * GeneratedModelAllocationTest} gives (a JVM that ran other models first may keep a Vector API
 * kernel boxing for its life).
 *
 * <p>HotSpot's per-thread allocation counter; the figure is the smallest of up to {@link #ROUNDS}
 * measurements, each after more calls, so a busy machine's slow C2 compiles do not count.
 */
public final class CnnAllocationProbe {
  static final int CALLS = 200;
  private static final int WARM_UP_CALLS = 3_000;
  private static final int ROUNDS = 20;

  private CnnAllocationProbe() {}

  public static void main(String[] args) {
    Random random = new Random(28);
    Map<String, FloatTensor> weights = new HashMap<>();
    weights.put("Convolution28.weight", gaussian(random, Shape.of(8, 1, 5, 5), 0.3f));
    weights.put("Convolution28.bias", gaussian(random, Shape.of(8), 0.1f));
    weights.put("Convolution110.weight", gaussian(random, Shape.of(16, 8, 5, 5), 0.1f));
    weights.put("Convolution110.bias", gaussian(random, Shape.of(16), 0.1f));
    weights.put("Times212.weight", gaussian(random, Shape.of(10, 256), 0.1f));
    weights.put("Times212.bias", gaussian(random, Shape.of(10), 0.1f));
    List<float[]> samples = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      float[] x = new float[28 * 28];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat();
      }
      samples.add(x);
    }
    Mnist8_Model.Int8 int8 = Mnist8_Model.calibrate(weights, samples);
    Mnist8_Model.Fp32 fp32 = Mnist8_Model.fp32(weights);
    float[] y = new float[10];
    long int8Bytes = leastBytes(samples, x -> int8.forward(x, y));
    long fp32Bytes = leastBytes(samples, x -> fp32.forward(x, y));
    System.out.printf(
        Locale.ROOT,
        "cnn-allocation int8=%d fp32=%d calls=%d conv=%s jdk=%s%n",
        int8Bytes,
        fp32Bytes,
        CALLS,
        ConvKernels.int8Rows().name().replace(' ', '_'),
        System.getProperty("java.version"));
  }

  /**
   * The fewest bytes {@link #CALLS} warm calls of {@code forward} allocated, over up to {@link
   * #ROUNDS} rounds.
   */
  private static long leastBytes(
      List<float[]> samples, java.util.function.Consumer<float[]> forward) {
    for (int k = 0; k < WARM_UP_CALLS; k++) {
      forward.accept(samples.get(k % samples.size()));
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long least = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS && least > 0; round++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int k = 0; k < CALLS; k++) {
        forward.accept(samples.get(k % samples.size()));
      }
      least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
    }
    return least;
  }

  private static FloatTensor gaussian(Random random, Shape shape, float scale) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian() * scale;
    }
    return FloatTensor.of(shape, v);
  }
}
