package dev.quantgen.runtime.layer;

/** How a layer treats its activations (the runtime's mirror of the annotation enum). */
public enum ActivationMode {
  /** Calibrated int8 asymmetric input and output: integer-only from int8 in to int8 out. */
  STATIC,
  /** uint8 input quantized per call (ONNX DynamicQuantizeLinear), int32 accumulation, float out. */
  DYNAMIC,
  /** Weight-only: float input and output. */
  FLOAT,
  /** Sign-binarized input scaled by its mean absolute value: XNOR and popcount. */
  BINARY
}
