package dev.quantgen.benchmarks;

import dev.quantgen.runtime.layer.DenseLayer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One dense layer, float in and float out, for every precision: the generated kernel against the
 * runtime's generic loop on the same prepared parameters. Batch 1 calls {@code forward}; a larger
 * batch calls {@code forwardBatch} once (static INT8/INT4 generated kernels: one matrix product
 * reusing each weight across the batch; every other kernel runs its samples one by one). Score:
 * microseconds per batch; G MAC/s = batch * in * out / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DenseBenchmark {
  @Param({"1024x1024", "8192x4096"})
  public String shape;

  @Param({"FP32", "FP16", "INT8", "INT4", "BINARY"})
  public String precision;

  @Param({"generated", "generic"})
  public String kernel;

  @Param({"1", "32", "64"})
  public int batch;

  private DenseLayer layer;
  private float[][] x;
  private float[] y;
  private float[] xs;
  private float[] ys;

  @Setup(Level.Trial)
  public void setUp() {
    layer = DenseKernels.create(shape, precision, kernel.equals("generated"));
    x = new float[batch][];
    for (int b = 0; b < batch; b++) {
      x[b] = DenseKernels.input(layer.inputSize(), b);
    }
    y = new float[layer.outputSize()];
    xs = new float[batch * layer.inputSize()];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x[b], 0, xs, b * layer.inputSize(), layer.inputSize());
    }
    ys = new float[batch * layer.outputSize()];
  }

  @Benchmark
  public void forward(Blackhole bh) {
    if (batch > 1) {
      layer.forwardBatch(xs, ys, batch);
      bh.consume(ys);
      return;
    }
    for (float[] sample : x) {
      layer.forward(sample, y);
      bh.consume(y);
    }
  }
}
