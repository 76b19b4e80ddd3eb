package dev.quantgen.runtime.numerics;

/**
 * The activation fused into a dense or convolution layer's output: the runtime's one type for it
 * (the annotation enum of the same name is its compile-time mirror, constant for constant).
 *
 * <p>Float outputs apply {@link #apply}; int8 outputs clamp to the quantized bounds instead (the
 * lower bound of {@code RELU} is the output zero point, the upper bound of {@code RELU6} the
 * quantized 6), which docs/numerics.md#5-requantization states.
 */
public enum Activation {
  /** Identity. */
  NONE,
  /** {@code max(y, 0)}; NaN stays NaN ({@code Math.max} propagates it). */
  RELU,
  /** {@code min(max(y, 0), 6)}; NaN stays NaN. */
  RELU6;

  /** Applies the activation to one float output. */
  public float apply(float y) {
    return switch (this) {
      case NONE -> y;
      case RELU -> Math.max(y, 0f);
      case RELU6 -> Math.min(Math.max(y, 0f), 6f);
    };
  }
}
