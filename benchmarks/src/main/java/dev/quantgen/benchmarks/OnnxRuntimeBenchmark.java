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
 * ONNX Runtime (native MLAS kernels) on the dense shapes: FP32 MatMul and the QDQ INT8 model, with
 * as many intra-op threads as quantgen's kernels use ({@code quantgen.threads}, default: all
 * cores). The input tensor is created once; a run includes ORT's input binding and output copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnnxRuntimeBenchmark {
  @Param({"1024x1024", "8192x4096"})
  public String shape;

  @Param({"FP32", "INT8"})
  public String precision;

  @Param({"1", "32", "64"})
  public int batch;

  private OrtEnvironment env;
  private OrtSession session;
  private OnnxTensor input;

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    boolean big = shape.equals("8192x4096");
    int in = big ? 8192 : 1024;
    int out = big ? 4096 : 1024;
    byte[] model =
        precision.equals("FP32") ? OnnxModels.fp32MatMul(in, out) : OnnxModels.qdqMatMul(in, out);
    env = OrtEnvironment.getEnvironment();
    session = OnnxModels.session(model);
    float[] x = new float[batch * in];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(DenseKernels.input(in, b), 0, x, b * in, in);
    }
    input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, in});
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
