package dev.quantgen.training.network;

import java.util.List;

/**
 * Max pooling over non-overlapping {@code size x size} windows (stride = size, no padding, a
 * partial window at the bottom or right edge dropped, as PyTorch's default floor mode). The
 * gradient goes to the first maximum of each window in row-major order.
 */
public final class MaxPooling implements Layer {
  private final int channels;
  private final int height;
  private final int width;
  private final int size;
  private final int outH;
  private final int outW;

  public MaxPooling(int channels, int height, int width, int size) {
    if (channels < 1 || size < 1 || height < size || width < size) {
      throw new IllegalArgumentException(
          "MaxPooling(channels "
              + channels
              + ", height "
              + height
              + ", width "
              + width
              + ", size "
              + size
              + "): expected channels, size >= 1 and a window that fits the input");
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.size = size;
    this.outH = height / size;
    this.outW = width / size;
  }

  public int size() {
    return size;
  }

  @Override
  public int inputSize() {
    return channels * height * width;
  }

  @Override
  public int outputSize() {
    return channels * outH * outW;
  }

  @Override
  public List<float[]> parameters() {
    return List.of();
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new LayerPass() {
      private final float[] y = new float[maxRows * outputSize()];
      private final int[] from = new int[maxRows * outputSize()];
      private final float[] dx = new float[maxRows * inputSize()];

      @Override
      public float[] forward(float[] x, int rows, boolean training) {
        int o = 0;
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < channels; c++) {
            int base = (r * channels + c) * height * width;
            for (int oy = 0; oy < outH; oy++) {
              for (int ox = 0; ox < outW; ox++) {
                int best = base + oy * size * width + ox * size;
                for (int dy = 0; dy < size; dy++) {
                  for (int dxx = 0; dxx < size; dxx++) {
                    int i = base + (oy * size + dy) * width + ox * size + dxx;
                    if (x[i] > x[best]) {
                      best = i;
                    }
                  }
                }
                y[o] = x[best];
                from[o++] = best;
              }
            }
          }
        }
        return y;
      }

      @Override
      public float[] backward(float[] dy, int rows, boolean inputGradient) {
        if (!inputGradient) {
          return null;
        }
        java.util.Arrays.fill(dx, 0, rows * inputSize(), 0f);
        for (int o = 0; o < rows * outputSize(); o++) {
          dx[from[o]] += dy[o];
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
