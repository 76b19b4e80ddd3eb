package dev.quantgen.annotations;

/** How a quantized layer treats its input and output activations. */
public enum Activations {
  /**
   * {@link #STATIC} for {@link Precision#INT8} and {@link Precision#INT4}, {@link #FLOAT}
   * otherwise.
   */
  DEFAULT,
  /**
   * Calibrated int8 asymmetric activations (a fixed scale and zero point per layer boundary): the
   * layer runs integer-only from its int8 input to its int8 output. INT8 and INT4 only.
   */
  STATIC,
  /**
   * uint8 activations quantized at each call from the input's own range (ONNX
   * DynamicQuantizeLinear), int32 accumulation, float output. INT8 and INT4 only.
   */
  DYNAMIC,
  /** Weight-only quantization: float activations, weights dequantized inside the kernel. */
  FLOAT,
  /**
   * Sign activations (+1/-1, scaled by the mean absolute input): XNOR and {@code Long.bitCount}.
   * BINARY precision only.
   */
  BINARY
}
