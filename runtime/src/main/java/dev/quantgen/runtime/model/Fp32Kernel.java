package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.FusedActivation;
import dev.quantgen.runtime.layer.LayerMath;

/** The FP32 runtime kernel: {@code y = act(W x + b)} in float32 ({@link Dot#fp32}). */
final class Fp32Kernel implements DenseLayer {
  private final int in;
  private final int out;
  private final float[] weights;
  private final float[] bias;
  private final FusedActivation activation;

  Fp32Kernel(DenseWeights weights, FusedActivation activation) {
    this.in = weights.in();
    this.out = weights.out();
    this.weights = weights.weights();
    this.bias = weights.bias();
    this.activation = activation;
  }

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
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("y", y.length, out);
    for (int c = 0; c < out; c++) {
      float acc = Dot.fp32(weights, c * in, x, in);
      y[c] = activation.apply(bias != null ? acc + bias[c] : acc);
    }
  }
}
