package dev.quantgen.annotations;

/** The activation function fused into a layer's output. */
public enum Activation {
  /** Identity. */
  NONE,
  /** {@code max(0, y)}. */
  RELU,
  /** {@code min(6, max(0, y))}. */
  RELU6
}
