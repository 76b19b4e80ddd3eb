package dev.quantgen.runtime.layer;

/** How a static layer maps its int32 accumulator to int8 (docs/numerics.md#5-requantization). */
public enum RequantMode {
  /** Fixed-point multiplier and shift (TFLite / gemmlowp), no floating point. */
  INTEGER,
  /** ONNX QLinearMatMul: {@code rint(acc * M)}, {@code M} a float32, the product in float64. */
  FLOAT
}
