package dev.quantgen.training.network;

import java.util.List;

/**
 * Global average pooling: each of {@code channels} planes of {@code height x width} becomes its
 * mean (ONNX {@code GlobalAveragePool}, then flattened to {@code [C]}). The gradient of a mean
 * spreads evenly: every input of a plane receives {@code dy / (height * width)}.
 */
public final class GlobalAveragePooling implements Layer {
  private final int channels;
  private final int plane;

  public GlobalAveragePooling(int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "GlobalAveragePooling(channels "
              + channels
              + ", height "
              + height
              + ", width "
              + width
              + "): expected sizes >= 1");
    }
    this.channels = channels;
    this.plane = height * width;
  }

  @Override
  public int inputSize() {
    return channels * plane;
  }

  @Override
  public int outputSize() {
    return channels;
  }

  @Override
  public List<float[]> parameters() {
    return List.of();
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new LayerPass() {
      private final float[] y = new float[maxRows * channels];
      private final float[] dx = new float[maxRows * channels * plane];

      @Override
      public float[] forward(float[] x, int rows, boolean training) {
        for (int o = 0; o < rows * channels; o++) {
          float sum = 0;
          for (int i = o * plane; i < (o + 1) * plane; i++) {
            sum += x[i];
          }
          y[o] = sum / plane;
        }
        return y;
      }

      @Override
      public float[] backward(float[] dy, int rows, boolean inputGradient) {
        if (!inputGradient) {
          return null;
        }
        for (int o = 0; o < rows * channels; o++) {
          float g = dy[o] / plane;
          java.util.Arrays.fill(dx, o * plane, (o + 1) * plane, g);
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
