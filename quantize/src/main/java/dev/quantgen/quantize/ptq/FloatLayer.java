package dev.quantgen.quantize.ptq;

import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import java.util.Objects;

/**
 * One dense layer of a trained FP32 model: its name (used in reports, per-layer overrides and model
 * files), its weights and its fused activation.
 */
public record FloatLayer(String name, DenseWeights weights, Activation activation) {
  /**
   * @throws IllegalArgumentException for an empty name or one that is not a plain identifier
   */
  public FloatLayer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(activation, "activation");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      // Layer names become tensor-name prefixes in model files, so they must not contain '/'.
      throw new IllegalArgumentException(
          "name: expected an identifier ([A-Za-z_][A-Za-z0-9_.-]*), got '" + name + "'");
    }
  }
}
