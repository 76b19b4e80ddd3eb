package dev.quantgen.runtime.ptq;

import dev.quantgen.runtime.layer.DenseChain;
import dev.quantgen.runtime.layer.DenseLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * A runnable quantized model: its prepared layers (what a model file stores) and the chain of
 * their runtime kernels. Consecutive STATIC layers share their boundary parameters, so the chain
 * passes int8 activations between them without requantizing. Immutable and thread-safe; run it
 * through an {@link InferenceSession}.
 */
public final class QuantizedModel {
  private final List<PreparedLayer> layers;
  private final DenseChain chain;

  private QuantizedModel(List<PreparedLayer> layers, DenseChain chain) {
    this.layers = layers;
    this.chain = chain;
  }

  /**
   * @throws IllegalArgumentException if there is no layer, names repeat, or sizes do not chain
   */
  public static QuantizedModel of(List<? extends PreparedLayer> layers) {
    List<PreparedLayer> copy = List.copyOf(layers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    List<DenseLayer> kernels = new ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int k = 0; k < copy.size(); k++) {
      if (!names.add(copy.get(k).name())) {
        throw new IllegalArgumentException("layers[" + k + "]: name '" + copy.get(k).name()
            + "' is used twice, expected unique names");
      }
      kernels.add(copy.get(k).kernel());
    }
    return new QuantizedModel(copy, new DenseChain(kernels));
  }

  /** The prepared layers in execution order. */
  public List<PreparedLayer> layers() {
    return layers;
  }

  /** Layer {@code k}'s prepared parameters. */
  public PreparedLayer layer(int k) {
    return layers.get(k);
  }

  /** Layer {@code k}'s runtime kernel, as the chain runs it. */
  public DenseLayer kernel(int k) {
    return chain.layer(k);
  }

  /** Number of layers. */
  public int size() {
    return layers.size();
  }

  /** Inputs of the first layer. */
  public int inputSize() {
    return chain.inputSize();
  }

  /** Outputs of the last layer. */
  public int outputSize() {
    return chain.outputSize();
  }

  /** The bytes of every stored parameter of every layer ({@link PreparedLayer#parameterBytes()}). */
  public long parameterBytes() {
    long sum = 0;
    for (PreparedLayer layer : layers) {
      sum += layer.parameterBytes();
    }
    return sum;
  }

  /**
   * Runs the model on one input: allocation-free, thread-safe.
   *
   * @throws IllegalArgumentException if {@code x} or {@code y} has the wrong length
   */
  public void forward(float[] x, float[] y) {
    chain.forward(x, y);
  }

  /** The layers' labels joined by {@code " / "} when they differ, else the one label. */
  public String label() {
    List<String> labels = layers.stream().map(PreparedLayer::label).distinct().toList();
    return String.join(" / ", labels);
  }
}
