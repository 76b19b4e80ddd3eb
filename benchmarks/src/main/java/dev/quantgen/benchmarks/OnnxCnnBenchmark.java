package dev.quantgen.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX Runtime on the Fashion CNN of {@link CnnBenchmark} ({@link OnnxCnn}): the float graph and
 * the QDQ graph, one session run per batch of 1 or 64 with as many intra-op threads as quantgen's
 * kernels may use. Score: microseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnnxCnnBenchmark {
  @Param({"FP32", "INT8"})
  public String precision;

  @Param({"1", "64"})
  public int batch;

  private OrtSession session;
  private OnnxTensor input;

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    session = OnnxModels.session(OnnxCnn.model(precision.equals("INT8")));
    float[] x = new float[batch * 784];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(CnnWeights.input(784, b), 0, x, b * 784, 784);
    }
    input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 1, 28, 28});
  }

  @Benchmark
  public Object run() throws OrtException {
    try (OrtSession.Result result = session.run(Map.of("X", input))) {
      return result.get(0).getValue();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    input.close();
    session.close();
  }
}
