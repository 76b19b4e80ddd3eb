package dev.quantgen.training.network;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A dense ReLU multilayer perceptron in float32: {@code layers()} fully connected layers, ReLU
 * after every layer but the last, which returns logits.
 *
 * <p>Layer {@code l} maps {@code sizes[l]} inputs to {@code sizes[l+1]} outputs with a weight
 * {@code [out][in]} (row-major) and a bias {@code [out]}: the PyTorch {@code nn.Linear} layout, so
 * weights exported as {@code fc1.weight}, {@code fc1.bias}, ... load into PyTorch unchanged.
 *
 * <p>The parameters are mutable (a {@link Trainer} updates them in place); {@link #copy()} gives an
 * independent model.
 */
public final class Mlp {
  private final int[] sizes;
  final float[][] weights;
  final float[][] biases;

  private Mlp(int[] sizes, float[][] weights, float[][] biases) {
    this.sizes = sizes;
    this.weights = weights;
    this.biases = biases;
  }

  /**
   * A model with He (Kaiming) normal initialization, {@code w ~ N(0, 2 / in)}, and zero biases, the
   * initialization ReLU networks train best from. The same seed gives the same bits on every JVM.
   *
   * @param sizes the layer widths, input first: {@code 784, 256, 128, 10}
   */
  public static Mlp heInit(long seed, int... sizes) {
    checkSizes(sizes);
    Random random = new Random(seed);
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    for (int l = 0; l < w.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      double std = Math.sqrt(2.0 / in);
      w[l] = new float[out * in];
      for (int i = 0; i < w[l].length; i++) {
        w[l][i] = (float) (random.nextGaussian() * std);
      }
      b[l] = new float[out];
    }
    return new Mlp(sizes.clone(), w, b);
  }

  /**
   * A model from given parameters, copied: {@code weights[l]} is {@code [sizes[l+1]][sizes[l]]}
   * row-major.
   *
   * @throws IllegalArgumentException naming the layer and the expected and found lengths
   */
  public static Mlp of(int[] sizes, float[][] weights, float[][] biases) {
    checkSizes(sizes);
    int layers = sizes.length - 1;
    if (weights.length != layers || biases.length != layers) {
      throw new IllegalArgumentException(
          "weights/biases: "
              + weights.length
              + "/"
              + biases.length
              + " layers, expected "
              + layers
              + " for sizes "
              + Arrays.toString(sizes));
    }
    float[][] w = new float[layers][];
    float[][] b = new float[layers][];
    for (int l = 0; l < layers; l++) {
      if (weights[l].length != sizes[l + 1] * sizes[l]) {
        throw new IllegalArgumentException(
            "weights["
                + l
                + "] length "
                + weights[l].length
                + ": expected "
                + sizes[l + 1]
                + " x "
                + sizes[l]
                + " = "
                + sizes[l + 1] * sizes[l]);
      }
      if (biases[l].length != sizes[l + 1]) {
        throw new IllegalArgumentException(
            "biases[" + l + "] length " + biases[l].length + ": expected " + sizes[l + 1]);
      }
      w[l] = weights[l].clone();
      b[l] = biases[l].clone();
    }
    return new Mlp(sizes.clone(), w, b);
  }

  private static void checkSizes(int[] sizes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "sizes " + Arrays.toString(sizes) + ": expected at least input and output");
    }
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] <= 0) {
        throw new IllegalArgumentException("sizes[" + i + "] is " + sizes[i] + ": expected > 0");
      }
    }
  }

  /** The layer widths, input first. */
  public int[] sizes() {
    return sizes.clone();
  }

  public int layers() {
    return sizes.length - 1;
  }

  public int inputSize() {
    return sizes[0];
  }

  public int outputSize() {
    return sizes[sizes.length - 1];
  }

  /** A copy of layer {@code l}'s weight, {@code [out][in]} row-major. */
  public float[] weight(int l) {
    return weights[checkLayer(l)].clone();
  }

  /** A copy of layer {@code l}'s bias. */
  public float[] bias(int l) {
    return biases[checkLayer(l)].clone();
  }

  private int checkLayer(int l) {
    if (l < 0 || l >= weights.length) {
      throw new IllegalArgumentException(
          "layer " + l + " is out of range: expected 0.." + (weights.length - 1));
    }
    return l;
  }

  /** An independent copy of this model. */
  public Mlp copy() {
    return of(sizes, weights, biases);
  }

  /**
   * The parameters as named tensors in PyTorch naming: {@code fc1.weight [out, in]}, {@code
   * fc1.bias [out]}, {@code fc2.weight}, ... in layer order.
   */
  public Map<String, FloatTensor> namedTensors() {
    Map<String, FloatTensor> out = new LinkedHashMap<>();
    for (int l = 0; l < weights.length; l++) {
      out.put(
          "fc" + (l + 1) + ".weight", FloatTensor.of(Shape.of(sizes[l + 1], sizes[l]), weights[l]));
      out.put("fc" + (l + 1) + ".bias", FloatTensor.of(Shape.of(sizes[l + 1]), biases[l]));
    }
    return out;
  }

  /** The logits for one input (single-threaded; allocates its activations). */
  public float[] forward(float[] input) {
    if (input.length != sizes[0]) {
      throw new IllegalArgumentException("input length " + input.length + ": expected " + sizes[0]);
    }
    float[] a = input;
    for (int l = 0; l < weights.length; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      float[] z = new float[out];
      for (int o = 0; o < out; o++) {
        z[o] = biases[l][o] + TrainingLoops.dot(weights[l], o * in, a, 0, in);
      }
      if (l < weights.length - 1) {
        TrainingLoops.relu(z, 0, out);
      }
      a = z;
    }
    return a;
  }

  /** The predicted class of one input: the index of the largest logit (the first on a tie). */
  public int predict(float[] input) {
    return TrainingLoops.argmax(forward(input), 0, sizes[sizes.length - 1]);
  }
}
