package dev.quantgen.training.network;

/**
 * What a weighted layer uses in place of its float weights in the forward pass, and how the
 * gradient flows back to the float ("latent") weights: fake quantization with a straight-through
 * estimator, binarization, or nothing. Weights are row-major {@code [rows][cols]} with one row per
 * output channel.
 */
public interface WeightTransform {
  /** Uses the weights as they are; every gradient passes. */
  WeightTransform IDENTITY =
      (w, rows, cols, effective, mask, training) -> {
        System.arraycopy(w, 0, effective, 0, rows * cols);
        java.util.Arrays.fill(mask, 0, rows * cols, 1f);
      };

  /**
   * Writes the weights the forward pass uses into {@code effective} and the factor each weight's
   * gradient is multiplied by (the straight-through mask: 1 or 0) into {@code mask}. {@code
   * training} is false for evaluation, where nothing random may happen.
   */
  void apply(float[] w, int rows, int cols, float[] effective, float[] mask, boolean training);
}
