package dev.quantgen.annotations;

/**
 * How a {@link Activations#STATIC} layer maps its int32 accumulator to the next layer's int8
 * (docs/numerics.md#5-requantization).
 */
public enum Requantization {
  /**
   * Integer-only (TFLite / gemmlowp): the real multiplier becomes a 31-bit fixed-point multiplier
   * and a shift; no floating point at inference.
   */
  INTEGER,
  /** ONNX QLinearMatMul: {@code rint(acc * M)} with a float32 multiplier, as ONNX's reference. */
  FLOAT
}
