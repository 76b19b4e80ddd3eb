package dev.quantgen.benchmarks;

import dev.quantgen.runtime.conv.ConvGeometry;
import dev.quantgen.runtime.conv.ConvKernels;
import dev.quantgen.runtime.conv.FloatConv;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.kernel.VectorShapes;
import dev.quantgen.runtime.numerics.Activation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import jdk.incubator.vector.VectorSpecies;

/**
 * The share of the FMA peak a convolution reaches, on a shared machine: rounds of the FP32 conv
 * kernel alternate with rounds of the {@link FmaProbe} (the kernels' own width, {@link
 * VectorShapes#FLOATS}), both timed in this thread's CPU time (so time the scheduler gives to other
 * processes counts for neither), and the ratio's min, median and max over the rounds after warm-up
 * are printed. A complement to the JMH runs, whose wall-clock peaks swing widely under load.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector [-Dquantgen.vectorBits=256] -cp ...
 * dev.quantgen.benchmarks.ConvPeakShare C H M} for a {@code C -> M} 3x3 same convolution on {@code
 * H x H}.
 */
public final class ConvPeakShare {
  private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  private ConvPeakShare() {}

  @SuppressWarnings(
      "DuplicateBranches") // `sink == 42 ? "" : ""` keeps the results alive for the JIT
  public static void main(String[] args) {
    int c = Integer.parseInt(args[0]);
    int h = Integer.parseInt(args[1]);
    int m = Integer.parseInt(args[2]);
    ConvGeometry g =
        ConvGeometry.of(c, h, h, m, 1, Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER));
    java.util.Random random = new java.util.Random(1);
    float[] w = new float[m * c * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] x = new float[c * h * h];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    float[] y = new float[m * h * h];
    FloatConv kernel = ConvKernels.fp32(g, w, new float[m], Activation.RELU);
    int calls = (int) Math.max(1, 200_000_000L / g.macs());
    List<Double> shares = new ArrayList<>();
    float sink = 0;
    for (int round = 0; round < 30; round++) {
      long t0 = CPU.getCurrentThreadCpuTime();
      for (int i = 0; i < calls; i++) {
        kernel.forward(x, y);
      }
      long conv = CPU.getCurrentThreadCpuTime() - t0;
      long t1 = CPU.getCurrentThreadCpuTime();
      sink += FmaProbe.run(0.999f, 1e-3f, 1_000_000);
      long peak = CPU.getCurrentThreadCpuTime() - t1;
      double convRate = g.macs() * (double) calls / conv;
      double peakRate = 1_000_000.0 * FmaProbe.CHAINS * S.length() / peak;
      if (round >= 10) {
        shares.add(convRate / peakRate);
      }
      sink += y[round % y.length];
    }
    Collections.sort(shares);
    System.out.printf(
        "%d->%d 3x3 on %dx%d (%d MACs), %s: share of the %d-bit FMA peak over %d rounds:"
            + " min %.0f%%, median %.0f%%, max %.0f%%%s%n",
        c,
        m,
        h,
        h,
        g.macs(),
        kernel.name(),
        S.vectorBitSize(),
        shares.size(),
        100 * shares.get(0),
        100 * shares.get(shares.size() / 2),
        100 * shares.get(shares.size() - 1),
        sink == 42 ? "" : "");
  }
}
