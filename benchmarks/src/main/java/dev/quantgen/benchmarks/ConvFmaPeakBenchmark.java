package dev.quantgen.benchmarks;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The single-core FMA peak the convolution targets are a share of, measured rather than taken from
 * a data sheet: twelve independent accumulators (enough to hide the FMA latency on two pipes) each
 * doing {@value #STEPS} fused multiply-adds of the preferred vector width (512 bits on AVX-512, 256
 * on AVX2) and of 256 bits. Score: multiply-adds (lanes) per microsecond, so {@code score / 1000}
 * is GMAC/s, directly comparable with {@link ConvBenchmark}'s {@code macs / us / 1000}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvFmaPeakBenchmark {
  private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Float> V256 = FloatVector.SPECIES_256;
  static final int STEPS = 1024;
  private static final int ACCUMULATORS = 12;

  public float a = 0.999f;
  public float b = 1e-3f;

  @Benchmark
  @OperationsPerInvocation(STEPS * ACCUMULATORS * 16)
  public float fmaPreferred() {
    if (PREFERRED.length() != 16) {
      throw new IllegalStateException(
          "preferred width is " + PREFERRED.vectorBitSize() + " bits: use fma256's row");
    }
    return fma(PREFERRED, a, b);
  }

  @Benchmark
  @OperationsPerInvocation(STEPS * ACCUMULATORS * 8)
  public float fma256() {
    return fma(V256, a, b);
  }

  private static float fma(VectorSpecies<Float> s, float a, float b) {
    FloatVector m = FloatVector.broadcast(s, a);
    FloatVector c = FloatVector.broadcast(s, b);
    FloatVector x0 = FloatVector.broadcast(s, 1f);
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
    for (int i = 0; i < STEPS; i++) {
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
        .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }
}
