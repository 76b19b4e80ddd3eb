package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;

/**
 * The FP32 runtime kernel: {@code y = act(W x + b)} in float32 ({@link ChannelKernel#SUPPORT}'s
 * dotFloat).
 */
final class Fp32Kernel extends ChannelKernel<float[]> {
  private final float[] weights;

  Fp32Kernel(DenseWeights weights, Activation activation) {
    super(weights.in(), weights.out(), weights.bias(), activation);
    this.weights = weights.weights();
  }

  @Override
  float[] prepare(float[] x) {
    return x;
  }

  @Override
  float channel(float[] x, int c) {
    return SUPPORT.dotFloat(weights, c * in, x, 0, in);
  }
}
