package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Objects;

/**
 * The BINARY (XNOR-Net) reference convolution: the BINARY dense layer ({@code BinaryDenseParams},
 * {@code DenseReference.binary}) applied to every zero-padded receptive field.
 *
 * <ul>
 *   <li>Weights: {@code b = sign(w)} per output channel row of {@code K = C / groups * kh * kw}
 *       values in the order c, ky, kx ({@code sign(0) = +1}, bit 1 for +1), packed 64 per {@code
 *       long}, first value in bit 0, rows padded with 0 bits to {@code ceil(K / 64)} longs; {@code
 *       alpha = mean|w|} per output channel (or one for the tensor), summed in double and rounded
 *       once to float.
 *   <li>{@link ActivationMode#FLOAT}: {@code y = act(alpha[m] * sum sign(w) * x + b[m])}, the
 *       float32 sum over real (not padded) cells in the order c, ky, kx, as {@link Conv2d} sums; a
 *       padded cell reads as 0 and adds nothing.
 *   <li>{@link ActivationMode#BINARY}: for each receptive field (padded cells read as 0.0, like
 *       every other precision), {@code beta = mean|x|} over its K values (float32, order c, ky, kx,
 *       divided by K), {@code dot = sum sign(w) * sign(x)} over its K values, a padded cell
 *       binarizing as {@code sign(0) = +1} exactly as a 0 input of the dense layer does, and {@code
 *       y = act(dot * (alpha[m] * beta) + b[m])}. The dot product is an exact integer.
 * </ul>
 *
 * Immutable and thread-safe.
 */
public final class BinaryConv2d {
  private final long[] signs;
  private final int words;
  private final float[] alphas;
  private final float[] bias;
  private final int outChannels;
  private final int channelsPerGroup;
  private final int groups;
  private final int fanIn;
  private final Window2d window;
  private final Activation activation;
  private final ActivationMode mode;
  private final Shape weightShape;
  private final Conv2d signWeights; // +-1 as float32, no bias, no activation: the sign-add sums

  private BinaryConv2d(
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      Activation activation,
      boolean perChannel,
      ActivationMode mode) {
    Conv2d shapeCheck = new Conv2d(weights, bias, window, groups, activation);
    this.mode = Objects.requireNonNull(mode, "mode");
    if (mode != ActivationMode.FLOAT && mode != ActivationMode.BINARY) {
      throw new IllegalArgumentException("mode: " + mode + ", expected FLOAT or BINARY");
    }
    this.window = window;
    this.activation = activation;
    this.groups = groups;
    this.outChannels = shapeCheck.outChannels();
    this.channelsPerGroup = shapeCheck.inChannels() / groups;
    this.fanIn = weights.size() / outChannels;
    this.weightShape = weights.shape();
    this.words = (fanIn + 63) / 64;
    this.signs = new long[outChannels * words];
    this.alphas = new float[perChannel ? outChannels : 1];
    float[] w = weights.toArray();
    float[] pm = new float[w.length];
    double total = 0;
    for (int m = 0; m < outChannels; m++) {
      double sum = 0;
      for (int i = 0; i < fanIn; i++) {
        float v = w[m * fanIn + i];
        long bit = LayerMath.signBit(v);
        signs[m * words + i / 64] |= bit << (i % 64);
        pm[m * fanIn + i] = bit == 1 ? 1.0f : -1.0f;
        sum += Math.abs(v);
      }
      if (perChannel) {
        alphas[m] = (float) (sum / fanIn);
      }
      total += sum;
    }
    if (!perChannel) {
      alphas[0] = (float) (total / ((double) fanIn * outChannels));
    }
    this.bias = bias == null ? null : bias.toArray();
    this.signWeights =
        new Conv2d(FloatTensor.of(weights.shape(), pm), null, window, groups, Activation.NONE);
  }

