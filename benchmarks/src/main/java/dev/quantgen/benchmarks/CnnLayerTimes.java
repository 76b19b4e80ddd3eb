package dev.quantgen.benchmarks;

import dev.quantgen.runtime.conv.ConvKernels;
import dev.quantgen.runtime.conv.FloatConv;
import dev.quantgen.runtime.conv.Int8Rows;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Fashion CNN of {@link CnnBenchmark} layer by layer, FP32 against INT8, each step timed in the
 * same JVM, interleaved round by round, best of the rounds (the machine is shared: a lone absolute
 * time says little, a ratio measured side by side says more). INT8's convolutions are also split
 * into their products ({@code FloatConv.forwardCentredMaxPool2} over the integer weights) and their
 * requantization ({@code Int8Rows.requantize}), and the whole model runs one sample at a time and
 * 64 samples on this thread alone.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -cp
 * benchmarks/target/benchmarks.jar dev.quantgen.benchmarks.CnnLayerTimes [rounds]}.
 */
public final class CnnLayerTimes {
  private CnnLayerTimes() {}

  /** One timed step: runs the step {@code n} times. */
  @FunctionalInterface
  private interface Step {
    void run(int n);
  }

  /**
   * Prints nanoseconds per call of every step, best of the rounds.
   *
   * @param args optionally the number of rounds (default 15), then a part of the names of the steps
   *     to time (default all)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    Map<String, FloatTensor> weights = CnnWeights.fashionCnn();
    List<float[]> calibration = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      calibration.add(CnnWeights.input(784, 1000 + s));
    }
    FashionCnn_Model.Fp32 fp32 = FashionCnn_Model.fp32(weights);
    FashionCnn_Model.Int8 int8 = FashionCnn_Model.calibrate(weights, calibration);
    List<ActivationParams> p = int8.params();
    float[] x = CnnWeights.input(784, 7);
    int batch = 64;
    float[] xs = new float[batch * 784];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(CnnWeights.input(784, b), 0, xs, b * 784, 784);
    }
    float[] ys = new float[batch * 10];

    CnnLayers_Conv1_Fp32 c1f =
        new CnnLayers_Conv1_Fp32(weights.get("Conv1.weight"), weights.get("Conv1.bias"));
    CnnLayers_Conv2_Fp32 c2f =
        new CnnLayers_Conv2_Fp32(weights.get("Conv2.weight"), weights.get("Conv2.bias"));
    CnnLayers_Fc1_Fp32 f1f = new CnnLayers_Fc1_Fp32(dense(weights, "Fc1", 1568, 128));
    CnnLayers_Fc2_Fp32 f2f = new CnnLayers_Fc2_Fp32(dense(weights, "Fc2", 128, 10));
    float[] a1 = new float[3136];
    float[] a3 = new float[1568];
    float[] a5 = new float[128];
    float[] y = new float[10];

    QuantizedConv2d q1 =
        quantized(weights, "Conv1", CnnLayers_Conv1_Int8.WINDOW, p.get(0), p.get(1));
    QuantizedConv2d q2 =
        quantized(weights, "Conv2", CnnLayers_Conv2_Int8.WINDOW, p.get(2), p.get(3));
    CnnLayers_Conv1_Int8 c1q = new CnnLayers_Conv1_Int8(q1);
    CnnLayers_Conv2_Int8 c2q = new CnnLayers_Conv2_Int8(q2);
    CnnLayers_Fc1_Int8 f1q =
        CnnLayers_Fc1_Int8.prepare(dense(weights, "Fc1", 1568, 128), p.get(5), p.get(6));
    CnnLayers_Fc2_Int8 f2q =
        CnnLayers_Fc2_Int8.prepare(dense(weights, "Fc2", 128, 10), p.get(6), p.get(7));
    Int8Rows rows = ConvKernels.int8Rows();
    FloatConv s1 =
        ConvKernels.perChannelFp32(
            CnnLayers_Conv1_Int8.GEOMETRY, floats(q1), null, Activation.NONE);
    FloatConv s2 =
        ConvKernels.fp32(CnnLayers_Conv2_Int8.GEOMETRY, floats(q2), null, Activation.NONE);
    Requant r1 = new Requant(q1);
    Requant r2 = new Requant(q2);
    byte[] qx = new byte[784];
    byte[] b1 = new byte[3136];
    byte[] b3 = new byte[1568];
    byte[] b5 = new byte[128];
    byte[] b6 = new byte[10];
    float[] sums1 = new float[3136];
    float[] sums2 = new float[1568];
    ActivationParams in = p.get(0);
    rows.quantize(x, in.scale(), in.zeroPoint(), qx, 784);
    c1q.forwardQuantizedMaxPool2(qx, b1);
    c2q.forwardQuantizedMaxPool2(b1, b3);
    f1q.forwardQuantized(b3, b5);
    c1f.forwardMaxPool2(x, a1);
    c2f.forwardMaxPool2(a1, a3);
    f1f.forward(a3, a5);

    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("FP32 conv1+pool", n -> repeat(n, () -> c1f.forwardMaxPool2(x, a1)));
    float[] full1 = new float[CnnLayers_Conv1_Fp32.OUT];
    steps.put("FP32 conv1 unpooled", n -> repeat(n, () -> c1f.forward(x, full1)));
    steps.put("FP32 conv2+pool", n -> repeat(n, () -> c2f.forwardMaxPool2(a1, a3)));
    steps.put("FP32 fc1", n -> repeat(n, () -> f1f.forward(a3, a5)));
    steps.put("FP32 fc2", n -> repeat(n, () -> f2f.forward(a5, y)));
    steps.put(
        "INT8 quantize input",
        n -> repeat(n, () -> rows.quantize(x, in.scale(), in.zeroPoint(), qx, 784)));
    steps.put("INT8 conv1+pool", n -> repeat(n, () -> c1q.forwardQuantizedMaxPool2(qx, b1)));
    steps.put(
        "INT8  conv1 products",
        n -> repeat(n, () -> s1.forwardCentredMaxPool2(qx, in.zeroPoint(), sums1)));
    steps.put("INT8  conv1 requantize", n -> repeat(n, () -> r1.run(rows, sums1, 196, b1)));
    steps.put("INT8 conv2+pool", n -> repeat(n, () -> c2q.forwardQuantizedMaxPool2(b1, b3)));
    steps.put(
        "INT8  conv2 products",
        n -> repeat(n, () -> s2.forwardCentredMaxPool2(b1, p.get(2).zeroPoint(), sums2)));
    steps.put("INT8  conv2 requantize", n -> repeat(n, () -> r2.run(rows, sums2, 49, b3)));
    steps.put("INT8 fc1", n -> repeat(n, () -> f1q.forwardQuantized(b3, b5)));
    steps.put("INT8 fc2", n -> repeat(n, () -> f2q.forwardQuantized(b5, b6)));
    steps.put("FP32 model, 1 sample", n -> repeat(n, () -> fp32.forward(x, y)));
    steps.put("INT8 model, 1 sample", n -> repeat(n, () -> int8.forward(x, y)));
    float[] yo = new float[10];
    steps.put(
        "FP32 model, 64 on 1 thread",
        n ->
            repeat(
                n,
                () -> {
                  for (int b = 0; b < batch; b++) {
                    System.arraycopy(xs, b * 784, x, 0, 784);
                    fp32.forward(x, yo);
                  }
                }));
    steps.put(
        "INT8 model, 64 on 1 thread",
        n ->
            repeat(
                n,
                () -> {
                  for (int b = 0; b < batch; b++) {
                    System.arraycopy(xs, b * 784, x, 0, 784);
                    int8.forward(x, yo);
                  }
                }));
    steps.put("FP32 forwardBatch 64", n -> repeat(n, () -> fp32.forwardBatch(xs, ys, batch)));
    steps.put("INT8 forwardBatch 64", n -> repeat(n, () -> int8.forwardBatch(xs, ys, batch)));

    if (args.length > 1) {
      steps.keySet().removeIf(name -> !name.contains(args[1]));
    }
    Map<String, Double> best = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Step> e : steps.entrySet()) {
      // about 5 ms per step and round
      int n = 1;
      while (time(e.getValue(), n) < 5e6 && n < 1 << 24) {
        n *= 2;
      }
      counts.put(e.getKey(), n);
    }
    // about 8 s of warm-up in all, then n again: C2 compiles the vector kernels late, and a round
    // count set while they still ran interpreted would leave too few calls to compile them
    for (int w = 0; w < 4; w++) {
      for (Map.Entry<String, Step> e : steps.entrySet()) {
        long until = System.nanoTime() + 250_000_000L / steps.size() * 8;
        int n = counts.get(e.getKey());
        while (System.nanoTime() < until) {
          e.getValue().run(n);
        }
        int m = 1;
        while (time(e.getValue(), m) < 5e6 && m < 1 << 24) {
          m *= 2;
        }
        counts.put(e.getKey(), m);
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, Step> e : steps.entrySet()) {
        int n = counts.get(e.getKey());
        double ns = time(e.getValue(), n) / n;
        best.merge(e.getKey(), ns, Math::min);
      }
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    for (Map.Entry<String, Double> e : best.entrySet()) {
      long before = threads.getCurrentThreadAllocatedBytes();
      steps.get(e.getKey()).run(100);
      long bytes = (threads.getCurrentThreadAllocatedBytes() - before) / 100;
      System.out.printf(
          Locale.ROOT, "%-30s %12.0f ns %10d bytes/call%n", e.getKey(), e.getValue(), bytes);
    }
    if (args.length > 1) {
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "INT8/FP32 time: 1 sample %.3f, 64 on 1 thread %.3f, forwardBatch 64 %.3f%n",
        best.get("INT8 model, 1 sample") / best.get("FP32 model, 1 sample"),
        best.get("INT8 model, 64 on 1 thread") / best.get("FP32 model, 64 on 1 thread"),
        best.get("INT8 forwardBatch 64") / best.get("FP32 forwardBatch 64"));
  }

  private static void repeat(int n, Runnable r) {
    for (int i = 0; i < n; i++) {
      r.run();
    }
  }

  private static double time(Step s, int n) {
    long t0 = System.nanoTime();
    s.run(n);
    return System.nanoTime() - t0;
  }

  private static DenseWeights dense(Map<String, FloatTensor> w, String layer, int in, int out) {
    return DenseWeights.of(
        in, out, w.get(layer + ".weight").toArray(), w.get(layer + ".bias").toArray());
  }

  private static QuantizedConv2d quantized(
      Map<String, FloatTensor> w,
      String layer,
      dev.quantgen.runtime.conv.Window2d window,
      ActivationParams input,
      ActivationParams output) {
    return QuantizedConv2d.quantize(
        w.get(layer + ".weight"),
        w.get(layer + ".bias"),
        window,
        1,
        Activation.RELU,
        QuantParams.perTensor(input.scale(), input.zeroPoint(), QuantType.INT8),
        QuantParams.perTensor(output.scale(), output.zeroPoint(), QuantType.INT8),
        CnnLayers_Conv2_Int8.REQUANT_MODE,
        QuantType.INT8);
  }

  private static float[] floats(QuantizedConv2d q) {
    int[] w = q.quantizedWeights().toArray();
    float[] f = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      f[i] = w[i];
    }
    return f;
  }

  /** A quantized convolution's requantization step alone. */
  private static final class Requant {
    final int[] bias;
    final int[] multipliers;
    final int[] shifts;
    final int zeroPoint;
    final int lo;
    final int hi;

    Requant(QuantizedConv2d q) {
      int m = q.quantizedBias().toArray().length;
      bias = q.quantizedBias().toArray();
      multipliers = new int[m];
      shifts = new int[m];
      for (int i = 0; i < m; i++) {
        multipliers[i] = q.fixedMultiplier(i).multiplier();
        shifts[i] = q.fixedMultiplier(i).shift();
      }
      zeroPoint = q.outputZeroPoint();
      lo = q.outputMin();
      hi = q.outputMax();
    }

    void run(Int8Rows rows, float[] sums, int plane, byte[] out) {
      rows.requantize(sums, bias.length, plane, bias, multipliers, shifts, zeroPoint, lo, hi, out);
    }
  }
}
