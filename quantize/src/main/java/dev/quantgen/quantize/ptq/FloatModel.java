package dev.quantgen.quantize.ptq;

import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A trained FP32 model of consecutive dense layers: what post-training quantization starts from.
 * Immutable.
 */
public final class FloatModel {
  private final List<FloatLayer> layers;

  private FloatModel(List<FloatLayer> layers) {
    this.layers = layers;
  }

  /**
   * @throws IllegalArgumentException if there is no layer, two layers share a name, or a layer's
   *     input size differs from the previous layer's output size
   */
  public static FloatModel of(List<FloatLayer> layers) {
    List<FloatLayer> copy = List.copyOf(layers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    Set<String> names = new HashSet<>();
    for (int k = 0; k < copy.size(); k++) {
      FloatLayer layer = copy.get(k);
      if (!names.add(layer.name())) {
        throw new IllegalArgumentException(
            "layers[" + k + "]: name '" + layer.name() + "' is used twice, expected unique names");
      }
      if (k > 0 && layer.weights().in() != copy.get(k - 1).weights().out()) {
        throw new IllegalArgumentException(
            "layers["
                + k
                + "] ("
                + layer.name()
                + "): expected in = "
                + copy.get(k - 1).weights().out()
                + " (the output of "
                + copy.get(k - 1).name()
                + "), got "
                + layer.weights().in());
      }
    }
    return new FloatModel(copy);
  }

  /**
   * A multi-layer perceptron named {@code fc1, fc2, ...} (PyTorch {@code nn.Linear} naming): ReLU
   * after every layer but the last.
   *
   * @param weights {@code [out][in]} row-major weights of each layer
   * @param biases the bias of each layer
   */
  public static FloatModel mlp(int[] sizes, float[][] weights, float[][] biases) {
    if (sizes.length < 2
        || weights.length != sizes.length - 1
        || biases.length != sizes.length - 1) {
      throw new IllegalArgumentException(
          "sizes/weights/biases: expected "
              + (sizes.length - 1)
              + " weights and biases for "
              + sizes.length
              + " sizes, got "
              + weights.length
              + " and "
              + biases.length);
    }
    FloatLayer[] layers = new FloatLayer[weights.length];
    for (int l = 0; l < weights.length; l++) {
      Activation act = l < weights.length - 1 ? Activation.RELU : Activation.NONE;
      layers[l] =
          new FloatLayer(
              "fc" + (l + 1), DenseWeights.of(sizes[l], sizes[l + 1], weights[l], biases[l]), act);
    }
    return of(List.of(layers));
  }

  /** The layers in execution order. */
  public List<FloatLayer> layers() {
    return layers;
  }

  /** Layer {@code k}. */
  public FloatLayer layer(int k) {
    return layers.get(k);
  }

  /** Number of layers. */
  public int size() {
    return layers.size();
  }

  /** Inputs of the first layer. */
  public int inputSize() {
    return layers.get(0).weights().in();
  }

  /** Outputs of the last layer. */
  public int outputSize() {
    return layers.get(layers.size() - 1).weights().out();
  }
}
