package dev.quantgen.training.network;

import dev.quantgen.runtime.layer.DenseLayer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A fully connected layer {@code y = x W^T + b} with {@code W} in {@code [out][in]} row-major
 * (PyTorch {@code nn.Linear} layout). The forward pass uses {@link WeightTransform#apply the
 * transformed weights}; their gradient reaches the float weights through the transform's mask.
 * Outside training an {@link EvaluationKernel}, when set, computes the outputs instead.
 */
public final class Linear implements Layer {
  private final String name;
  private final int in;
  private final int out;
  private final float[] weight;
  private final float[] bias;
  private final WeightTransform transform;
  private final BiasTransform biasTransform;
  private final EvaluationKernel evaluationKernel;
  private final float[] effective;
  private final float[] effectiveBias;
  private final float[] effectiveT;
  private final float[] mask;

  /**
   * The kernel the current evaluation runs on; null in training and without an evaluation kernel.
   */
  private DenseLayer evaluation;

  private Linear(
      String name,
      int in,
      int out,
      float[] weight,
      float[] bias,
      WeightTransform transform,
      BiasTransform biasTransform,
      EvaluationKernel evaluationKernel) {
    this.name = name;
    this.in = in;
    this.out = out;
    this.weight = weight;
    this.bias = bias;
    this.transform = transform;
    this.biasTransform = biasTransform;
    this.evaluationKernel = evaluationKernel;
    this.effective = new float[in * out];
    this.effectiveBias = new float[out];
    this.effectiveT = new float[in * out];
    this.mask = new float[in * out];
  }

  /** He-normal weights {@code N(0, 2 / in)} and zero bias from {@code random}. */
  public static Linear heInit(String name, int in, int out, Random random) {
    checkSizes(name, in, out);
    float[] w = new float[in * out];
    double std = Math.sqrt(2.0 / in);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    return new Linear(
        name, in, out, w, new float[out], WeightTransform.IDENTITY, BiasTransform.IDENTITY, null);
  }

  /**
   * A layer with copies of the given parameters.
   *
   * @throws IllegalArgumentException naming the layer and the expected length of a wrong array
   */
  public static Linear of(String name, int in, int out, float[] weight, float[] bias) {
    checkSizes(name, in, out);
    if (weight.length != in * out) {
      throw new IllegalArgumentException(
          name
              + ".weight: length "
              + weight.length
              + ", expected out x in = "
              + out
              + " x "
              + in
              + " = "
              + in * out);
    }
    if (bias.length != out) {
      throw new IllegalArgumentException(
          name + ".bias: length " + bias.length + ", expected " + out);
    }
    return new Linear(
        name,
        in,
        out,
        weight.clone(),
        bias.clone(),
        WeightTransform.IDENTITY,
        BiasTransform.IDENTITY,
        null);
  }

  private static void checkSizes(String name, int in, int out) {
    if (in < 1 || out < 1) {
      throw new IllegalArgumentException(
          name + ": in = " + in + ", out = " + out + ", expected both >= 1");
    }
  }

  /**
   * A layer sharing nothing with this one: copied parameters, and {@code newTransform} in the
   * forward pass.
   */
  public Linear withTransform(WeightTransform newTransform) {
    return new Linear(
        name, in, out, weight.clone(), bias.clone(), newTransform, biasTransform, evaluationKernel);
  }

  /**
   * A layer sharing nothing with this one: copied parameters, {@code newTransform} for the bias.
   */
  public Linear withBiasTransform(BiasTransform newTransform) {
    return new Linear(
        name, in, out, weight.clone(), bias.clone(), transform, newTransform, evaluationKernel);
  }

  /**
   * A layer sharing nothing with this one: copied parameters, {@code kernel} for evaluation passes.
   */
  public Linear withEvaluationKernel(EvaluationKernel kernel) {
    return new Linear(
        name, in, out, weight.clone(), bias.clone(), transform, biasTransform, kernel);
  }

  public String name() {
    return name;
  }

  public WeightTransform transform() {
    return transform;
  }

  @Override
  public int inputSize() {
    return in;
  }

  @Override
  public int outputSize() {
    return out;
  }

  @Override
  public List<float[]> parameters() {
    return List.of(weight, bias);
  }

  /** A copy of the float weights, {@code [out][in]}. */
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
    transform.apply(weight, out, in, effective, mask, training);
    TrainingLoops.transpose(effective, out, in, effectiveT);
    biasTransform.apply(weight, out, in, bias, effectiveBias);
    evaluation =
        training || evaluationKernel == null
            ? null
            : evaluationKernel.prepare(name, in, out, weight.clone(), bias.clone());
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  private final class Pass implements LayerPass {
    private final float[] y;
    private final float[] dx;
    private final float[][] grads = {new float[in * out], new float[out]};
    private final float[] rowIn = new float[in];
    private final float[] rowOut = new float[out];
    private float[] x;

    Pass(int maxRows) {
      y = new float[maxRows * out];
      dx = new float[maxRows * in];
    }

    @Override
    public float[] forward(float[] input, int rows, boolean training) {
      x = input;
      DenseLayer kernel = evaluation;
      if (training || kernel == null) {
        TrainingLoops.forward(input, rows, in, effectiveT, effectiveBias, out, y);
        return y;
      }
      for (int r = 0; r < rows; r++) {
        System.arraycopy(input, r * in, rowIn, 0, in);
        kernel.forward(rowIn, rowOut);
        System.arraycopy(rowOut, 0, y, r * out, out);
      }
      return y;
    }

    @Override
    public float[] backward(float[] dy, int rows, boolean inputGradient) {
      Arrays.fill(grads[0], 0f);
      Arrays.fill(grads[1], 0f);
      TrainingLoops.weightGradient(dy, x, rows, in, out, grads[0], grads[1]);
      for (int i = 0; i < mask.length; i++) {
        grads[0][i] *= mask[i];
      }
      if (!inputGradient) {
        return null;
      }
      Arrays.fill(dx, 0, rows * in, 0f);
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          float s = dy[r * out + o];
          if (s != 0f) {
            int wOff = o * in;
            int dOff = r * in;
            for (int k = 0; k < in; k++) {
              dx[dOff + k] += s * effective[wOff + k];
            }
          }
        }
      }
      return dx;
    }

    @Override
    public float[][] gradients() {
      return grads;
    }
  }
}
