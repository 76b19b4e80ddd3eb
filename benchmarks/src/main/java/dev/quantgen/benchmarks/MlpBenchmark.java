package dev.quantgen.benchmarks;

import dev.quantgen.annotations.Precision;
import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import java.util.ArrayList;
import java.util.List;
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
 * The Fashion-MNIST MLP (784-256-128-10) end to end on its generated kernels, every precision,
 * batch 1 and 64, seeded weights with boundaries calibrated on seeded inputs. {@code path}: {@code
 * samples} calls {@code forward} once per sample (the only path before the batched products, kept
 * as the before/after baseline); {@code batched} calls {@code forwardBatch} once for the batch
 * (INT8 layers: one matrix product per layer, weights reused across the samples, rows split across
 * cores when large; other precisions run sample by sample inside). Score: microseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class MlpBenchmark {
  @Param({"FP32", "FP16", "INT8", "INT4", "BINARY"})
  public String precision;

  @Param({"1", "64"})
  public int batch;

  @Param({"samples", "batched"})
  public String path;

  private FashionMlp_Model model;
  private float[][] x;
  private float[] xs;
  private float[] ys;
  private final float[] y = new float[10];

  @Setup(Level.Trial)
  public void setUp() {
    List<DenseWeights> weights =
        List.of(
            DenseKernels.weights(784, 256),
            DenseKernels.weights(256, 128),
            DenseKernels.weights(128, 10));
    x = new float[batch][];
    for (int b = 0; b < batch; b++) {
      x[b] = DenseKernels.input(784, 100 + b);
      for (int i = 0; i < 784; i++) {
        x[b][i] = Math.abs(x[b][i]); // pixel intensities in [0, 1)
      }
    }
    FashionMlp_Model fp32 = FashionMlp_Model.builder().allLayers(Precision.FP32).build(weights);
    float[] lo = new float[4];
    float[] hi = new float[4];
    for (float[] sample : x) {
      float[][] trace = fp32.trace(sample);
      widen(sample, lo, hi, 0);
      for (int k = 0; k < 3; k++) {
        widen(trace[k], lo, hi, k + 1);
      }
    }
    List<ActivationParams> boundaries = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      boundaries.add(ActivationParams.fromRange(lo[k], hi[k]));
    }
    model =
        FashionMlp_Model.builder()
            .allLayers(Precision.valueOf(precision))
            .build(weights, boundaries);
    xs = new float[batch * 784];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x[b], 0, xs, b * 784, 784);
    }
    ys = new float[batch * 10];
  }

  private static void widen(float[] v, float[] lo, float[] hi, int k) {
    for (float f : v) {
      lo[k] = Math.min(lo[k], f);
      hi[k] = Math.max(hi[k], f);
    }
  }

  @Benchmark
  public void forward(Blackhole bh) {
    if (path.equals("batched")) {
      model.forwardBatch(xs, ys, batch);
      bh.consume(ys);
      return;
    }
    for (float[] sample : x) {
      model.forward(sample, y);
      bh.consume(y);
    }
  }
}
