package dev.quantgen.training.network;

import dev.quantgen.runtime.layer.DenseLayer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A 2-D convolution, stride 1, zero padding {@code padding} on every side, one group: input {@code
 * [C][H][W]} per sample, weight {@code [M][C][k][k]} (PyTorch {@code nn.Conv2d} layout, one row of
 * {@code C*k*k} per output channel), output {@code [M][outH][outW]}.
 *
 * <p>Computed through im2col: each sample's input patches become a {@code [C*k*k][outH*outW]}
 * matrix, so the forward pass and the input gradient are row "axpy" loops HotSpot vectorizes, and
 * the patches are kept for the weight gradient. Every sum runs in a fixed order.
 *
 * <p>As in {@link Linear}, a {@link WeightTransform} and a {@link BiasTransform} give the weights
 * and bias the forward pass uses (fake quantization), and outside training an {@link
 * EvaluationKernel}, when set, computes each sample's {@code [M][outH][outW]} output from its
 * {@code [C][H][W]} input instead (the integer kernel a quantization-aware layer runs on after
 * training).
 */
public final class Convolution implements Layer {
  private final String name;
  private final int channels;
  private final int height;
  private final int width;
  private final int filters;
  private final int kernel;
  private final int padding;
  private final int outH;
  private final int outW;
  private final int patch; // C * k * k
  private final float[] weight;
  private final float[] bias;
  private final WeightTransform transform;
  private final BiasTransform biasTransform;
  private final EvaluationKernel evaluationKernel;
  private final float[] effective;
  private final float[] effectiveBias;
  private final float[] mask;

  /**
   * The kernel the current evaluation runs on; null in training and without an evaluation kernel.
   */
  private DenseLayer evaluation;

  private Convolution(
      String name,
      int channels,
      int height,
      int width,
      int filters,
      int kernel,
      int padding,
      float[] weight,
      float[] bias,
      WeightTransform transform,
      BiasTransform biasTransform,
      EvaluationKernel evaluationKernel) {
    this.name = name;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.filters = filters;
    this.kernel = kernel;
    this.padding = padding;
    this.outH = height + 2 * padding - kernel + 1;
    this.outW = width + 2 * padding - kernel + 1;
    this.patch = channels * kernel * kernel;
    this.weight = weight;
    this.bias = bias;
    this.transform = transform;
    this.biasTransform = biasTransform;
    this.evaluationKernel = evaluationKernel;
    this.effective = new float[weight.length];
    this.effectiveBias = new float[filters];
    this.mask = new float[weight.length];
  }

  /**
   * He-normal weights {@code N(0, 2 / (C k k))} and zero bias.
   *
   * @throws IllegalArgumentException for a non-positive size, a negative padding, or a kernel
   *     larger than the padded input
   */
  public static Convolution heInit(
      String name,
      int channels,
      int height,
      int width,
      int filters,
      int kernel,
      int padding,
      Random random) {
    check(name, channels, height, width, filters, kernel, padding);
    int patch = channels * kernel * kernel;
    float[] w = new float[filters * patch];
    double std = Math.sqrt(2.0 / patch);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return new Convolution(
        name,
        channels,
        height,
        width,
        filters,
        kernel,
        padding,
        w,
        new float[filters],
        WeightTransform.IDENTITY,
        BiasTransform.IDENTITY,
        null);
  }

