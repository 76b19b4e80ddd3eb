package dev.quantgen.training.network;

import dev.quantgen.runtime.layer.DenseLayer;

/**
 * The forward pass a {@link Linear} or {@link Convolution} runs outside training instead of its
 * float one, such as the integer kernel a quantization-aware layer runs on after training:
 * evaluating the fake-quant network then predicts exactly what the integer model predicts. Training
 * keeps the float pass, whose gradients the straight-through estimator defines.
 */
@FunctionalInterface
public interface EvaluationKernel {
  /**
   * The kernel for the layer's current float parameters ({@code weight} in {@code [out][in]}), or
   * null to keep the float pass (e.g. while an activation range is still unknown). The kernel must
   * be safe to call from several threads at once.
   */
  DenseLayer prepare(String name, int in, int out, float[] weight, float[] bias);
}
