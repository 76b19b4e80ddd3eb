package dev.quantgen.training.network;

import java.util.List;

/** {@code max(x, 0)} elementwise; the gradient passes where the output is positive. */
public final class Relu implements Layer {
  private final int size;

  public Relu(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("size is " + size + ": expected >= 1");
    }
    this.size = size;
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

      @Override
      public float[] forward(float[] x, int rows, boolean training) {
        System.arraycopy(x, 0, y, 0, rows * size);
        TrainingLoops.relu(y, 0, rows * size);
        return y;
      }

      @Override
      public float[] backward(float[] dy, int rows, boolean inputGradient) {
        if (!inputGradient) {
          return null;
        }
        for (int i = 0; i < rows * size; i++) {
          dx[i] = y[i] > 0f ? dy[i] : 0f;
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
