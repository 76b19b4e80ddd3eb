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
 * The roofline's arithmetic side, measured in the same run as the kernels instead of hard-coded:
 * one core's multiply-add rate of the kernels' own inner loops on data that stays in L1 (four rows
 * of {@link #N} inputs), so memory never binds. {@code fma}: the float loop ({@code dotFloat4},
 * fused multiply-adds in the widest vectors the kernels use); {@code int8}: the int8 widening loop
 * ({@code dotInt8x4Restricted}); {@code binary}: XOR + popcount ({@code xorBitCount}, 64 binary
 * multiply-adds per word). Peak = {@link #macs} / time. A kernel's own loop, not the instruction
 * set's theoretical peak: the bound a layer can reach with these loops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RooflineBenchmark {
  /** Inputs per row: four rows of floats are 16 KiB, well inside L1. */
  public static final int N = 1024;

  /** Passes over the four rows per benchmark call. */
  public static final int PASSES = 64;

  @Param({"fma", "int8", "binary"})
  public String probe;

  private final KernelSupport k = Kernels.support();
  private float[] wf;
  private float[] xf;
  private float[] yf;
  private byte[] wb;
  private byte[] xb;
  private int[] yi;
  private long[] bits;

  /** Multiply-adds of one call of {@code probe}. */
  public static long macs(String probe) {
    return probe.equals("binary") ? (long) PASSES * 4 * N * 64 : (long) PASSES * 4 * N;
  }

  @Setup(Level.Trial)
  public void setUp() {
    Random random = new Random(1);
    wf = new float[4 * N];
    xf = new float[N];
    yf = new float[4];
    wb = new byte[4 * N];
    xb = new byte[N];
    yi = new int[4];
    bits = new long[4 * N];
    for (int i = 0; i < 4 * N; i++) {
      wf[i] = (float) random.nextGaussian();
      wb[i] = (byte) (random.nextInt(255) - 127);
      bits[i] = random.nextLong();
    }
    for (int i = 0; i < N; i++) {
      xf[i] = (float) random.nextGaussian();
      xb[i] = (byte) random.nextInt(256);
    }
  }

  @Benchmark
  public long probe() {
    long sink = 0;
    switch (probe) {
      case "fma":
        for (int p = 0; p < PASSES; p++) {
          k.dotFloat4(wf, 0, N, xf, N, yf, 0);
          sink += Float.floatToRawIntBits(yf[p & 3]);
        }
        return sink;
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
