package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.Half;

/**
 * The prepared parameters of an FP16 dense layer: {@code [out][in]} binary16 weights (round to
 * nearest even, {@link Half}), a float32 bias or {@code null}, and the fused activation.
 * Accumulation stays float32.
 */
public record Fp16DenseParams(
    int in, int out, short[] weights, float[] bias, Activation activation) {
  /** Checks lengths and copies the arrays. */
  public Fp16DenseParams {
    LayerMath.requireLength("weights", weights.length, in * out);
    if (bias != null) {
      LayerMath.requireLength("bias", bias.length, out);
    }
    weights = weights.clone();
    bias = bias == null ? null : bias.clone();
  }

  @Override
  public short[] weights() {
    return weights.clone();
  }

  @Override
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /**
   * Rounds each FP32 weight to binary16; the bias stays float32.
   *
   * @throws IllegalArgumentException naming the weight's row and column if one is beyond the
   *     binary16 range (it would round to infinity): FP16 cannot hold that layer
   */
  public static Fp16DenseParams prepare(DenseWeights weights, Activation activation) {
    float[] w = weights.weights();
    short[] half = new short[w.length];
    for (int i = 0; i < w.length; i++) {
      half[i] =
          Half.fromFinite(w[i], "weights[" + i / weights.in() + "][" + i % weights.in() + "]");
    }
    return new Fp16DenseParams(weights.in(), weights.out(), half, weights.bias(), activation);
  }
}
