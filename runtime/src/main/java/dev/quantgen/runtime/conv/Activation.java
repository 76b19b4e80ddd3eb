package dev.quantgen.runtime.conv;

/** The activation fused into a convolution's output. */
public enum Activation {
  /** Identity. */
  NONE,
  /** {@code max(y, 0)}. */
  RELU,
  /** {@code min(max(y, 0), 6)}. */
  RELU6;

  /** Applies the activation to one float output; NaN stays NaN ({@code Math.max} propagates it). */
  public float apply(float y) {
    return switch (this) {
      case NONE -> y;
      case RELU -> Math.max(y, 0f);
      case RELU6 -> Math.min(Math.max(y, 0f), 6f);
    };
  }
}
