package dev.quantgen.benchmarks;

import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
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
 * One convolution layer, one sample: the generated kernel against the runtime's generic loop
 * ({@link Conv2d}, {@link QuantizedConv2d}) on the same weights. {@code conv2} is the Fashion CNN's
 * 16 -> 32 channels 3x3 same on 14x14 (0.90 M multiply-adds), {@code conv3x3} a larger 64 -> 64 3x3
 * on 28x28 with same padding (28.9 M). INT8 runs int8 to int8 ({@code forwardQuantized}, static
 * per-tensor activations, per-channel symmetric weights); FP32 float to float. Score: microseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ConvBenchmark {
  @Param({"conv2", "conv3x3"})
  public String layer;

  @Param({"FP32", "INT8"})
  public String precision;

  @Param({"generated", "generic"})
  public String kernel;

  private Runnable run;

  /** Multiply-adds of one sample through {@code layer}. */
  public static long macs(String layer) {
    return layer.equals("conv2") ? 32L * 14 * 14 * 16 * 9 : 64L * 28 * 28 * 64 * 9;
  }

  @Setup(Level.Trial)
  public void setUp() {
    boolean small = layer.equals("conv2");
    if (!small && !layer.equals("conv3x3")) {
      throw new IllegalArgumentException("layer: expected conv2 or conv3x3, got " + layer);
    }
    int c = small ? 16 : 64;
    int m = small ? 32 : 64;
    int k = 3;
    int h = small ? 14 : 28;
    Random random = new Random(3);
    FloatTensor w = CnnWeights.weights(random, m, c, k, k);
    FloatTensor b = CnnWeights.bias(random, m);
    float[] x = CnnWeights.input(c * h * h, 5);
    boolean generated = kernel.equals("generated");
    if (precision.equals("FP32")) {
      float[] y = new float[small ? CnnLayers_Conv2_Fp32.OUT : CnnLayers_Conv3x3_Fp32.OUT];
      if (generated) {
        if (small) {
          CnnLayers_Conv2_Fp32 g = new CnnLayers_Conv2_Fp32(w, b);
          run = () -> g.forward(x, y);
        } else {
          CnnLayers_Conv3x3_Fp32 g = new CnnLayers_Conv3x3_Fp32(w, b);
          run = () -> g.forward(x, y);
        }
      } else {
        Conv2d generic =
            new Conv2d(
                w,
                b,
                small ? CnnLayers_Conv2_Fp32.WINDOW : CnnLayers_Conv3x3_Fp32.WINDOW,
                1,
                CnnLayers_Conv2_Fp32.ACTIVATION);
        FloatTensor input = FloatTensor.of(Shape.of(1, c, h, h), x);
        run = () -> sink = generic.apply(input);
      }
      return;
    }
    if (!precision.equals("INT8")) {
      throw new IllegalArgumentException("precision: expected FP32 or INT8, got " + precision);
    }
    // inputs in [0, 1), outputs of a ReLU layer in about [0, 2]
    QuantParams in =
        QuantParams.perTensor(
            ActivationParams.fromRange(0f, 1f).scale(),
            ActivationParams.fromRange(0f, 1f).zeroPoint(),
            QuantType.INT8);
    QuantParams out =
        QuantParams.perTensor(
            ActivationParams.fromRange(0f, 2f).scale(),
            ActivationParams.fromRange(0f, 2f).zeroPoint(),
            QuantType.INT8);
    QuantizedConv2d q =
        QuantizedConv2d.quantize(
            w,
            b,
            small ? CnnLayers_Conv2_Int8.WINDOW : CnnLayers_Conv3x3_Int8.WINDOW,
            1,
            CnnLayers_Conv2_Int8.ACTIVATION,
            in,
            out,
            CnnLayers_Conv2_Int8.REQUANT_MODE);
    byte[] qx = new byte[x.length];
    int[] values = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      values[i] = ActivationParams.fromRange(0f, 1f).quantize(x[i]);
      qx[i] = (byte) values[i];
    }
    if (generated) {
      byte[] qy = new byte[small ? CnnLayers_Conv2_Int8.OUT : CnnLayers_Conv3x3_Int8.OUT];
      if (small) {
        CnnLayers_Conv2_Int8 g = new CnnLayers_Conv2_Int8(q);
        run = () -> g.forwardQuantized(qx, qy);
      } else {
        CnnLayers_Conv3x3_Int8 g = new CnnLayers_Conv3x3_Int8(q);
        run = () -> g.forwardQuantized(qx, qy);
      }
    } else {
      IntTensor input = IntTensor.of(Shape.of(1, c, h, h), QuantType.INT8, values);
      run = () -> sink = q.apply(input);
    }
  }

  private Object sink;

  @Benchmark
  public Object forward() {
    run.run();
    return sink;
  }
}
