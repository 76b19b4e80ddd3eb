package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The reference convolution with quantized weights and float activations in and out: the
 * convolution counterpart of the dense layer's DYNAMIC and weight-only modes ({@code
 * DenseReference.quantized}).
 *
 * <ul>
 *   <li>Weights: INT8 or INT4, symmetric per output channel on the restricted range, as {@link
 *       QuantizedConv2d} quantizes them: {@code sw[m] = max|w[m, ...]| / 127} (or {@code / 7}).
 *   <li>{@link ActivationMode#DYNAMIC}: each sample is quantized to uint8 as ONNX
 *       DynamicQuantizeLinear over all its values ({@code sa, za}: the range widened to include 0,
 *       NaN ignored, {@link LayerMath#dynamicScale}); {@code acc = sum (qa - za) * qw} in int32, a
 *       padded cell counting as {@code za} (real 0) as in {@code ConvInteger}; then {@code y =
 *       act(acc * (sa * sw[m]) + b[m])} in float32.
 *   <li>{@link ActivationMode#FLOAT} (weight-only): {@code facc = sum x * qw} in float32 in the
 *       order c, ky, kx exactly as {@link Conv2d} sums, then {@code y = act(facc * sw[m] + b[m])}.
 * </ul>
 *
 * <p>Construction rejects layers whose DYNAMIC int32 accumulator could overflow. Immutable and
 * thread-safe.
 */
public final class WeightQuantizedConv2d {
  private static final int MAX_ABS_INPUT = 255; // |qa - za| for uint8 qa and za

  private final IntTensor weights;
  private final QuantType weightType;
  private final float[] weightScales;
  private final float[] bias;
  private final int outChannels;
  private final int groups;
  private final Window2d window;
  private final Activation activation;
  private final ActivationMode mode;
  private final Conv2d
      integerWeights; // qw as float32, no bias, no activation: the weight-only sums

  private WeightQuantizedConv2d(
      FloatTensor floatWeights,
      FloatTensor floatBias,
      Window2d window,
      int groups,
      Activation activation,
      QuantType weightType,
      ActivationMode mode) {
    Conv2d shapeCheck = new Conv2d(floatWeights, floatBias, window, groups, activation);
    this.weightType = Objects.requireNonNull(weightType, "weightType");
    if (weightType != QuantType.INT8 && weightType != QuantType.INT4) {
      throw new IllegalArgumentException(
          "weightType: " + weightType.onnxName() + ", expected int8 or int4");
    }
    this.mode = Objects.requireNonNull(mode, "mode");
    if (mode != ActivationMode.DYNAMIC && mode != ActivationMode.FLOAT) {
      throw new IllegalArgumentException("mode: " + mode + ", expected DYNAMIC or FLOAT");
    }
    this.window = window;
    this.activation = activation;
    this.groups = groups;
    this.outChannels = shapeCheck.outChannels();
    int fanIn = floatWeights.size() / outChannels;
    QuantParams wq =
        RangeQuantizer.perRowSymmetric(floatWeights.toArray(), outChannels, fanIn, weightType);
    this.weights = wq.quantize(floatWeights);
    this.weightScales = wq.scales().toArray();
    this.bias = floatBias == null ? null : floatBias.toArray();
    long bound = (long) fanIn * MAX_ABS_INPUT * weightType.max();
    if (mode == ActivationMode.DYNAMIC && bound > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "weights: fan-in "
              + fanIn
              + " can reach "
              + bound
              + " in the accumulator, expected at most "
              + Integer.MAX_VALUE
              + " (int32)");
    }
    int[] q = weights.toArray();
    float[] qf = new float[q.length];
    for (int i = 0; i < q.length; i++) {
      qf[i] = q[i];
    }
    this.integerWeights =
        new Conv2d(FloatTensor.of(floatWeights.shape(), qf), null, window, groups, Activation.NONE);
  }

  /**
   * Quantizes a float convolution's weights.
   *
   * @param weights {@code [M, C / groups, kh, kw]}, finite
   * @param bias null for none, else {@code [M]} (kept in float32)
   * @param weightType INT8 or INT4
   * @param mode DYNAMIC or FLOAT
   * @throws IllegalArgumentException naming the argument that does not fit
   */
  public static WeightQuantizedConv2d quantize(
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      Activation activation,
      QuantType weightType,
      ActivationMode mode) {
    return new WeightQuantizedConv2d(weights, bias, window, groups, activation, weightType, mode);
  }

  /** The quantized weights {@code [M, C / groups, kh, kw]}, of {@link #weightType()}. */
  public IntTensor quantizedWeights() {
    return weights;
  }

  /** INT8 or INT4. */
  public QuantType weightType() {
    return weightType;
  }

  /** The per-output-channel weight scales {@code sw[m]}. */
  public FloatTensor weightScales() {
    return FloatTensor.of(Shape.of(outChannels), weightScales);
  }

  /** The float bias, or null. */
  public FloatTensor bias() {
    return bias == null ? null : FloatTensor.of(Shape.of(outChannels), bias);
  }

  /** DYNAMIC or FLOAT. */
  public ActivationMode mode() {
    return mode;
  }

  public Window2d window() {
    return window;
  }

  public int groups() {
    return groups;
  }

  public Activation activation() {
    return activation;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    return integerWeights.outputShape(input);
  }

  /** Runs the layer: float {@code [N, C, H, W]} in, float {@code [N, M, outH, outW]} out. */
  public FloatTensor apply(FloatTensor x) {
    Shape out = outputShape(x.shape());
    int plane = out.dim(2) * out.dim(3);
    float[] y = new float[out.size()];
    if (mode == ActivationMode.FLOAT) {
      float[] sums = integerWeights.sums(x).toArray();
      for (int i = 0; i < y.length; i++) {
        int m = i / plane % outChannels;
        y[i] = finish(sums[i] * weightScales[m], m);
      }
      return FloatTensor.of(out, y);
    }
    int sample = x.size() / out.dim(0);
    float[] xv = x.toArray();
    int[] centred = new int[xv.length];
    float[] sampleScale = new float[out.dim(0)];
    for (int n = 0; n < out.dim(0); n++) {
      // The range widened to include 0; NaN and +-Inf never widen it (LayerMath.widenLow).
      float lo = 0.0f;
      float hi = 0.0f;
      for (int i = n * sample; i < (n + 1) * sample; i++) {
        lo = LayerMath.widenLow(lo, xv[i]);
        hi = LayerMath.widenHigh(hi, xv[i]);
      }
      float sa = LayerMath.dynamicScale(lo, hi);
      int za = LayerMath.dynamicZeroPoint(lo, sa);
      sampleScale[n] = sa;
      for (int i = n * sample; i < (n + 1) * sample; i++) {
        centred[i] = LayerMath.quantize(xv[i], sa, za, 0, 255) - za;
      }
    }
    int[] acc =
        IntegerTaps.accumulate(centred, x.shape(), weights.toArray(), outChannels, groups, window);
    for (int i = 0; i < y.length; i++) {
      int m = i / plane % outChannels;
      y[i] = finish(acc[i] * (sampleScale[i / (plane * outChannels)] * weightScales[m]), m);
    }
    return FloatTensor.of(out, y);
  }

  private float finish(float v, int m) {
    return activation.apply(bias != null ? v + bias[m] : v);
  }
}
