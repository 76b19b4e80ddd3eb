package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.Fp16DenseParams;

/**
 * The FP16 runtime kernel: weights stay binary16 in memory (half the bytes of FP32) and are decoded
 * exactly in the inner loop (every half is a float), accumulation in float32 ({@link
 * ChannelKernel#SUPPORT}'s dotHalf).
 */
final class Fp16Kernel extends ChannelKernel<float[]> {
  private final short[] weights;

  Fp16Kernel(Fp16DenseParams params) {
    super(params.in(), params.out(), params.bias(), params.activation());
    this.weights = params.weights();
  }

  @Override
  float[] prepare(float[] x) {
    return x;
  }

  @Override
  float channel(float[] x, int c) {
    return SUPPORT.dotHalf(weights, c * in, x, in);
  }
}
