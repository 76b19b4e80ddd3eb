package dev.quantgen.annotations;

/**
 * How a layer's weights are mapped to integers
 * (docs/numerics.md#2-scale-and-zero-point-from-a-range).
 */
public enum Scheme {
  /**
   * Zero point 0 and a restricted range ([-127, 127] for INT8, [-7, 7] for INT4), so {@code -q} is
   * always representable and the generated kernel drops every zero-point term of the weights.
   */
  SYMMETRIC,
  /** A scale and a zero point chosen from the full [min, max] range of the weights. */
  ASYMMETRIC
}
