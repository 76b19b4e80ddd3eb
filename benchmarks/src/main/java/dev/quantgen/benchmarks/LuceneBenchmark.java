package dev.quantgen.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.util.VectorUtil;
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
 * The pure-Java int8 peer: Lucene's {@code VectorUtil.dotProduct(byte[], byte[])} once per output
 * row (one thread), against quantgen's int8 rows of the same shape. On JDK 17 Lucene 9 uses its
 * scalar implementation (its Panama code needs JDK 20+); on 21+ it vectorizes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class LuceneBenchmark {
  @Param({"1024x1024", "8192x4096"})
  public String shape;

  private byte[][] rows;
  private byte[] x;
  private int[] acc;

  @Setup(Level.Trial)
  public void setUp() {
    boolean big = shape.equals("8192x4096");
    int in = big ? 8192 : 1024;
    int out = big ? 4096 : 1024;
    Random random = new Random(3);
    rows = new byte[out][in];
    for (byte[] row : rows) {
      random.nextBytes(row);
    }
    x = new byte[in];
    random.nextBytes(x);
    acc = new int[out];
  }

  @Benchmark
  public int[] gemv() {
    for (int c = 0; c < rows.length; c++) {
      acc[c] = VectorUtil.dotProduct(rows[c], x);
    }
    return acc;
  }
}
