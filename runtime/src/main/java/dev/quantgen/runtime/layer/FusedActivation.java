package dev.quantgen.runtime.layer;

/**
 * The activation fused into a layer's output (the runtime's mirror of the annotation enum, since
 * the runtime depends on nothing). Float outputs apply {@link #apply}; int8 outputs clamp instead
 * (see {@link StaticRequantization}).
 */
public enum FusedActivation {
  /** Identity. */
  NONE,
  /** {@code max(y, 0)}; NaN stays NaN. */
  RELU,
  /** {@code min(max(y, 0), 6)}; NaN stays NaN. */
  RELU6;

  /** Applies the activation to one float output. */
  public float apply(float y) {
    switch (this) {
      case RELU:
        return Math.max(y, 0.0f);
      case RELU6:
        return Math.min(Math.max(y, 0.0f), 6.0f);
      default:
        return y;
    }
  }
}
