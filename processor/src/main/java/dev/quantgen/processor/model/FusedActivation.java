package dev.quantgen.processor.model;

import dev.quantgen.annotations.Activation;

/**
 * A layer's validated fused activation: its kind and the clamp {@code min(max(y, lower), upper)} it
 * stands for. NONE, RELU and RELU6 have fixed bounds; CLIP carries the layer's {@code clipMin} and
 * {@code clipMax} (one of them may be infinite).
 *
 * @param kind the annotation's constant
 * @param lower the lower bound: negative infinity for NONE, 0 for RELU and RELU6
 * @param upper the upper bound: positive infinity for NONE and RELU, 6 for RELU6
 */
public record FusedActivation(Activation kind, float lower, float upper) {

  /** Identity. */
  public static final FusedActivation NONE =
      new FusedActivation(Activation.NONE, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);

  /** An activation without bounds of its own: NONE, RELU or RELU6 (not CLIP). */
  public static FusedActivation of(Activation kind) {
    return switch (kind) {
      case NONE -> NONE;
      case RELU -> new FusedActivation(kind, 0.0f, Float.POSITIVE_INFINITY);
      case RELU6 -> new FusedActivation(kind, 0.0f, 6.0f);
      case CLIP -> throw new IllegalArgumentException("CLIP needs bounds: FusedActivation.clip");
    };
  }

  /** CLIP to validated bounds ({@code lower < upper}, not NaN, not both infinite). */
  public static FusedActivation clip(float lower, float upper) {
    return new FusedActivation(
        Activation.CLIP, lower == 0.0f ? 0.0f : lower, upper == 0.0f ? 0.0f : upper);
  }

  /** Whether the output passes through unchanged. */
  public boolean isNone() {
    return kind == Activation.NONE;
  }

  /** The annotation constant's name, or {@code CLIP(lower, upper)}: for messages. */
  @Override
  public String toString() {
    return kind == Activation.CLIP ? "CLIP(" + lower + ", " + upper + ")" : kind.name();
  }
}
