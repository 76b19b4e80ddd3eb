package dev.quantgen.runtime.numerics;

/**
 * How a static integer layer (dense or convolution) maps its int32 accumulator to int8
 * (docs/numerics.md#5-requantization): the runtime's one type for it; the annotation enum {@code
 * Requantization} is its compile-time mirror, constant for constant.
 */
public enum RequantMode {
  /** Integer-only: fixed-point multiplier and shift (TFLite / gemmlowp), no floating point. */
  INTEGER,
  /**
   * ONNX {@code QLinearMatMul} / {@code QLinearConv}: {@code rint(acc * M)}, {@code M} a float32,
   * the product in float64.
   */
  FLOAT
}
