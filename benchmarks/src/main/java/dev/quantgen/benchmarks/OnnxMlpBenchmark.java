package dev.quantgen.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.onnx.DenseOnnxExporter;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import java.nio.FloatBuffer;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * ONNX Runtime on the Fashion MLP of {@link MlpBenchmark}: the same seeded weights and inputs,
 * exported by the project's {@link DenseOnnxExporter} as the float graph (Gemm, Relu) or as the
 * static QDQ graph of the same model quantized here (per-channel int8 weights, uint8 activations
 * calibrated on the 64 benchmark inputs: ORT's usual u8s8 form; QDQ requantizes in float, as ORT's
 * fused kernels do), one session run per batch of 1 or 64 with as many intra-op threads as
 * quantgen's kernels may use. Score: microseconds per batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OnnxMlpBenchmark {
  private static final int CALIBRATION_SAMPLES = 64;

  @Param({"FP32", "INT8"})
  public String precision;

  @Param({"1", "64"})
  public int batch;

  private OrtSession session;
  private OnnxTensor input;

  @Setup(Level.Trial)
  public void setUp() throws OrtException {
    FloatModel model =
        FloatModel.of(
            List.of(
                new FloatLayer("fc1", DenseKernels.weights(784, 256), Activation.RELU),
                new FloatLayer("fc2", DenseKernels.weights(256, 128), Activation.RELU),
                new FloatLayer("fc3", DenseKernels.weights(128, 10), Activation.NONE)));
    float[] samples = inputs(CALIBRATION_SAMPLES);
    byte[] onnx;
    if (precision.equals("INT8")) {
      QuantizedModel q =
          PostTrainingQuantizer.quantize(
              model,
              PtqConfig.of(
                  LayerQuantization.of(Precision.INT8).withRequantization(RequantMode.FLOAT)),
              samples,
              CALIBRATION_SAMPLES);
      onnx = DenseOnnxExporter.staticQdq(q, QuantType.UINT8);
    } else {
      onnx = DenseOnnxExporter.fp32(model);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    session = OnnxModels.session(onnx);
    input = OnnxTensor.createTensor(env, FloatBuffer.wrap(inputs(batch)), new long[] {batch, 784});
  }

  /** {@link MlpBenchmark}'s inputs: seeded, as pixel intensities in [0, 1). */
  private static float[] inputs(int n) {
    float[] x = new float[n * 784];
    for (int b = 0; b < n; b++) {
      float[] sample = DenseKernels.input(784, 100 + b);
      for (int i = 0; i < 784; i++) {
        x[b * 784 + i] = Math.abs(sample[i]);
      }
    }
    return x;
  }

  @Benchmark
  public Object run() throws OrtException {
    try (OrtSession.Result result = session.run(Map.of(DenseOnnxExporter.INPUT, input))) {
      return result.get(0).getValue();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    input.close();
    session.close();
  }
}
