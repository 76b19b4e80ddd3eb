package dev.quantgen.benchmarks;

import dev.quantgen.runtime.numerics.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The Fashion-MNIST CNN end to end on its generated kernels ({@code FashionCnn_Model}: conv 1->16
 * 3x3 same, ReLU, maxpool 2, conv 16->32 3x3 same, ReLU, maxpool 2, fc 1568->128, ReLU, fc
 * 128->10), FP32 and static INT8 (calibrated on 16 seeded inputs), batch 1 and 64 through the
 * allocation-free {@code forwardBatch(x, y, batch)} (whole samples split across quantgen's threads
 * when the batch is large enough, as ONNX Runtime splits its batch across its intra-op threads).
 * Seeded random weights. Score: microseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class CnnBenchmark {
  /** Multiply-adds per sample: conv1 + conv2 + fc1 + fc2. */
  public static final long MACS =
      16L * 28 * 28 * 9 + 32L * 14 * 14 * 16 * 9 + 1568L * 128 + 128L * 10;

  @Param({"FP32", "INT8"})
  public String precision;

  @Param({"1", "64"})
  public int batch;

  private FashionCnn_Model.Fp32 fp32;
  private FashionCnn_Model.Int8 int8;
  private float[] x;
  private float[] y;

  @Setup(Level.Trial)
  public void setUp() {
    Map<String, FloatTensor> weights = CnnWeights.fashionCnn();
    List<float[]> calibration = new ArrayList<>();
    for (int s = 0; s < 16; s++) {
      calibration.add(CnnWeights.input(784, 1000 + s));
    }
    if (precision.equals("FP32")) {
      fp32 = FashionCnn_Model.fp32(weights);
    } else if (precision.equals("INT8")) {
      int8 = FashionCnn_Model.calibrate(weights, calibration);
    } else {
      throw new IllegalArgumentException("precision: expected FP32 or INT8, got " + precision);
    }
    y = new float[batch * FashionCnn_Model.OUTPUT_SIZE];
    x = new float[batch * FashionCnn_Model.INPUT_SIZE];
    for (int b = 0; b < batch; b++) {
      float[] sample = CnnWeights.input(784, b);
      System.arraycopy(sample, 0, x, b * 784, 784);
    }
  }

  @Benchmark
  public void forward(Blackhole bh) {
    if (fp32 != null) {
      fp32.forwardBatch(x, y, batch);
    } else {
      int8.forwardBatch(x, y, batch);
    }
    bh.consume(y);
  }
}