  private static void check(
      String name, int channels, int height, int width, int filters, int kernel, int padding) {
    if (channels < 1 || height < 1 || width < 1 || filters < 1 || kernel < 1 || padding < 0) {
      throw new IllegalArgumentException(
          name
              + ": channels "
              + channels
              + ", height "
              + height
              + ", width "
              + width
              + ", filters "
              + filters
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
  }

  /**
   * A layer sharing nothing with this one: copied parameters, {@code newTransform} in the forward
   * pass.
   */
  public Convolution withTransform(WeightTransform newTransform) {
    return new Convolution(
        name,
        channels,
        height,
        width,
        filters,
        kernel,
        padding,
        weight.clone(),
        bias.clone(),
        newTransform,
        biasTransform,
        evaluationKernel);
  }

  /**
   * A layer sharing nothing with this one: copied parameters, {@code newTransform} for the bias.
   */
  public Convolution withBiasTransform(BiasTransform newTransform) {
    return new Convolution(
        name,
        channels,
        height,
        width,
        filters,
        kernel,
        padding,
        weight.clone(),
        bias.clone(),
        transform,
        newTransform,
        evaluationKernel);
  }

  /**
   * A layer sharing nothing with this one: copied parameters, {@code newKernel} for evaluation
   * passes. The kernel's {@link DenseLayer} maps one sample's {@code C*H*W} inputs to its {@code
   * M*outH*outW} outputs; it receives the weights as {@code [M][C*k*k]}.
   */
  public Convolution withEvaluationKernel(EvaluationKernel newKernel) {
    return new Convolution(
        name,
        channels,
        height,
        width,
        filters,
        kernel,
        padding,
        weight.clone(),
        bias.clone(),
        transform,
        biasTransform,
        newKernel);
  }

  public String name() {
    return name;
  }

  public int channels() {
    return channels;
  }

  public int filters() {
    return filters;
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

  public WeightTransform transform() {
    return transform;
  }

  @Override
  public int inputSize() {
    return channels * height * width;
  }

  @Override
  public int outputSize() {
    return filters * outH * outW;
  }

  @Override
  public List<float[]> parameters() {
    return List.of(weight, bias);
  }

  /** A copy of the float weights {@code [M][C][k][k]}. */
  public float[] weight() {
    return weight.clone();
  }

  public float[] bias() {
    return bias.clone();
  }

  /** A copy of the weights the last {@link #beginStep} derived for the forward pass. */
  public float[] effectiveWeight() {
    return effective.clone();
  }

  @Override
  public void beginStep(boolean training) {
    transform.apply(weight, filters, patch, effective, mask, training);
    biasTransform.apply(weight, filters, patch, bias, effectiveBias);
    evaluation =
        training || evaluationKernel == null
            ? null
            : evaluationKernel.prepare(
                name, inputSize(), outputSize(), weight.clone(), bias.clone());
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  private final class Pass implements LayerPass {
    private final int plane = outH * outW;
    private final float[] cols; // per sample [patch][plane]
    private final float[] y;
    private final float[] dx;
    private final float[] dcols;
    private final float[][] grads = {new float[filters * patch], new float[filters]};
    private final int sampleIn = channels * height * width;
    private final int sampleOut = filters * plane;
    private final float[] sampleX = new float[sampleIn];
    private final float[] sampleY = new float[sampleOut];

    Pass(int maxRows) {
      cols = new float[maxRows * patch * plane];
      y = new float[maxRows * filters * plane];
      dx = new float[maxRows * channels * height * width];
      dcols = new float[patch * plane];
    }

    @Override
    public float[] forward(float[] x, int rows, boolean training) {
      DenseLayer kernel = evaluation;
      if (!training && kernel != null) {
        for (int r = 0; r < rows; r++) {
          System.arraycopy(x, r * sampleIn, sampleX, 0, sampleIn);
          kernel.forward(sampleX, sampleY);
          System.arraycopy(sampleY, 0, y, r * sampleOut, sampleOut);
        }
        return y;
      }
      for (int r = 0; r < rows; r++) {
        int cOff = r * patch * plane;
        im2col(x, r * channels * height * width, cols, cOff);
        int yOff = r * filters * plane;
        for (int m = 0; m < filters; m++) {
          int row = yOff + m * plane;
          Arrays.fill(y, row, row + plane, effectiveBias[m]);
          for (int j = 0; j < patch; j++) {
            float w = effective[m * patch + j];
            if (w != 0f) {
              int src = cOff + j * plane;
              for (int p = 0; p < plane; p++) {
                y[row + p] += w * cols[src + p];
              }
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
      for (int r = 0; r < rows; r++) {
        int cOff = r * patch * plane;
        int yOff = r * filters * plane;
        for (int m = 0; m < filters; m++) {
          int row = yOff + m * plane;
          float b = 0;
          for (int p = 0; p < plane; p++) {
            b += dy[row + p];
          }
          gb[m] += b;
          for (int j = 0; j < patch; j++) {
            gw[m * patch + j] += TrainingLoops.dot(dy, row, cols, cOff + j * plane, plane);
          }
        }
        if (inputGradient) {
          Arrays.fill(dcols, 0f);
          for (int m = 0; m < filters; m++) {
            int row = yOff + m * plane;
            for (int j = 0; j < patch; j++) {
              float w = effective[m * patch + j];
              if (w != 0f) {
                int dst = j * plane;
                for (int p = 0; p < plane; p++) {
                  dcols[dst + p] += w * dy[row + p];
                }
              }
            }
          }
          col2im(dcols, dx, r * channels * height * width);
        }
      }
      for (int i = 0; i < gw.length; i++) {
        gw[i] *= mask[i];
      }
      return inputGradient ? dx : null;
    }

    @Override
    public float[][] gradients() {
      return grads;
    }

    private void im2col(float[] x, int xOff, float[] out, int off) {
      for (int c = 0; c < channels; c++) {
        for (int ky = 0; ky < kernel; ky++) {
          for (int kx = 0; kx < kernel; kx++) {
            int dst = off + ((c * kernel + ky) * kernel + kx) * plane;
            for (int oy = 0; oy < outH; oy++) {
              int iy = oy + ky - padding;
              for (int ox = 0; ox < outW; ox++) {
                int ix = ox + kx - padding;
                out[dst + oy * outW + ox] =
                    iy >= 0 && iy < height && ix >= 0 && ix < width
                        ? x[xOff + (c * height + iy) * width + ix]
                        : 0f;
              }
            }
          }
        }
      }
    }

    private void col2im(float[] d, float[] out, int xOff) {
      Arrays.fill(out, xOff, xOff + channels * height * width, 0f);
      for (int c = 0; c < channels; c++) {
        for (int ky = 0; ky < kernel; ky++) {
          for (int kx = 0; kx < kernel; kx++) {
            int src = ((c * kernel + ky) * kernel + kx) * plane;
            for (int oy = 0; oy < outH; oy++) {
              int iy = oy + ky - padding;
              if (iy < 0 || iy >= height) {
                continue;
              }
              for (int ox = 0; ox < outW; ox++) {
                int ix = ox + kx - padding;
                if (ix >= 0 && ix < width) {
                  out[xOff + (c * height + iy) * width + ix] += d[src + oy * outW + ox];
                }
              }
            }
          }
        }
      }
    }
  }
}
