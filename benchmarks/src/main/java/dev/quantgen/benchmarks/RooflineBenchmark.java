package dev.quantgen.benchmarks;

import dev.quantgen.runtime.kernel.KernelSupport;
import dev.quantgen.runtime.kernel.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The roofline's arithmetic side, measured in the same run as the kernels instead of hard-coded,
 * one core each. {@code fma}: the float multiply-add throughput at the kernels' vector width
 * ({@link FmaProbe}: independent accumulators in registers, the instruction set's peak as Java
 * reaches it; the batched integer products also run on it, over panels converted to exact floats).
 * {@code int8}: the int8 widening loop ({@code dotInt8x4Restricted}) on four rows of {@link #N}
 * inputs that stay in L1. {@code binary}: XOR + popcount ({@code xorBitCount}, 64 binary
 * multiply-adds per word) on L1 data. Peak = {@link #macs} / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class RooflineBenchmark {
  /** Inputs per row: four rows of floats are 16 KiB, well inside L1. */
  public static final int N = 1024;

  /** Passes over the four rows per benchmark call. */
  public static final int PASSES = 64;

  @Param({"fma", "int8", "binary"})
  public String probe;

  /** The probe's addend, a field so the JIT cannot fold the FMA chains. */
  public float a = 1e-3f;

  private final KernelSupport k = Kernels.support();
  private byte[] wb;
  private byte[] xb;
  private int[] yi;
  private long[] bits;

  /** Multiply-adds of one call of {@code probe}. */
  public static long macs(String probe) {
    switch (probe) {
      case "fma":
        return FmaProbe.MACS;
      case "binary":
        return (long) PASSES * 4 * N * 64;
      default:
        return (long) PASSES * 4 * N;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(1);
    wb = new byte[4 * N];
    xb = new byte[N];
    yi = new int[4];
    bits = new long[4 * N];
    for (int i = 0; i < 4 * N; i++) {
      wb[i] = (byte) (random.nextInt(255) - 127);
      bits[i] = random.nextLong();
    }
    for (int i = 0; i < N; i++) {
      xb[i] = (byte) random.nextInt(256);
    }
  }

  @Benchmark
  public long probe() {
    long sink = 0;
    switch (probe) {
      case "fma":
        return Float.floatToRawIntBits(FmaProbe.run(0.999f, a));
      case "int8":
        for (int p = 0; p < PASSES; p++) {
          k.dotInt8x4Restricted(wb, 0, N, xb, N, yi, 0);
          sink += yi[p & 3];
        }
        return sink;
      default:
        for (int p = 0; p < PASSES; p++) {
          for (int r = 0; r < 4; r++) {
            sink += k.xorBitCount(bits, r * N, bits, ((r + 1) & 3) * N, N);
          }
        }
        return sink;
    }
  }
}
