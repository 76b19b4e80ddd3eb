package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FixedPoint;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * The prepared parameters of an INT8 or INT4 dense layer: what a model file stores and what a
 * generated kernel (or {@link DenseReference}) runs on.
 *
 * <p>{@code weights}: INT8 holds {@code [out][in]} int8 values; INT4 packs each row into {@code
 * ceil(in / 2)} bytes, element {@code 2i} in the low nibble and {@code 2i + 1} in the high nibble
 * (ONNX order), a row of odd length leaving its last high nibble 0 (rows start on a byte, as in
 * ONNX Runtime's MatMulNBits, so a kernel never splits a byte between channels). {@code scales} and
 * {@code zeroPoints}: one entry per tensor, or {@code out * groups} entries (channel-major) where
 * {@code groups = ceil(in / blockSize)} (1 without blocks). {@code bias}: {@code out} float values
 * or {@code null}. {@code requantization}: only for {@link ActivationMode#STATIC}.
 */
public record QuantizedDenseParams(
    QuantizedDenseConfig config,
    int in,
    int out,
    byte[] weights,
    float[] scales,
    int[] zeroPoints,
    float[] bias,
    StaticRequantization requantization) {

  /** Checks the array lengths against the shape and copies the arrays. */
  public QuantizedDenseParams {
    int scaleCount = config.perChannel() ? out * config.groups(in) : 1;
    LayerMath.requireLength("weights", weights.length, out * config.rowBytes(in));
    LayerMath.requireLength("scales", scales.length, scaleCount);
    LayerMath.requireLength("zeroPoints", zeroPoints.length, scaleCount);
    if (bias != null) {
      LayerMath.requireLength("bias", bias.length, out);
    }
    if ((config.mode() == ActivationMode.STATIC) != (requantization != null)) {
      throw new IllegalArgumentException(
          "requantization: expected "
              + (config.mode() == ActivationMode.STATIC ? "parameters" : "null")
              + " for mode "
              + config.mode());
    }
    weights = weights.clone();
    scales = scales.clone();
    zeroPoints = zeroPoints.clone();
    bias = bias == null ? null : bias.clone();
  }

  @Override
  public byte[] weights() {
    return weights.clone();
  }

  @Override
  public float[] scales() {
    return scales.clone();
  }

  @Override
  public int[] zeroPoints() {
    return zeroPoints.clone();
  }

  @Override
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** The unpacked quantized weight of output {@code c}, input {@code i}. */
  public int weight(int c, int i) {
    if (config.weightType() == QuantType.INT8) {
      return weights[c * in + i];
    }
    int b = weights[c * config.rowBytes(in) + i / 2];
    return (i & 1) == 0 ? (b << 28) >> 28 : b >> 4;
  }

  /** Index into {@code scales}/{@code zeroPoints} for output {@code c}, scale group {@code g}. */
  public int scaleIndex(int c, int g) {
    return config.perChannel() ? c * config.groups(in) + g : 0;
  }

  /**
   * {@code sum(qw)} over scale group {@code g} of output {@code c}: the zero-point correction term.
   */
  public int weightSum(int c, int g) {
    int size = config.groupSize(in);
    int sum = 0;
    for (int i = g * size; i < Math.min(in, (g + 1) * size); i++) {
      sum += weight(c, i);
    }
    return sum;
  }

  /**
   * Quantizes FP32 weights as docs/numerics.md#2-scale-and-zero-point-from-a-range says (per
   * tensor, per channel or per block; symmetric in the restricted range or asymmetric), and for
   * STATIC layers derives the int32 bias, the multipliers and the output clamp from the calibrated
   * boundary parameters.
   *
   * @param layer the layer's name, used in error messages
   * @param input the input boundary parameters (STATIC only; ignored otherwise, may be null)
   * @param output the output boundary parameters (STATIC only; ignored otherwise, may be null)
   * @throws IllegalArgumentException if STATIC parameters are missing, or a channel's bias makes
   *     its int32 accumulator overflow: {@code 255 * sum|qw - zw| + |bq|} must stay below 2^31
   */
  public static QuantizedDenseParams prepare(
      String layer,
      DenseWeights weights,
      QuantizedDenseConfig config,
      ActivationParams input,
      ActivationParams output) {
    int in = weights.in();
    int out = weights.out();
    WeightQuantizer.Result q = WeightQuantizer.quantize(weights, config);
    byte[] stored =
        config.weightType() == QuantType.INT8 ? toBytes(q.values()) : packInt4(q.values(), in, out);
    StaticRequantization requant = null;
    if (config.mode() == ActivationMode.STATIC) {
      if (input == null || output == null) {
        throw new IllegalArgumentException(
            "activation params for "
                + layer
                + ": expected calibrated input and "
                + "output params for static activations, got input = "
                + input
                + ", output = "
                + output);
      }
      requant = staticRequantization(layer, weights, config, q, input, output);
    }
    return new QuantizedDenseParams(
        config, in, out, stored, q.scales(), q.zeroPoints(), weights.bias(), requant);
  }

  private static StaticRequantization staticRequantization(
      String layer,
      DenseWeights weights,
      QuantizedDenseConfig config,
      WeightQuantizer.Result q,
      ActivationParams input,
      ActivationParams output) {
    int in = weights.in();
    int out = weights.out();
    float[] scales = q.scales();
    int[] zeroPoints = q.zeroPoints();
    int n = scales.length;
    int[] multipliers = new int[n];
    int[] shifts = new int[n];
    float[] real = new float[n];
    for (int k = 0; k < n; k++) {
      FixedPoint.Multiplier m =
          FixedPoint.quantizeMultiplier((double) input.scale() * scales[k] / output.scale());
      multipliers[k] = m.multiplier();
      shifts[k] = m.shift();
      real[k] = input.scale() * scales[k] / output.scale();
    }
    int[] bias = new int[out];
    for (int c = 0; c < out; c++) {
      int k = config.perChannel() ? c : 0;
      float accScale = input.scale() * scales[k];
      double bq = Math.rint(weights.bias(c) / accScale);
      long l1 = 0;
      for (int i = 0; i < in; i++) {
        l1 += Math.abs(q.values()[c * in + i] - zeroPoints[k]);
      }
      // |acc| <= max|qa - za| * sum|qw - zw| + |bq|, with max|qa - za| = 255 for int8 activations.
      double bound = 255.0 * l1 + Math.abs(bq);
      if (bound > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "bias of "
                + layer
                + ", channel "
                + c
                + ": the int32 accumulator could "
                + "overflow (255 * sum|qw - zw| + |bq| = "
                + (long) bound
                + " > 2^31 - 1 with bq = "
                + (long) bq
                + "); expected a smaller bias or a larger input scale");
      }
      bias[c] = (int) bq;
    }
    int zy = output.zeroPoint();
    Activation act = config.activation();
    int lo = act.quantizedLower(output.scale(), zy);
    int hi = act.quantizedUpper(output.scale(), zy);
    return new StaticRequantization(input, output, bias, multipliers, shifts, real, lo, hi);
  }

  private static byte[] toBytes(int[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] packInt4(int[] values, int in, int out) {
    int rowBytes = (in + 1) / 2;
    byte[] packed = new byte[out * rowBytes];
    for (int c = 0; c < out; c++) {
      for (int i = 0; i < in; i++) {
        int nibble = values[c * in + i] & 0xF;
        packed[c * rowBytes + i / 2] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
      }
    }
    return packed;
  }
}
