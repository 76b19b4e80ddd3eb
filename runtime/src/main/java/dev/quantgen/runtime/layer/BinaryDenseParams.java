package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;

/**
 * The prepared parameters of a BINARY dense layer (XNOR-Net, docs/numerics.md#3-storage-formats and
 * docs/numerics.md#4-integer-kernels): each row of signs {@code b = sign(w)} ({@code sign(0) = +1},
 * bit 1 for +1) packed 64 per {@code long}, first value in bit 0, rows padded with 0 bits to {@code
 * words = ceil(in / 64)} longs; the scale {@code alpha = mean|w|} per output channel (or one for
 * the tensor); a float bias or {@code null}; {@code mode} {@link ActivationMode#FLOAT} (sign-add of
 * float inputs) or {@link ActivationMode#BINARY} (inputs binarized too, XNOR + popcount).
 */
public record BinaryDenseParams(
    int in,
    int out,
    long[] weights,
    float[] alphas,
    float[] bias,
    ActivationMode mode,
    Activation activation) {

  /** Checks lengths and the mode, and copies the arrays. */
  public BinaryDenseParams {
    LayerMath.requireLength("weights", weights.length, out * words(in));
    if (alphas.length != 1) {
      LayerMath.requireLength("alphas", alphas.length, out);
    }
    if (bias != null) {
      LayerMath.requireLength("bias", bias.length, out);
    }
    if (mode != ActivationMode.FLOAT && mode != ActivationMode.BINARY) {
      throw new IllegalArgumentException("mode: expected FLOAT or BINARY, got " + mode);
    }
    weights = weights.clone();
    alphas = alphas.clone();
    bias = bias == null ? null : bias.clone();
  }

  @Override
  public long[] weights() {
    return weights.clone();
  }

  @Override
  public float[] alphas() {
    return alphas.clone();
  }

  @Override
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** Longs per packed row: {@code ceil(in / 64)}. */
  public static int words(int in) {
    return (in + 63) / 64;
  }

  /** The sign (+1 or -1) of weight {@code (c, i)}. */
  public int sign(int c, int i) {
    return (int) (weights[c * words(in) + i / 64] >>> (i % 64) & 1L) * 2 - 1;
  }

  /** The scale of output {@code c}. */
  public float alpha(int c) {
    return alphas.length == 1 ? alphas[0] : alphas[c];
  }

  /**
   * Binarizes FP32 weights; {@code alpha} is the mean absolute weight of each channel (or of the
   * whole tensor), summed in double and rounded once to float.
   */
  public static BinaryDenseParams prepare(
      DenseWeights weights, boolean perChannel, ActivationMode mode, Activation activation) {
    int in = weights.in();
    int out = weights.out();
    int words = words(in);
    long[] bits = new long[out * words];
    float[] alphas = new float[perChannel ? out : 1];
    double total = 0;
    for (int c = 0; c < out; c++) {
      double sum = 0;
      for (int i = 0; i < in; i++) {
        float w = weights.weight(c, i);
        bits[c * words + i / 64] |= LayerMath.signBit(w) << (i % 64);
        sum += Math.abs(w);
      }
      if (perChannel) {
        alphas[c] = (float) (sum / in);
      }
      total += sum;
    }
    if (!perChannel) {
      alphas[0] = (float) (total / ((double) in * out));
    }
    return new BinaryDenseParams(in, out, bits, alphas, weights.bias(), mode, activation);
  }
}
