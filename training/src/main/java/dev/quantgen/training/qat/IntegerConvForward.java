package dev.quantgen.training.qat;

import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.EvaluationKernel;
import java.util.Objects;

/**
 * Evaluates an INT8/INT4 fake-quant convolution (or a dense layer, as the 1x1 convolution over
 * {@code [in, 1, 1]} that static INT8 executors of convolutional models run) on the reference
 * integer convolution {@link QuantizedConv2d}: int8 input codes from the input boundary, the exact
 * int32 accumulator with the int32 bias, integer-only requantization with the fused activation,
 * dequantized to {@code (q - zo) * so}, which the output {@link ActivationQuant} maps back to the
 * same {@code q}. An integer model that builds its layers with {@link #quantize} from the same
 * float weights and boundaries therefore predicts exactly what the evaluated fake-quant network
 * predicts (see {@link IntegerKernelForward} for why the float fake-quant pass alone does not).
 * Until both boundary ranges are known the layer keeps its float pass.
 */
public final class IntegerConvForward implements EvaluationKernel {
  private final ActivationQuant input;
  private final IntegerWeightTransform weights;
  private final ActivationQuant output;
  private final Activation activation;
  private final int[] inputShape; // [C, H, W] of one sample
  private final int kernel;
  private final Window2d window;

  private IntegerConvForward(
      ActivationQuant input,
      IntegerWeightTransform weights,
      ActivationQuant output,
      Activation activation,
      int[] inputShape,
      int kernel,
      Window2d window) {
    this.input = Objects.requireNonNull(input, "input");
    this.weights = Objects.requireNonNull(weights, "weights");
    this.output = Objects.requireNonNull(output, "output");
    this.activation = Objects.requireNonNull(activation, "activation");
    this.inputShape = inputShape;
    this.kernel = kernel;
    this.window = window;
  }

  /**
   * A square convolution, stride 1, zero padding {@code padding} (the shape of {@code
   * dev.quantgen.training.network.Convolution}) on inputs {@code [channels, height, width]}.
   */
  public static IntegerConvForward convolution(
      ActivationQuant input,
      IntegerWeightTransform weights,
      ActivationQuant output,
      Activation activation,
      int channels,
      int height,
      int width,
      int kernel,
      int padding) {
    return new IntegerConvForward(
        input,
        weights,
        output,
        activation,
        new int[] {channels, height, width},
        kernel,
        Window2d.of(kernel, kernel).withPads(padding, padding, padding, padding));
  }

  /** A dense layer of {@code in} inputs, run as a 1x1 convolution over {@code [in, 1, 1]}. */
  public static IntegerConvForward dense(
      ActivationQuant input,
      IntegerWeightTransform weights,
      ActivationQuant output,
      Activation activation,
      int in) {
    return new IntegerConvForward(
        input, weights, output, activation, new int[] {in, 1, 1}, 1, Window2d.of(1, 1));
  }

  /** The int8 parameters of an activation boundary, as the integer convolution takes them. */
  public static QuantParams int8(ActivationQuant boundary) {
    ActivationParams p = boundary.params();
    return QuantParams.perTensor(p.scale(), p.zeroPoint(), QuantType.INT8);
  }

  /**
   * The integer layer for float weights {@code [M][C*k*k]} and bias {@code [M]}: what evaluation
   * runs and what an integer model of the same network must build.
   */
  public QuantizedConv2d quantize(float[] weight, float[] bias) {
    int m = bias.length;
    FloatTensor w = FloatTensor.of(Shape.of(m, inputShape[0], kernel, kernel), weight);
    return QuantizedConv2d.quantize(
        w,
        FloatTensor.of(Shape.of(m), bias),
        window,
        1,
        activation,
        int8(input),
        int8(output),
        RequantMode.INTEGER,
        weights.type());
  }

  @Override
  public DenseLayer prepare(String name, int in, int out, float[] weight, float[] bias) {
    if (!input.initialized() || !output.initialized()) {
      return null;
    }
    QuantizedConv2d layer = quantize(weight, bias);
    QuantParams from = int8(input);
    QuantParams to = int8(output);
    Shape sample = Shape.of(1, inputShape[0], inputShape[1], inputShape[2]);
    return new DenseLayer() {
      @Override
      public int inputSize() {
        return in;
      }

      @Override
      public int outputSize() {
        return out;
      }

      @Override
      public void forward(float[] x, float[] y) {
        IntTensor q = from.quantize(FloatTensor.of(sample, x));
        FloatTensor result = to.dequantize(layer.apply(q));
        for (int i = 0; i < out; i++) {
          y[i] = result.get(i);
        }
      }
    };
  }
}
