package dev.quantgen.benchmarks;

import dev.quantgen.runtime.kernel.KernelSupport;
import dev.quantgen.runtime.kernel.Kernels;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12's question, measured: does an integer loop that C2 turns into {@code vpmaddwd} ({@code
 * vpdpwssd} with AVX512-VNNI) beat the batched int8 product quantgen runs today (int8 panels
 * converted to exact floats, an outer-product FMA tile in the Vector API)? One core, the product of
 * a 256 x 1024 int8 matrix and 64 samples, three ways:
 *
 * <ul>
 *   <li>{@code panelFloatTile}: {@link KernelSupport#gemmInt8} on its panels (what layers run);
 *   <li>{@code mulAddS2I}: the JDK's {@code TestMulAddS2I} shape, {@code c[j] += a[2j] * b[2j] +
 *       a[2j+1] * b[2j+1]} over {@code short} arrays, as the outer-product step of a 128-row panel
 *       (weights stored in row pairs, the sample's input pair repeated along the panel);
 *   <li>{@code floatLoop}: the same outer product as a plain float loop (what C2's auto-vectorizer
 *       makes of it without the Vector API).
 * </ul>
 *
 * Results are G MAC/s = {@code 256 * 1024 * 64 / time}; compare the three in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class IntegerLoopShapesBenchmark {
  static final int ROWS = 256;
  static final int N = 1024;
  static final int BATCH = 64;
  static final int PANEL = 128;

  private final KernelSupport k = Kernels.support();
  private byte[] w;
  private byte[] panels;
  private byte[] x;
  private int[] acc;
  private short[] pairs; // [ROWS / PANEL][N / 2][PANEL][2]
  private short[] xs;
  private short[] repeated = new short[2 * PANEL];
  private float[] wf; // [ROWS / PANEL][N][PANEL]
  private float[] xf;
  private float[] accf;

  @Setup
  public void setUp() {
    Random r = new Random(12);
    w = new byte[ROWS * N];
    r.nextBytes(w);
    x = new byte[BATCH * N];
    r.nextBytes(x);
    panels = k.int8Panels(w, ROWS, N);
    acc = new int[BATCH * ROWS];
    pairs = new short[ROWS * N];
    wf = new float[ROWS * N];
    for (int p0 = 0; p0 < ROWS; p0 += PANEL) {
      for (int i = 0; i < N; i++) {
        for (int j = 0; j < PANEL; j++) {
          pairs[p0 * N + (i / 2) * 2 * PANEL + 2 * j + (i & 1)] = w[(p0 + j) * N + i];
          wf[p0 * N + i * PANEL + j] = w[(p0 + j) * N + i];
        }
      }
    }
    xs = new short[BATCH * N];
    xf = new float[BATCH * N];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = x[i];
      xf[i] = x[i];
    }
    accf = new float[BATCH * ROWS];
  }

  @Benchmark
  public int[] panelFloatTile() {
    k.gemmInt8(w, panels, N, 0, ROWS, x, BATCH, acc, ROWS);
    return acc;
  }

  @Benchmark
  public int[] mulAddS2I() {
    java.util.Arrays.fill(acc, 0);
    for (int p0 = 0; p0 < ROWS; p0 += PANEL) {
      for (int s = 0; s < BATCH; s++) {
        for (int p = 0; p < N / 2; p++) {
          short x0 = xs[s * N + 2 * p];
          short x1 = xs[s * N + 2 * p + 1];
          for (int j = 0; j < PANEL; j++) {
            repeated[2 * j] = x0;
            repeated[2 * j + 1] = x1;
          }
          step(pairs, p0 * N + p * 2 * PANEL, repeated, acc, s * ROWS + p0);
        }
      }
    }
    return acc;
  }

  /** The {@code TestMulAddS2I} shape: C2 vectorizes it into vpmaddwd (vpdpwssd with VNNI). */
  private static void step(short[] a, int aOff, short[] b, int[] c, int cOff) {
    for (int j = 0; j < PANEL; j++) {
      c[cOff + j] += a[aOff + 2 * j] * b[2 * j] + a[aOff + 2 * j + 1] * b[2 * j + 1];
    }
  }

  @Benchmark
  public float[] floatLoop() {
    java.util.Arrays.fill(accf, 0);
    for (int p0 = 0; p0 < ROWS; p0 += PANEL) {
      for (int s = 0; s < BATCH; s++) {
        int c = s * ROWS + p0;
        for (int i = 0; i < N; i++) {
          float v = xf[s * N + i];
          int a = p0 * N + i * PANEL;
          for (int j = 0; j < PANEL; j++) {
            accf[c + j] += wf[a + j] * v;
          }
        }
      }
    }
    return accf;
  }
}
