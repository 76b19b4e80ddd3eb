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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A runnable quantized model: its prepared layers (what a model file stores) and the chain of their
 * kernels. Built without generated kernels ({@link #of(List)}), every layer runs on the runtime's
 * own kernel for its parameters. Built with a {@code @Model}'s {@link GeneratedKernels} ({@code
 * <Model>_Model.kernels()}), every layer runs on the kernel javac generated for it, and a layer
 * none of whose generated variants matches its prepared parameters (another shape, fused
 * activation, precision or scheme) is a {@link KernelMismatchException} naming the layer, unless
 * {@link KernelPolicy#ALLOW_RUNTIME_KERNELS} lets it run on the runtime's kernel, which computes
 * the same values (integer pipelines bit for bit) more slowly. {@link #kernelSummary()} tells which
 * layer runs on which kernel; an {@link InferenceSession} logs it once. Consecutive STATIC layers
 * share their boundary parameters, so the chain passes int8 activations between them without
 * requantizing. Immutable and thread-safe; run it through an {@link InferenceSession}.
 */
public final class QuantizedModel {
  private static final System.Logger LOG = System.getLogger(QuantizedModel.class.getName());

  private final List<PreparedLayer> layers;
  private final DenseChain chain;
  private final boolean[] generated;
  private final GeneratedKernels kernels;
  private final AtomicBoolean announced = new AtomicBoolean();

  private QuantizedModel(
      List<PreparedLayer> layers, DenseChain chain, boolean[] generated, GeneratedKernels kernels) {
    this.layers = layers;
    this.chain = chain;
    this.generated = generated;
    this.kernels = kernels;
  }

  /**
   * A model on the runtime's kernels.
   *
   * @throws IllegalArgumentException if there is no layer, names repeat, or sizes do not chain
   */
  public static QuantizedModel of(List<? extends PreparedLayer> layers) {
    return of(layers, null, KernelPolicy.GENERATED_ONLY);
  }

  /**
   * A model whose every layer runs on its generated kernel in {@code kernels}; {@code kernels} null
   * means the runtime's kernels throughout (as {@link #of(List)}).
   *
   * @throws KernelMismatchException if none of a layer's generated variants matches its prepared
   *     parameters (the message names each such layer, what its generated kernels accept and what
   *     it has); pass {@link KernelPolicy#ALLOW_RUNTIME_KERNELS} to run such layers on the
   *     runtime's kernels instead
   * @throws IllegalArgumentException if there is no layer, names repeat, sizes do not chain, or
   *     {@code kernels} were generated for a model with another number of layers
   */
  public static QuantizedModel of(List<? extends PreparedLayer> layers, GeneratedKernels kernels) {
    return of(layers, kernels, KernelPolicy.GENERATED_ONLY);
  }

  /**
   * A model on {@code kernels} ({@code null}: the runtime's kernels throughout), where {@code
   * policy} decides what a layer without a matching generated kernel does: fail ({@link
   * KernelPolicy#GENERATED_ONLY}) or run on the runtime's kernel ({@link
   * KernelPolicy#ALLOW_RUNTIME_KERNELS}).
   *
   * @throws KernelMismatchException under {@link KernelPolicy#GENERATED_ONLY}, if none of a layer's
   *     generated variants matches its prepared parameters
   * @throws IllegalArgumentException if there is no layer, names repeat, sizes do not chain, or
   *     {@code kernels} were generated for a model with another number of layers
   */
  public static QuantizedModel of(
      List<? extends PreparedLayer> layers, GeneratedKernels kernels, KernelPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    List<PreparedLayer> copy = List.copyOf(layers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    if (kernels != null && kernels.layers() != copy.size()) {
      throw new IllegalArgumentException(
          "kernels: expected the generated kernels of a model with "
              + copy.size()
              + " layers, got "
              + kernels.modelName()
              + " with "
              + kernels.layers());
    }
    List<DenseLayer> chain = new ArrayList<>();
    boolean[] generated = new boolean[copy.size()];
    List<Integer> unmatched = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int k = 0; k < copy.size(); k++) {
      PreparedLayer layer = copy.get(k);
      if (!names.add(layer.name())) {
        throw new IllegalArgumentException(
            "layers[" + k + "]: name '" + layer.name() + "' is used twice, expected unique names");
      }
      Optional<DenseLayer> kernel =
          kernels == null ? Optional.empty() : layer.generatedKernel(kernels, k);
      generated[k] = kernel.isPresent();
      if (kernels != null && kernel.isEmpty()) {
        unmatched.add(k);
      }
      chain.add(kernel.orElseGet(layer::kernel));
    }
    if (!unmatched.isEmpty() && policy == KernelPolicy.GENERATED_ONLY) {
      throw mismatch(copy, kernels, unmatched);
    }
    return new QuantizedModel(copy, new DenseChain(chain), generated, kernels);
  }

  /**
   * The error for layers no generated kernel matches: per layer, its index and name, the generated
   * kernels of its precision (all of them when none has it) with what they accept, and what the
   * layer has.
   */
  private static KernelMismatchException mismatch(
      List<PreparedLayer> layers, GeneratedKernels kernels, List<Integer> unmatched) {
    StringBuilder m = new StringBuilder();
    m.append(unmatched.size() == 1 ? "1 layer matches" : unmatched.size() + " layers match")
        .append(" none of the kernels generated for ")
        .append(kernels.modelName())
        .append(':');
    for (int k : unmatched) {
      PreparedLayer layer = layers.get(k);
      List<String> variants = kernels.variants(k);
      String suffix =
          "_" + layer.precision().name().charAt(0) + layer.precision().label().substring(1) + ":";
      List<String> samePrecision =
          variants.stream().filter(v -> v.split(" ", 2)[0].endsWith(suffix)).toList();
      List<String> expected = samePrecision.isEmpty() ? variants : samePrecision;
      m.append("\n  layer ")
          .append(k)
          .append(" '")
          .append(layer.name())
          .append("': expected ")
          .append(
              expected.isEmpty()
                  ? "a generated variant of that layer"
                  : String.join(" or ", expected))
          .append("; the model has ")
          .append(layer.describe());
    }
    m.append(
        "\nMake the model match its annotations (or add a @Quantize variant for this configuration), or"
            + " opt in to the runtime's slower kernels for such layers with KernelPolicy.ALLOW_RUNTIME_KERNELS.");
    return new KernelMismatchException(kernels.modelName(), unmatched, m.toString());
  }

  /**
   * The same prepared layers on {@code kernels} (null: the runtime's kernels throughout).
   *
   * @throws KernelMismatchException if a layer has no matching generated kernel
   * @throws IllegalArgumentException if {@code kernels} belong to a model with another number of
   *     layers
   */
  public QuantizedModel withKernels(GeneratedKernels kernels) {
    return of(layers, kernels);
  }

  /**
   * The same prepared layers on {@code kernels} under {@code policy} (see {@link #of(List,
   * GeneratedKernels, KernelPolicy)}).
   */
  public QuantizedModel withKernels(GeneratedKernels kernels, KernelPolicy policy) {
    return of(layers, kernels, policy);
  }

  /**
   * One line saying which layer runs on which kernel, e.g. {@code fc1: Fc1_Int8, fc2: Fc2_Int8,
   * fc3: StaticKernel (runtime kernel: no generated kernel of FashionMlp matches)}, or {@code
   * runtime kernels (no generated kernels given): StaticKernel, ...}.
   */
  public String kernelSummary() {
    StringBuilder s = new StringBuilder();
    if (kernels == null) {
      s.append("runtime kernels (no generated kernels given): ");
    }
    for (int k = 0; k < size(); k++) {
      if (k > 0) {
        s.append(", ");
      }
      s.append(layers.get(k).name()).append(": ").append(kernelName(k));
      if (kernels != null && !generated[k]) {
        s.append(" (runtime kernel: no generated kernel of ")
            .append(kernels.modelName())
            .append(" matches)");
      }
    }
    return s.toString();
  }

  /**
   * Logs {@link #kernelSummary()} once per model: at INFO when a layer runs on the runtime's kernel
   * although generated kernels were given (the opt-in slower path), else at DEBUG.
   */
  void announceKernels() {
    if (announced.compareAndSet(false, true)) {
      boolean fellBack = kernels != null && !allGenerated();
      LOG.log(
          fellBack ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
          "quantgen kernels: " + kernelSummary());
    }
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

  /**
   * The bytes of every stored parameter of every layer ({@link PreparedLayer#parameterBytes()}).
   */
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

  /**
   * Runs the model on {@code batch} inputs stored one after another in {@code x} into {@code y},
   * each output equal bit for bit to {@link #forward}'s. Faster than one call per input: the layers
   * run on blocks of up to {@link DenseChain#BLOCK} samples through their batched products, which
   * load each weight once per block. Allocation-free once a thread has run a block of this size;
   * thread-safe.
   *
   * @throws IllegalArgumentException if {@code batch < 1} or a buffer is not {@code batch} vectors
   *     long
   */
  public void forwardBatch(float[] x, float[] y, int batch) {
    chain.forwardBatch(x, y, batch);
  }

  /**
   * {@link #forwardBatch} on rows {@code [from, to)} of {@code x} into the same rows of {@code y}.
   *
   * @throws IllegalArgumentException if {@code from > to}, {@code from < 0}, or a buffer holds
   *     fewer than {@code to} rows
   */
  public void forwardRows(float[] x, float[] y, int from, int to) {
    chain.forwardRows(x, y, from, to);
  }

  /** The layers' labels joined by {@code " / "} when they differ, else the one label. */
  public String label() {
    List<String> labels = layers.stream().map(PreparedLayer::label).distinct().toList();
    return String.join(" / ", labels);
  }
}
