package dev.quantgen.runtime.conv;

/**
 * How a static INT8 layer maps its int32 accumulator to int8 (docs/numerics.md#5-requantization).
 */
public enum RequantMode {
  /** Integer-only: fixed-point multiplier and shift (TFLite / gemmlowp); the default. */
  INTEGER,
  /**
   * ONNX {@code QLinearConv}: float32 multiplier, {@code rint(acc * M)} with the product in
   * float64.
   */
  ONNX
}
