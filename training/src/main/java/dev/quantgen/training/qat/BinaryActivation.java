package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.LayerPass;
import java.util.List;

/**
 * Binarized activations as the XNOR kernel computes them: each sample's row becomes {@code beta *
 * sign(x)} with {@code sign(0) = +1} and {@code beta = mean|x|} of that row, accumulated in float
 * in index order as {@code BinaryKernel} does. Backward: the straight-through estimator with the
 * hard-tanh clip, {@code dx = dy * 1[|x| <= clip]} ({@code beta} taken as a constant, as in
 * XNOR-Net).
 */
public final class BinaryActivation implements Layer {
  private final int size;
  private final float clip;

  /**
   * @throws IllegalArgumentException for a size below 1 or a clip that is not positive
   */
  public BinaryActivation(int size, float clip) {
    if (size < 1 || !(clip > 0)) {
      throw new IllegalArgumentException(
          "BinaryActivation(size "
              + size
              + ", clip "
              + clip
              + "): expected size >= 1 and clip > 0");
    }
    this.size = size;
    this.clip = clip;
  }

  @Override
  public int inputSize() {
    return size;
  }

  @Override
  public int outputSize() {
    return size;
  }

  @Override
  public List<float[]> parameters() {
    return List.of();
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new LayerPass() {
      private final float[] y = new float[maxRows * size];
      private final float[] dx = new float[maxRows * size];
      private float[] x;

      @Override
      public float[] forward(float[] input, int rows, boolean training) {
        x = input;
        for (int r = 0; r < rows; r++) {
          float beta = 0f;
          for (int i = r * size; i < (r + 1) * size; i++) {
            beta += LayerMath.betaTerm(input[i]);
          }
          beta /= size;
          for (int i = r * size; i < (r + 1) * size; i++) {
            y[i] = LayerMath.signBit(input[i]) == 1L ? beta : -beta;
          }
        }
        return y;
      }

      @Override
      public float[] backward(float[] dy, int rows, boolean inputGradient) {
        if (!inputGradient) {
          return null;
        }
        for (int i = 0; i < rows * size; i++) {
          dx[i] = Math.abs(x[i]) <= clip ? dy[i] : 0f;
        }
        return dx;
      }

      @Override
      public float[][] gradients() {
        return new float[0][];
      }
    };
  }
}
