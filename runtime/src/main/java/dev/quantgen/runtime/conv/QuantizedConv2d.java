package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FixedPoint;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The static INT8 reference convolution: int8 activations in and out, integer arithmetic only in
 * between (docs/numerics.md#2-scale-and-zero-point-from-a-range, docs/numerics.md#4-integer-kernels
 * and docs/numerics.md#5-requantization).
 *
 * <ul>
 *   <li>Weights: symmetric per output channel on the restricted range [-127, 127], {@code sw[m] =
 *       max|w[m, ...]| / 127}, zero point 0; or, for INT4 weights with int8 activations, on [-7, 7]
 *       with {@code sw[m] = max|w[m, ...]| / 7}. The kernel is the same: int4 values are held in
 *       the same int array as int8 ones.
 *   <li>Activations: asymmetric int8 per tensor, {@code (sx, zx)} in and {@code (sy, zy)} out, from
 *       calibration.
 *   <li>Bias: int32 {@code bq[m] = rint(b[m] / (sx * sw[m]))} (float32), zero point 0.
 *   <li>{@code acc[n, m, oy, ox] = bq[m] + sum (qx - zx) * qw[m, c, ky, kx]}; a padded cell counts
 *       as {@code zx}, i.e. as real 0, exactly as {@code ConvInteger} pads.
 *   <li>{@code qy = clamp(zy + requantize(acc, M[m]))} with {@code M[m] = sx * sw[m] / sy}, either
 *       integer-only ({@link RequantMode#INTEGER}: {@link FixedPoint}) or as ONNX {@code
 *       QLinearConv} ({@link RequantMode#FLOAT}); the clamp is [-128, 127], narrowed to {@code [zy,
 *       127]} by ReLU and to {@code [zy, quantize(6)]} by ReLU6.
 * </ul>
 *
 * <p>With {@link RequantMode#FLOAT} and no activation the output equals {@code QLinearConv} on the
 * same quantized operands bit for bit; the accumulator equals {@code ConvInteger} plus the bias.
 * Construction rejects layers whose int32 accumulator could overflow. Immutable and thread-safe.
 */
public final class QuantizedConv2d {
  private static final int MAX_ABS_INPUT = 255; // |qx - zx| for int8 qx and zx

  private final IntTensor weights;
  private final QuantType weightType;
  private final float[] weightScales;
  private final int[] bias;
  private final int outChannels;
  private final int channelsPerGroup;
  private final int groups;
  private final Window2d window;
  private final Activation activation;
  private final RequantMode mode;
  private final float inputScale;
  private final int inputZeroPoint;
  private final float outputScale;
  private final int outputZeroPoint;
  private final FixedPoint.Multiplier[] fixedMultipliers;
  private final float[] onnxMultipliers;
  private final int outputMin;
  private final int outputMax;

  /**
   * Quantizes float weights and bias as the class comment says, then builds the layer from them.
   */
  private static QuantizedConv2d fromFloat(
      FloatTensor floatWeights,
      FloatTensor floatBias,
      Window2d window,
      int groups,
      Activation activation,
      QuantParams input,
      QuantParams output,
      RequantMode mode,
      QuantType weightType) {
    // The float layer checks shapes, kernel and groups with the same messages.
    Conv2d shapeCheck = new Conv2d(floatWeights, floatBias, window, groups, activation);
    Objects.requireNonNull(weightType, "weightType");
    if (weightType != QuantType.INT8 && weightType != QuantType.INT4) {
      throw new IllegalArgumentException(
          "weightType: " + weightType.onnxName() + ", expected int8 or int4");
    }
    int outChannels = shapeCheck.outChannels();
    float inputScale = perTensorScale("input", input);
    int fanIn = floatWeights.size() / outChannels;
    QuantParams wq =
        RangeQuantizer.perRowSymmetric(floatWeights.toArray(), outChannels, fanIn, weightType);
    float[] weightScales = wq.scales().toArray();
    int[] bias = new int[outChannels];
    for (int m = 0; m < outChannels && floatBias != null; m++) {
      float b = floatBias.get(m);
      if (Float.isNaN(b) || Float.isInfinite(b)) {
        throw new IllegalArgumentException(
            "bias: element " + m + " is " + b + ", expected a finite value");
      }
      bias[m] = QuantType.INT32.saturate(Math.rint(b / (inputScale * weightScales[m])));
    }
    return new QuantizedConv2d(
        wq.quantize(floatWeights),
        weightType,
        weightScales,
        bias,
        window,
        groups,
        activation,
        input,
        output,
        mode);
  }

  private QuantizedConv2d(
      IntTensor weights,
      QuantType weightType,
      float[] weightScales,
      int[] bias,
      Window2d window,
      int groups,
      Activation activation,
      QuantParams input,
      QuantParams output,
      RequantMode mode) {
    this.window = window;
    this.activation = activation;
    this.mode = Objects.requireNonNull(mode, "mode");
    this.weightType = weightType;
    this.groups = groups;
    this.outChannels = weights.shape().dim(0);
    this.channelsPerGroup = weights.shape().dim(1);
    this.inputScale = perTensorScale("input", input);
    this.inputZeroPoint = input.zeroPoints().get(0);
    this.outputScale = perTensorScale("output", output);
    this.outputZeroPoint = output.zeroPoints().get(0);
    this.weights = weights;
    this.weightScales = weightScales.clone();
    this.bias = bias.clone();
    int fanIn = weights.size() / outChannels;
    this.fixedMultipliers = new FixedPoint.Multiplier[outChannels];
    this.onnxMultipliers = new float[outChannels];
    long maxAbsBias = 0;
    for (int m = 0; m < outChannels; m++) {
      maxAbsBias = Math.max(maxAbsBias, Math.abs((long) bias[m]));
      fixedMultipliers[m] =
          FixedPoint.quantizeMultiplier((double) inputScale * weightScales[m] / outputScale);
      onnxMultipliers[m] =
          inputScale * weightScales[m] / outputScale; // float32, left to right, as QLinearConv
    }
    // an imported weight may be -128 (one beyond the restricted range the quantizer writes), or up
    // to
    // 255 in magnitude when it carries a zero point; the bound takes the largest actually present
    long maxAbsWeight = weightType == QuantType.INT16 ? 0 : weightType.max();
    for (int i = 0; i < weights.size(); i++) {
      maxAbsWeight = Math.max(maxAbsWeight, Math.abs(weights.get(i)));
    }
    long bound = (long) fanIn * MAX_ABS_INPUT * maxAbsWeight + maxAbsBias;
    if (bound > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "weights: fan-in "
              + fanIn
              + " with |bias| up to "
              + maxAbsBias
              + " can reach "
              + bound
              + " in the accumulator, expected at most "
              + Integer.MAX_VALUE
              + " (int32)");
    }
    this.outputMin = activation.quantizedLower(outputScale, outputZeroPoint);
    this.outputMax = activation.quantizedUpper(outputScale, outputZeroPoint);
  }

  /**
   * A layer from parameters quantized elsewhere (for example a pre-quantized ONNX QDQ graph), run
   * with exactly the same integer arithmetic as a layer this class quantized itself: the int8
   * weights (zero point 0) with one scale per output channel, the int32 bias whose scale is {@code
   * sx * sw[m]}, and the per-tensor int8 input and output parameters as given.
   *
   * <p>Weights quantized with a zero point {@code zw} (uint8 weights, asymmetric int8 weights) are
   * passed as {@code qw - zw}: INT8 when every difference lies in [-128, 127], else INT16 with each
   * in [-255, 255]. The sum {@code (qx - zx) (qw - zw)} is then exactly ONNX's {@code ConvInteger}
   * / {@code QLinearConv} accumulator for those operands.
   *
   * @param weights {@code [M, C / groups, kh, kw]} of type INT8, or INT16 with each in [-255, 255]
   * @param weightScales {@code M} positive finite scales
   * @param bias {@code M} int32 values (zeros for none)
   * @throws IllegalArgumentException naming the argument that does not fit
   */
  public static QuantizedConv2d ofQuantized(
      IntTensor weights,
      float[] weightScales,
      int[] bias,
      Window2d window,
      int groups,
      Activation activation,
      QuantParams input,
      QuantParams output,
      RequantMode mode) {
    Objects.requireNonNull(weights, "weights");
    if (weights.type() != QuantType.INT8 && weights.type() != QuantType.INT16) {
      throw new IllegalArgumentException(
          "weights: type "
              + weights.type().onnxName()
              + ", expected int8, or int16"
              + " holding weights minus their zero point");
    }
    for (int i = 0; i < weights.size(); i++) {
      if (Math.abs(weights.get(i)) > 255) {
        throw new IllegalArgumentException(
            "weights: element "
                + i
                + " is "
                + weights.get(i)
                + ", expected -255..255 (an 8-bit weight minus its 8-bit zero point)");
      }
    }
    int[] d = weights.shape().dims();
    // The float layer checks shapes, kernel and groups with the same messages as the float path.
    float[] asFloats = new float[weights.size()];
    new Conv2d(FloatTensor.of(weights.shape(), asFloats), null, window, groups, activation);
    if (weightScales.length != d[0] || bias.length != d[0]) {
      throw new IllegalArgumentException(
          "weightScales and bias: "
              + weightScales.length
              + " and "
              + bias.length
              + " values, expected "
              + d[0]
              + " (one per output channel)");
    }
    for (int m = 0; m < d[0]; m++) {
      if (!(weightScales[m] > 0) || Float.isInfinite(weightScales[m])) {
        throw new IllegalArgumentException(
            "weightScales: element "
                + m
                + " is "
                + weightScales[m]
                + ", expected a positive finite scale");
      }
    }
    return new QuantizedConv2d(
        weights,
        weights.type(),
        weightScales,
        bias,
        window,
        groups,
        activation,
        input,
        output,
        mode);
  }

  /**
   * Quantizes a float convolution for static INT8 inference with int8 weights.
   *
   * @param weights {@code [M, C / groups, kh, kw]}, finite
   * @param bias null for none, else {@code [M]}, finite
   * @param input the per-tensor int8 parameters of the input activation
   * @param output the per-tensor int8 parameters of the output activation
   * @throws IllegalArgumentException naming the argument that does not fit
   */
  public static QuantizedConv2d quantize(
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      Activation activation,
      QuantParams input,
      QuantParams output,
      RequantMode mode) {
    return quantize(weights, bias, window, groups, activation, input, output, mode, QuantType.INT8);
  }

  /**
   * Quantizes a float convolution for int8 activations and weights of {@code weightType}: INT8
   * (restricted range [-127, 127]) or INT4 (restricted range [-7, 7], as for INT4 weights with int8
   * activations). Everything but the weight range is as in the int8-weight overload.
   *
   * @throws IllegalArgumentException naming the argument that does not fit, also for a {@code
   *     weightType} other than INT8 or INT4
   */
  public static QuantizedConv2d quantize(
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      Activation activation,
      QuantParams input,
      QuantParams output,
      RequantMode mode,
      QuantType weightType) {
    return fromFloat(weights, bias, window, groups, activation, input, output, mode, weightType);
  }

  private static float perTensorScale(String name, QuantParams p) {
    Objects.requireNonNull(p, name);
    if (p.granularity() != QuantParams.Granularity.PER_TENSOR || p.type() != QuantType.INT8) {
      throw new IllegalArgumentException(name + ": " + p + ", expected per-tensor int8 parameters");
    }
    return p.scales().get(0);
  }

  /** The quantized weights {@code [M, C / groups, kh, kw]}, of {@link #weightType()}. */
  public IntTensor quantizedWeights() {
    return weights;
  }

  /**
   * INT8 or INT4: the type, and so the restricted range, of the weights; INT16 for imported weights
   * minus a zero point ({@link #ofQuantized}).
   */
  public QuantType weightType() {
    return weightType;
  }

  /** The per-output-channel weight scales {@code sw[m]}. */
  public FloatTensor weightScales() {
    return FloatTensor.of(Shape.of(outChannels), weightScales);
  }

  /** The int32 bias {@code [M]} (zeros when the layer has none). */
  public IntTensor quantizedBias() {
    return IntTensor.of(Shape.of(outChannels), QuantType.INT32, bias);
  }

  public Window2d window() {
    return window;
  }

  /** How accumulators are mapped to int8. */
  public RequantMode requantMode() {
    return mode;
  }

  /** The input scale {@code sx}. */
  public float inputScale() {
    return inputScale;
  }

  /** The output scale {@code sy}. */
  public float outputScale() {
    return outputScale;
  }

  /** The input zero point {@code zx}. */
  public int inputZeroPoint() {
    return inputZeroPoint;
  }

  /** The output zero point {@code zy}. */
  public int outputZeroPoint() {
    return outputZeroPoint;
  }

  /** The smallest int8 output: -128, or {@code zy} under ReLU and ReLU6. */
  public int outputMin() {
    return outputMin;
  }

  /** The largest int8 output: 127, or {@code quantize(6)} under ReLU6. */
  public int outputMax() {
    return outputMax;
  }

  /** The fixed-point multiplier of output channel {@code m} ({@link RequantMode#INTEGER}). */
  public FixedPoint.Multiplier fixedMultiplier(int m) {
    return fixedMultipliers[m];
  }

  /**
   * The float32 multiplier {@code sx * sw[m] / sy} of output channel {@code m} ({@link
   * RequantMode#FLOAT}).
   */
  public float onnxMultiplier(int m) {
    return onnxMultipliers[m];
  }

  public int groups() {
    return groups;
  }

  public Activation activation() {
    return activation;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    int[] d = Nchw.require("x", input, channelsPerGroup * groups);
    WindowGeometry g = window.resolve(d[2], d[3]);
    return Shape.of(d[0], outChannels, g.outHeight(), g.outWidth());
  }

  /** The int32 accumulators, bias included, before requantization: {@code [N, M, outH, outW]}. */
  public IntTensor accumulate(IntTensor x) {
    return IntTensor.of(outputShape(x.shape()), QuantType.INT32, accumulators(x));
  }

  /** Runs the layer: int8 {@code [N, C, H, W]} in, int8 {@code [N, M, outH, outW]} out. */
  public IntTensor apply(IntTensor x) {
    Shape out = outputShape(x.shape());
    int[] acc = accumulators(x);
    int plane = out.dim(2) * out.dim(3);
    for (int i = 0; i < acc.length; i++) {
      int m = i / plane % outChannels;
      long q =
          mode == RequantMode.INTEGER
              ? (long) outputZeroPoint + fixedMultipliers[m].apply(acc[i])
              : (long) Math.rint((double) acc[i] * onnxMultipliers[m]) + outputZeroPoint;
      acc[i] = (int) Math.min(outputMax, Math.max(outputMin, q));
    }
    return IntTensor.of(out, QuantType.INT8, acc);
  }

  private int[] accumulators(IntTensor x) {
    if (x.type() != QuantType.INT8) {
      throw new IllegalArgumentException("x: type " + x.type().onnxName() + ", expected int8");
    }
    int[] d = Nchw.require("x", x.shape(), channelsPerGroup * groups);
    int batch = d[0];
    int channels = d[1];
    int inH = d[2];
    int inW = d[3];
    WindowGeometry g = window.resolve(inH, inW);
    int kh = window.kernelHeight();
    int kw = window.kernelWidth();
    int mPerGroup = outChannels / groups;
    int[] xv = x.toArray();
    for (int i = 0; i < xv.length; i++) {
      xv[i] -= inputZeroPoint; // padding is then 0, and each product needs no zero-point term
    }
    int[] wv = weights.toArray();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int sh = window.strideHeight();
    int sw = window.strideWidth();
    int[] acc = new int[batch * outChannels * outH * outW];
    for (int n = 0; n < batch; n++) {
      for (int m = 0; m < outChannels; m++) {
        int firstChannel = m / mPerGroup * channelsPerGroup;
        int yBase = (n * outChannels + m) * outH * outW;
        java.util.Arrays.fill(acc, yBase, yBase + outH * outW, bias[m]);
        for (int c = 0; c < channelsPerGroup; c++) {
          int xBase = (n * channels + firstChannel + c) * inH * inW;
          int wBase = (m * channelsPerGroup + c) * kh * kw;
          for (int ky = 0; ky < kh; ky++) {
            int tapY = ky * window.dilationHeight();
            int oyEnd = OutputRange.end(tapY, g.padTop(), sh, inH, outH);
            for (int kx = 0; kx < kw; kx++) {
              int w = wv[wBase + ky * kw + kx];
              int tapX = kx * window.dilationWidth();
              int oxFirst = OutputRange.first(tapX, g.padLeft(), sw);
              int oxEnd = OutputRange.end(tapX, g.padLeft(), sw, inW, outW);
              for (int oy = OutputRange.first(tapY, g.padTop(), sh); oy < oyEnd; oy++) {
                int xRow = xBase + (oy * sh + tapY - g.padTop()) * inW + tapX - g.padLeft();
                int yRow = yBase + oy * outW;
                for (int ox = oxFirst; ox < oxEnd; ox++) {
                  acc[yRow + ox] += xv[xRow + ox * sw] * w;
                }
              }
            }
          }
        }
      }
    }
    return acc;
  }
}
