package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The FP32 reference 2-D convolution (ONNX {@code Conv}) over NCHW input, with groups (depthwise
 * when {@code groups == C == M}), bias and a fused activation:
 *
 * <pre>
 * y[n, m, oy, ox] = act(bias[m] + sum over c in group(m), ky, kx of
 *     x[n, c, oy*sh + ky*dh - padTop, ox*sw + kx*dw - padLeft] * w[m, c, ky, kx])
 * </pre>
 *
 * <p>Padded cells read as 0. The sum is float32, in the order c, ky, kx, then the bias is added:
 * other engines (im2col + blocked GEMM, FMA) sum in another order, so results agree with them to a
 * few ulps of the largest partial sum, not bit for bit. Immutable and thread-safe.
 */
public final class Conv2d {
  private final float[] weights;
  private final float[] bias;
  private final int outChannels;
  private final int channelsPerGroup;
  private final int groups;
  private final Window2d window;
  private final Activation activation;

  /**
   * @param weights {@code [M, C / groups, kh, kw]}; kh and kw must equal the window's kernel
   * @param bias null for none, else {@code [M]}
   * @throws IllegalArgumentException naming the argument whose shape does not fit
   */
  public Conv2d(
      FloatTensor weights, FloatTensor bias, Window2d window, int groups, Activation activation) {
    this.window = Objects.requireNonNull(window, "window");
    this.activation = Objects.requireNonNull(activation, "activation");
    Shape ws = weights.shape();
    if (ws.rank() != 4) {
      throw new IllegalArgumentException(
          "weights: shape " + ws + " has rank " + ws.rank() + ", expected [M, C/groups, kh, kw]");
    }
    if (ws.dim(2) != window.kernelHeight() || ws.dim(3) != window.kernelWidth()) {
      throw new IllegalArgumentException(
          "weights: shape "
              + ws
              + " has a "
              + ws.dim(2)
              + "x"
              + ws.dim(3)
              + " kernel, expected the window's "
              + window.kernelHeight()
              + "x"
              + window.kernelWidth());
    }
    if (groups < 1 || ws.dim(0) % groups != 0) {
      throw new IllegalArgumentException(
          "groups: "
              + groups
              + " with "
              + ws.dim(0)
              + " output channels, expected a positive divisor of the output channels");
    }
    if (ws.size() == 0) {
      throw new IllegalArgumentException(
          "weights: shape " + ws + " is empty, expected at least one element");
    }
    this.outChannels = ws.dim(0);
    this.channelsPerGroup = ws.dim(1);
    this.groups = groups;
    this.weights = weights.toArray();
    this.bias = new float[outChannels];
    if (bias != null) {
      if (bias.shape().rank() != 1 || bias.size() != outChannels) {
        throw new IllegalArgumentException(
            "bias: shape " + bias.shape() + ", expected [" + outChannels + "]");
      }
      for (int m = 0; m < outChannels; m++) {
        this.bias[m] = bias.get(m);
      }
    }
  }

  /** Input channels {@code C}. */
  public int inChannels() {
    return channelsPerGroup * groups;
  }

  public int outChannels() {
    return outChannels;
  }

  public int groups() {
    return groups;
  }

  public Window2d window() {
    return window;
  }

  public Activation activation() {
    return activation;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    int[] d = Nchw.require("x", input, inChannels());
    WindowGeometry g = window.resolve(d[2], d[3]);
    return Shape.of(d[0], outChannels, g.outHeight(), g.outWidth());
  }

  /**
   * Runs the convolution.
   *
   * @param x {@code [N, C, H, W]}
   * @return {@code [N, M, outH, outW]}
   */
  public FloatTensor apply(FloatTensor x) {
    Shape out = outputShape(x.shape());
    float[] y = products(x);
    int plane = out.dim(2) * out.dim(3);
    for (int i = 0; i < y.length; i++) {
      y[i] = activation.apply(y[i] + bias[i / plane % outChannels]);
    }
    return FloatTensor.of(out, y);
  }

  /**
   * The sums of products alone, before bias and activation: {@code [N, M, outH, outW]}, each output
   * summed in float32 in the order c, ky, kx exactly as {@link #apply} sums it. The references of
   * the other precisions that keep float sums (FP16 weights, weight-only integers, sign-add binary)
   * are this with their own weights, then their own scaling.
   */
  FloatTensor sums(FloatTensor x) {
    return FloatTensor.of(outputShape(x.shape()), products(x));
  }

  private float[] products(FloatTensor x) {
    int[] d = Nchw.require("x", x.shape(), inChannels());
    int batch = d[0];
    int channels = d[1];
    int inH = d[2];
    int inW = d[3];
    WindowGeometry g = window.resolve(inH, inW);
    int kh = window.kernelHeight();
    int kw = window.kernelWidth();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int mPerGroup = outChannels / groups;
    float[] xv = x.toArray();
    float[] y = new float[batch * outChannels * outH * outW];
    int sh = window.strideHeight();
    int sw = window.strideWidth();
    // Each tap (c, ky, kx) is added to every output it reaches before the next tap, so every
    // output still sums its products in the order c, ky, kx; the inner loop runs along a row.
    for (int n = 0; n < batch; n++) {
      for (int m = 0; m < outChannels; m++) {
        int firstChannel = m / mPerGroup * channelsPerGroup;
        int yBase = (n * outChannels + m) * outH * outW;
        for (int c = 0; c < channelsPerGroup; c++) {
          int xBase = (n * channels + firstChannel + c) * inH * inW;
          int wBase = (m * channelsPerGroup + c) * kh * kw;
          for (int ky = 0; ky < kh; ky++) {
            int tapY = ky * window.dilationHeight();
            int oyEnd = OutputRange.end(tapY, g.padTop(), sh, inH, outH);
            for (int kx = 0; kx < kw; kx++) {
              float wv = weights[wBase + ky * kw + kx];
              int tapX = kx * window.dilationWidth();
              int oxFirst = OutputRange.first(tapX, g.padLeft(), sw);
              int oxEnd = OutputRange.end(tapX, g.padLeft(), sw, inW, outW);
              for (int oy = OutputRange.first(tapY, g.padTop(), sh); oy < oyEnd; oy++) {
                int xRow = xBase + (oy * sh + tapY - g.padTop()) * inW + tapX - g.padLeft();
                int yRow = yBase + oy * outW;
                for (int ox = oxFirst; ox < oxEnd; ox++) {
                  y[yRow + ox] += xv[xRow + ox * sw] * wv;
                }
              }
            }
          }
        }
      }
    }
    return y;
  }
}