  /**
   * Binarizes a float convolution.
   *
   * @param weights {@code [M, C / groups, kh, kw]}
   * @param bias null for none, else {@code [M]} (kept in float32)
   * @param perChannel one {@code alpha} per output channel, else one for the tensor
   * @param mode FLOAT (sign-add of float inputs) or BINARY (XNOR and popcount)
   * @throws IllegalArgumentException naming the argument that does not fit
   */
  public static BinaryConv2d binarize(
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      Activation activation,
      boolean perChannel,
      ActivationMode mode) {
    return new BinaryConv2d(weights, bias, window, groups, activation, perChannel, mode);
  }

  /** The packed sign rows, {@code M * words()} longs (a copy). */
  public long[] packedSigns() {
    return signs.clone();
  }

  /** The shape of the weights that were binarized: {@code [M, C / groups, kh, kw]}. */
  public Shape weightShape() {
    return weightShape;
  }

  /** Longs per packed row: {@code ceil(K / 64)}. */
  public int words() {
    return words;
  }

  /** The scales {@code alpha}: one per output channel, or one for the tensor (a copy). */
  public float[] alphas() {
    return alphas.clone();
  }

  /** The float bias, or null. */
  public FloatTensor bias() {
    return bias == null ? null : FloatTensor.of(Shape.of(outChannels), bias);
  }

  public ActivationMode mode() {
    return mode;
  }

  public Window2d window() {
    return window;
  }

  public int groups() {
    return groups;
  }

  public Activation activation() {
    return activation;
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    return signWeights.outputShape(input);
  }

  /** Runs the layer: float {@code [N, C, H, W]} in, float {@code [N, M, outH, outW]} out. */
  public FloatTensor apply(FloatTensor x) {
    Shape out = outputShape(x.shape());
    int plane = out.dim(2) * out.dim(3);
    float[] y = new float[out.size()];
    if (mode == ActivationMode.FLOAT) {
      float[] sums = signWeights.sums(x).toArray();
      for (int i = 0; i < y.length; i++) {
        int m = i / plane % outChannels;
        y[i] = finish(sums[i] * alpha(m), m);
      }
      return FloatTensor.of(out, y);
    }
    int[] d = x.shape().dims();
    int inH = d[2];
    int inW = d[3];
    WindowGeometry g = window.resolve(inH, inW);
    int kh = window.kernelHeight();
    int kw = window.kernelWidth();
    int mpg = outChannels / groups;
    float[] xv = x.toArray();
    float[] field = new float[fanIn];
    for (int n = 0; n < d[0]; n++) {
      for (int group = 0; group < groups; group++) {
        for (int oy = 0; oy < g.outHeight(); oy++) {
          for (int ox = 0; ox < g.outWidth(); ox++) {
            // The receptive field, zero-padded, in the order c, ky, kx.
            float beta = 0.0f;
            int j = 0;
            for (int c = 0; c < channelsPerGroup; c++) {
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * window.strideHeight() + ky * window.dilationHeight() - g.padTop();
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * window.strideWidth() + kx * window.dilationWidth() - g.padLeft();
                  boolean inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
                  field[j] =
                      inside
                          ? xv[((n * d[1] + group * channelsPerGroup + c) * inH + iy) * inW + ix]
                          : 0.0f;
                  beta += LayerMath.betaTerm(field[j]);
                  j++;
                }
              }
            }
            beta /= fanIn;
            for (int m = group * mpg; m < (group + 1) * mpg; m++) {
              int dot = 0;
              for (int i = 0; i < fanIn; i++) {
                int wSign = (int) (signs[m * words + i / 64] >>> (i % 64) & 1L) * 2 - 1;
                dot += wSign * ((int) LayerMath.signBit(field[i]) * 2 - 1);
              }
              y[((n * outChannels + m) * g.outHeight() + oy) * g.outWidth() + ox] =
                  finish(dot * (alpha(m) * beta), m);
            }
          }
        }
      }
    }
    return FloatTensor.of(out, y);
  }

  private float alpha(int m) {
    return alphas.length == 1 ? alphas[0] : alphas[m];
  }

  private float finish(float v, int m) {
    return activation.apply(bias != null ? v + bias[m] : v);
  }
}
