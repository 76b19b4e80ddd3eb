package dev.quantgen.benchmarks;

import dev.quantgen.runtime.kernel.Rows;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The roofline's memory side: a streaming read of {@link #BYTES} (far beyond the caches), split
 * across the kernels' thread count as a large layer's rows are. Bandwidth = BYTES / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemoryBandwidthBenchmark {
  /** 256 MiB: eight times the INT8 8192x4096 weights, many times any cache here. */
  public static final long BYTES = 256L << 20;

  private long[] data;
  private long[] partial;

  @Setup(Level.Trial)
  public void setUp() {
    data = new long[(int) (BYTES / 8)];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    partial = new long[(data.length + 3) / 4];
  }

  @Benchmark
  public long read() {
    long[] d = data;
    // rows of 1024 longs, split across threads like a layer; each row summed with four chains
    Rows.forEach(
        d.length / 1024,
        1L << 20,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            long a0 = 0;
            long a1 = 0;
            long a2 = 0;
            long a3 = 0;
            for (int i = r * 1024; i < r * 1024 + 1024; i += 4) {
              a0 += d[i];
              a1 += d[i + 1];
              a2 += d[i + 2];
              a3 += d[i + 3];
            }
            partial[r / 4] += a0 + a1 + a2 + a3;
          }
        });
    return partial[0];
  }
}
