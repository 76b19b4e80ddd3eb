package dev.quantgen.benchmarks;

import dev.quantgen.runtime.kernel.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA throughput of one core at the kernels' own vector width ({@link VectorShapes#FLOATS}: 512
 * bits on AVX-512, 256 on AVX2): twelve independent accumulators, enough to hide the FMA latency on
 * two pipes, updated from registers only, so neither loads nor memory bind. It is the instruction
 * set's float multiply-add peak as Java reaches it, the bound no kernel loop exceeds.
 */
final class FmaProbe {
  private static final VectorSpecies<Float> S = VectorShapes.FLOATS;

  /** Independent FMA chains. */
  static final int CHAINS = 12;

  /**
   * Lane multiply-adds of one {@link #run} at any width: {@code 12 x 16 x 8192}, divisible by
   * {@code 12 x} 4, 8 and 16 lanes, so the count does not depend on the machine.
   */
  static final long MACS = (long) CHAINS * 16 * 8192;

  private FmaProbe() {}

  /** Vector bits of the probe (and of the kernels). */
  static int bits() {
    return S.vectorBitSize();
  }

  /** {@link #MACS} lane multiply-adds; the result keeps them alive. */
  static float run(float a, float b) {
    return run(a, b, (int) (MACS / ((long) CHAINS * S.length())));
  }

  /** {@code steps x 12} vector FMAs ({@code steps x 12 x lanes} multiply-adds). */
  static float run(float a, float b, int steps) {
    FloatVector m = FloatVector.broadcast(S, a);
    FloatVector c = FloatVector.broadcast(S, b);
    FloatVector x0 = FloatVector.broadcast(S, 1f);
    FloatVector x1 = x0.add(c);
    FloatVector x2 = x1.add(c);
    FloatVector x3 = x2.add(c);
    FloatVector x4 = x3.add(c);
    FloatVector x5 = x4.add(c);
    FloatVector x6 = x5.add(c);
    FloatVector x7 = x6.add(c);
    FloatVector x8 = x7.add(c);
    FloatVector x9 = x8.add(c);
    FloatVector x10 = x9.add(c);
    FloatVector x11 = x10.add(c);
    for (int i = 0; i < steps; i++) {
      x0 = x0.fma(m, c);
      x1 = x1.fma(m, c);
      x2 = x2.fma(m, c);
      x3 = x3.fma(m, c);
      x4 = x4.fma(m, c);
      x5 = x5.fma(m, c);
      x6 = x6.fma(m, c);
      x7 = x7.fma(m, c);
      x8 = x8.fma(m, c);
      x9 = x9.fma(m, c);
      x10 = x10.fma(m, c);
      x11 = x11.fma(m, c);
    }
    return x0.add(x1)
        .add(x2)
        .add(x3)
        .add(x4)
        .add(x5)
        .add(x6)
        .add(x7)
        .add(x8)
        .add(x9)
        .add(x10)
        .add(x11)
        .reduceLanes(VectorOperators.ADD);
  }
}
