package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.LayerMath;

/**
 * Binary weights as XNOR-Net and BinaryConnect train them: the forward pass uses {@code alpha[r] *
 * sign(w)} with {@code sign(0) = +1} and {@code alpha[r] = mean|w[r]|} per output channel, summed
 * in double and rounded once, exactly as {@code BinaryDenseParams.prepare} computes it; the
 * gradient reaches the float weights straight through where {@code |w| <= 1} (the clip that keeps
 * latent weights from drifting without bound).
 */
public final class BinaryWeights implements BinaryWeightTransform {
  @Override
  public boolean perChannel() {
    return true;
  }

  /** The per-row scales {@code mean|w[r]|}. */
  public static float[] alphas(float[] w, int rows, int cols) {
    float[] alphas = new float[rows];
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int c = r * cols; c < (r + 1) * cols; c++) {
        sum += Math.abs(w[c]);
      }
      alphas[r] = (float) (sum / cols);
    }
    return alphas;
  }

  @Override
  public void apply(
      float[] w, int rows, int cols, float[] effective, float[] mask, boolean training) {
    float[] alphas = alphas(w, rows, cols);
    for (int r = 0; r < rows; r++) {
      for (int c = r * cols; c < (r + 1) * cols; c++) {
        effective[c] = LayerMath.signBit(w[c]) == 1L ? alphas[r] : -alphas[r];
        mask[c] = Math.abs(w[c]) <= 1f ? 1f : 0f;
      }
    }
  }
}
