package dev.quantgen.quantize.ptq;

import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.numerics.QuantType;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What post-training quantization does to each layer and how it calibrates: a {@link
 * LayerQuantization} for the model with per-layer overrides, an activation observer for the model
 * with per-boundary overrides, the calibration batch size and where the progress bar goes.
 * Immutable; the {@code with} methods return copies.
 *
 * <p>Activation boundaries are named after the layer whose output they are; the model's input is
 * {@link #INPUT}. Activation parameters are int8 per tensor (one scale and zero point per
 * boundary), as an integer-only chain needs; the default observer is asymmetric min/max ({@link
 * ObserverSpec#forActivations}).
 */
public final class PtqConfig {
  /**
   * The name of the model-input boundary in {@link #withActivationObserver(String, ObserverSpec)}.
   */
  public static final String INPUT = "input";

  /** Calibration samples per observer batch by default. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  private final LayerQuantization layers;
  private final Map<String, LayerQuantization> layerOverrides;
  private final ObserverSpec activations;
  private final Map<String, ObserverSpec> activationOverrides;
  private final int batchSize;
  private final PrintStream progress;

  private PtqConfig(
      LayerQuantization layers,
      Map<String, LayerQuantization> layerOverrides,
      ObserverSpec activations,
      Map<String, ObserverSpec> activationOverrides,
      int batchSize,
      PrintStream progress) {
    this.layers = layers;
    this.layerOverrides = Map.copyOf(layerOverrides);
    this.activations = activations;
    this.activationOverrides = Map.copyOf(activationOverrides);
    this.batchSize = batchSize;
    this.progress = progress;
  }

  /**
   * Every layer at {@code precision} with {@link LayerQuantization#of}'s defaults, no progress
   * output.
   */
  public static PtqConfig of(Precision precision) {
    return of(LayerQuantization.of(precision));
  }

  /**
   * {@link #of(Precision)} for the {@code @Quantize} precision of the same name: a model's
   * annotations and its post-training quantization can name precisions with one import.
   */
  public static PtqConfig of(dev.quantgen.annotations.Precision precision) {
    return of(LayerQuantization.of(precision));
  }

  /**
   * Every layer as {@code layers} says, with the default activation observer, no progress output.
   */
  public static PtqConfig of(LayerQuantization layers) {
    return new PtqConfig(
        Objects.requireNonNull(layers, "layers"),
        Map.of(),
        ObserverSpec.forActivations(QuantType.INT8),
        Map.of(),
        DEFAULT_BATCH_SIZE,
        null);
  }

  /** A copy where layer {@code name} is quantized as {@code quantization} says. */
  public PtqConfig withLayer(String name, LayerQuantization quantization) {
    Map<String, LayerQuantization> copy = new HashMap<>(layerOverrides);
    copy.put(
        Objects.requireNonNull(name, "name"), Objects.requireNonNull(quantization, "quantization"));
    return new PtqConfig(layers, copy, activations, activationOverrides, batchSize, progress);
  }

  /**
   * A copy observing every activation boundary with {@code spec}.
   *
   * @throws IllegalArgumentException unless the spec is per tensor with type int8
   */
  public PtqConfig withActivationObserver(ObserverSpec spec) {
    return new PtqConfig(
        layers,
        layerOverrides,
        checkActivationSpec("spec", spec),
        activationOverrides,
        batchSize,
        progress);
  }

  /**
   * A copy observing one boundary (a layer's output, or {@link #INPUT}) with {@code spec}.
   *
   * @throws IllegalArgumentException unless the spec is per tensor with type int8
   */
  public PtqConfig withActivationObserver(String boundary, ObserverSpec spec) {
    Map<String, ObserverSpec> copy = new HashMap<>(activationOverrides);
    copy.put(
        Objects.requireNonNull(boundary, "boundary"),
        checkActivationSpec("spec for " + boundary, spec));
    return new PtqConfig(layers, layerOverrides, activations, copy, batchSize, progress);
  }

  /**
   * A copy feeding the observers {@code size} samples at a time.
   *
   * @throws IllegalArgumentException if {@code size < 1}
   */
  public PtqConfig withBatchSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("batchSize: expected >= 1, got " + size);
    }
    return new PtqConfig(layers, layerOverrides, activations, activationOverrides, size, progress);
  }

  /**
   * A copy showing a progress bar on {@code out} when calibration takes more than a second; null
   * for none.
   */
  public PtqConfig withProgress(PrintStream out) {
    return new PtqConfig(layers, layerOverrides, activations, activationOverrides, batchSize, out);
  }

  private static ObserverSpec checkActivationSpec(String name, ObserverSpec spec) {
    Objects.requireNonNull(spec, name);
    if (spec.isPerChannel() || spec.type() != QuantType.INT8) {
      throw new IllegalArgumentException(
          name
              + ": expected a per-tensor int8 spec (activations have one scale and "
              + "zero point per boundary), got "
              + spec);
    }
    return spec;
  }

  /** How layer {@code name} is quantized: its override, else the model's choice. */
  public LayerQuantization layer(String name) {
    return layerOverrides.getOrDefault(name, layers);
  }

  /** The observer of boundary {@code name}: its override, else the model's choice. */
  public ObserverSpec activationObserver(String boundary) {
    return activationOverrides.getOrDefault(boundary, activations);
  }

  /** Calibration samples per observer batch. */
  public int batchSize() {
    return batchSize;
  }

  /** Where the progress bar goes, or null. */
  public PrintStream progress() {
    return progress;
  }

  /** The overridden layer names (to check them against a model). */
  java.util.Set<String> overriddenLayers() {
    return layerOverrides.keySet();
  }

  java.util.Set<String> overriddenBoundaries() {
    return activationOverrides.keySet();
  }
}
