package dev.quantgen.quantize.calibrate;

import dev.quantgen.runtime.numerics.QuantType;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link ObserverSpec} calibrates each layer's weights and activations: one choice for the
 * whole model, overridden per layer by name. Immutable; the {@code with...} methods return copies.
 */
public final class CalibrationRecipe {
  private final ObserverSpec weights;
  private final ObserverSpec activations;
  private final Map<String, ObserverSpec> layerWeights;
  private final Map<String, ObserverSpec> layerActivations;

  private CalibrationRecipe(
      ObserverSpec weights,
      ObserverSpec activations,
      Map<String, ObserverSpec> layerWeights,
      Map<String, ObserverSpec> layerActivations) {
    this.weights = Objects.requireNonNull(weights, "weights");
    this.activations = Objects.requireNonNull(activations, "activations");
    this.layerWeights = Map.copyOf(layerWeights);
    this.layerActivations = Map.copyOf(layerActivations);
  }

  /** {@link ObserverSpec#forWeights} and {@link ObserverSpec#forActivations} for every layer. */
  public static CalibrationRecipe defaults(QuantType weightType, QuantType activationType) {
    return of(ObserverSpec.forWeights(weightType), ObserverSpec.forActivations(activationType));
  }

  /** The given specs for every layer. */
  public static CalibrationRecipe of(ObserverSpec weights, ObserverSpec activations) {
    return new CalibrationRecipe(weights, activations, Map.of(), Map.of());
  }

  /** A copy whose weights of {@code layer} follow {@code spec}. */
  public CalibrationRecipe withLayerWeights(String layer, ObserverSpec spec) {
    return new CalibrationRecipe(
        weights, activations, put(layerWeights, layer, spec), layerActivations);
  }

  /** A copy whose activations of {@code layer} follow {@code spec}. */
  public CalibrationRecipe withLayerActivations(String layer, ObserverSpec spec) {
    return new CalibrationRecipe(
        weights, activations, layerWeights, put(layerActivations, layer, spec));
  }

  /** The spec for {@code layer}'s weights: its override, else the model's. */
  public ObserverSpec weights(String layer) {
    return layerWeights.getOrDefault(Objects.requireNonNull(layer, "layer"), weights);
  }

  /** The spec for {@code layer}'s output activations: its override, else the model's. */
  public ObserverSpec activations(String layer) {
    return layerActivations.getOrDefault(Objects.requireNonNull(layer, "layer"), activations);
  }

  private static Map<String, ObserverSpec> put(
      Map<String, ObserverSpec> map, String layer, ObserverSpec spec) {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(spec, "spec");
    Map<String, ObserverSpec> copy = new HashMap<>(map);
    copy.put(layer, spec);
    return copy;
  }
}
