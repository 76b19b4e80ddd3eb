package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.DenseChain;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.GeneratedKernels;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A runnable quantized model: its prepared layers (what a model file stores) and the chain of
 * their kernels. Each layer runs on the kernel javac generated for it when the model was built with
 * a {@code @Model}'s {@link GeneratedKernels} and one of the layer's generated variants matches its
 * prepared parameters; otherwise on the runtime's own kernel for those parameters, which computes
 * the same values (integer pipelines bit for bit). {@link #kernelName(int)} tells which ran.
 * Consecutive STATIC layers share their boundary parameters, so the chain passes int8 activations
 * between them without requantizing. Immutable and thread-safe; run it through an {@link
 * InferenceSession}.
 */
public final class QuantizedModel {
  private final List<PreparedLayer> layers;
  private final DenseChain chain;
  private final boolean[] generated;

  private QuantizedModel(List<PreparedLayer> layers, DenseChain chain, boolean[] generated) {
    this.layers = layers;
    this.chain = chain;
    this.generated = generated;
  }

  /**
   * A model on the runtime's kernels.
   *
   * @throws IllegalArgumentException if there is no layer, names repeat, or sizes do not chain
   */
  public static QuantizedModel of(List<? extends PreparedLayer> layers) {
    return of(layers, null);
  }

  /**
   * A model on {@code kernels} wherever a generated variant matches a layer, the runtime's kernels
   * elsewhere; {@code kernels} null means the runtime's kernels throughout.
   *
   * @throws IllegalArgumentException if there is no layer, names repeat, sizes do not chain, or
   *     {@code kernels} were generated for a model with another number of layers
   */
  public static QuantizedModel of(List<? extends PreparedLayer> layers, GeneratedKernels kernels) {
    List<PreparedLayer> copy = List.copyOf(layers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    if (kernels != null && kernels.layers() != copy.size()) {
      throw new IllegalArgumentException("kernels: expected the generated kernels of a model with " + copy.size()
          + " layers, got " + kernels.modelName() + " with " + kernels.layers());
    }
    List<DenseLayer> chain = new ArrayList<>();
    boolean[] generated = new boolean[copy.size()];
    Set<String> names = new HashSet<>();
    for (int k = 0; k < copy.size(); k++) {
      PreparedLayer layer = copy.get(k);
      if (!names.add(layer.name())) {
        throw new IllegalArgumentException("layers[" + k + "]: name '" + layer.name()
            + "' is used twice, expected unique names");
      }
      Optional<DenseLayer> kernel = kernels == null ? Optional.empty() : layer.generatedKernel(kernels, k);
      generated[k] = kernel.isPresent();
      chain.add(kernel.orElseGet(layer::kernel));
    }
    return new QuantizedModel(copy, new DenseChain(chain), generated);
  }

  /**
   * The same prepared layers on {@code kernels} wherever a generated variant matches (null: the
   * runtime's kernels throughout).
   *
   * @throws IllegalArgumentException if {@code kernels} belong to a model with another number of layers
   */
  public QuantizedModel withKernels(GeneratedKernels kernels) {
    return of(layers, kernels);
  }

  /** Whether layer {@code k} runs on a generated kernel (else on the runtime's own). */
  public boolean isGenerated(int k) {
    Objects.checkIndex(k, generated.length);
    return generated[k];
  }

  /** Whether every layer runs on a generated kernel. */
  public boolean allGenerated() {
    for (boolean g : generated) {
      if (!g) {
        return false;
      }
    }
    return true;
  }

  /**
   * The simple class name of layer {@code k}'s kernel: a generated class such as {@code Fc1_Int8},
   * or a runtime kernel such as {@code StaticKernel}.
   */
  public String kernelName(int k) {
    return chain.layer(k).getClass().getSimpleName();
  }

  /** {@link #kernelName(int)} of every layer, in layer order. */
  public List<String> kernelNames() {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < size(); k++) {
      names.add(kernelName(k));
    }
    return List.copyOf(names);
  }

  /** The prepared layers in execution order. */
  public List<PreparedLayer> layers() {
    return layers;
  }

  /** Layer {@code k}'s prepared parameters. */
  public PreparedLayer layer(int k) {
    return layers.get(k);
  }

  /** Layer {@code k}'s kernel (generated or the runtime's), as the chain runs it. */
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
