package dev.quantgen.quantize.calibrate;

/**
 * How a clipping range becomes a scale and zero point (numerics.md section 2).
 *
 * <p>The scheme also changes what the histogram observers collect: symmetric observers look at
 * {@code |x|}, asymmetric ones at {@code x}.
 */
public enum Scheme {
  /**
   * Zero point 0 and the restricted range {@code [-qmax, qmax]} (TFLite), so {@code -q} is always
   * representable; the default for weights. Needs a signed {@link
   * dev.quantgen.runtime.numerics.QuantType}.
   */
  SYMMETRIC,
  /** The full range {@code [qmin, qmax]} with a zero point; the default for activations. */
  ASYMMETRIC
}
