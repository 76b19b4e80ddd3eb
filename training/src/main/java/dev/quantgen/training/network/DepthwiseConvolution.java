package dev.quantgen.training.network;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A depthwise 2-D convolution (PyTorch {@code nn.Conv2d} with {@code groups = channels}): each
 * input channel is convolved with its own {@code k x k} filter into the output channel of the same
 * index, stride 1, zero padding {@code padding} on every side. Input {@code [C][H][W]} per sample,
 * weight {@code [C][1][k][k]}, bias {@code [C]}, output {@code [C][outH][outW]}.
 *
 * <p>The first half of a depthwise-separable block (a 1x1 {@link Convolution} mixes the channels
 * after it). Each output reads {@code k*k} inputs, so the loops are direct; every sum runs in a
 * fixed order.
 */
public final class DepthwiseConvolution implements Layer {
  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int kernel;
  private final int padding;
  private final int outH;
  private final int outW;
  private final float[] weight;
  private final float[] bias;

  private DepthwiseConvolution(
      String name,
      int channels,
      int height,
      int width,
      int kernel,
      int padding,
      float[] weight,
      float[] bias) {
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.kernel = kernel;
    this.padding = padding;
    this.outH = height + 2 * padding - kernel + 1;
    this.outW = width + 2 * padding - kernel + 1;
    this.weight = weight;
    this.bias = bias;
  }

  /**
   * He-normal weights {@code N(0, 2 / (k k))} (each output has a fan-in of {@code k*k}) and zero
   * bias.
   *
   * @throws IllegalArgumentException for a non-positive size, a negative padding, or a kernel
   *     larger than the padded input
   */
  public static DepthwiseConvolution heInit(
      String name, int channels, int height, int width, int kernel, int padding, Random random) {
    if (channels < 1 || height < 1 || width < 1 || kernel < 1 || padding < 0) {
      throw new IllegalArgumentException(
          name
              + ": channels "
              + channels
              + ", height "
              + height
              + ", width "
              + width
              + ", kernel "
              + kernel
              + ", padding "
              + padding
              + ": expected sizes >= 1 and padding >= 0");
    }
    if (kernel > height + 2 * padding || kernel > width + 2 * padding) {
      throw new IllegalArgumentException(
          name
              + ": kernel "
              + kernel
              + " is larger than the padded input "
              + (height + 2 * padding)
              + " x "
              + (width + 2 * padding));
    }
    float[] w = new float[channels * kernel * kernel];
    double std = Math.sqrt(2.0 / (kernel * kernel));
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return new DepthwiseConvolution(
        name, channels, height, width, kernel, padding, w, new float[channels]);
  }

  public String name() {
    return name;
  }

  public int channels() {
    return channels;
  }

  public int kernel() {
    return kernel;
  }

  public int padding() {
    return padding;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int outHeight() {
    return outH;
  }

  public int outWidth() {
    return outW;
  }

  /** A copy of the float weights {@code [C][1][k][k]}. */
  public float[] weight() {
    return weight.clone();
  }

  public float[] bias() {
    return bias.clone();
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
    return List.of(weight, bias);
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  private final class Pass implements LayerPass {
    private final float[] y;
    private final float[] dx;
    private final float[][] grads = {new float[weight.length], new float[channels]};
    private float[] x;

    Pass(int maxRows) {
      y = new float[maxRows * outputSize()];
      dx = new float[maxRows * inputSize()];
    }

    @Override
    public float[] forward(float[] input, int rows, boolean training) {
      x = input;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < channels; c++) {
          int in = (r * channels + c) * height * width;
          int out = (r * channels + c) * outH * outW;
          int w = c * kernel * kernel;
          for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
              float sum = bias[c];
              for (int ky = 0; ky < kernel; ky++) {
                int iy = oy + ky - padding;
                if (iy < 0 || iy >= height) {
                  continue;
                }
                for (int kx = 0; kx < kernel; kx++) {
                  int ix = ox + kx - padding;
                  if (ix >= 0 && ix < width) {
                    sum += weight[w + ky * kernel + kx] * input[in + iy * width + ix];
                  }
                }
              }
              y[out + oy * outW + ox] = sum;
            }
          }
        }
      }
      return y;
    }

    @Override
    public float[] backward(float[] dy, int rows, boolean inputGradient) {
      float[] gw = grads[0];
      float[] gb = grads[1];
      Arrays.fill(gw, 0f);
      Arrays.fill(gb, 0f);
      if (inputGradient) {
        Arrays.fill(dx, 0, rows * inputSize(), 0f);
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < channels; c++) {
          int in = (r * channels + c) * height * width;
          int out = (r * channels + c) * outH * outW;
          int w = c * kernel * kernel;
          for (int oy = 0; oy < outH; oy++) {
            for (int ox = 0; ox < outW; ox++) {
              float g = dy[out + oy * outW + ox];
              gb[c] += g;
              for (int ky = 0; ky < kernel; ky++) {
                int iy = oy + ky - padding;
                if (iy < 0 || iy >= height) {
                  continue;
                }
                for (int kx = 0; kx < kernel; kx++) {
                  int ix = ox + kx - padding;
                  if (ix >= 0 && ix < width) {
                    int i = in + iy * width + ix;
                    gw[w + ky * kernel + kx] += g * x[i];
                    if (inputGradient) {
                      dx[i] += g * weight[w + ky * kernel + kx];
                    }
                  }
                }
              }
            }
          }
        }
      }
      return inputGradient ? dx : null;
    }

    @Override
    public float[][] gradients() {
      return grads;
    }
  }
}
