package dev.quantgen.annotations;

/** How a convolution or pooling layer pads its input. */
public enum Padding {
  /** The explicit {@code padding} values of the annotation (0 by default: "valid"). */
  EXPLICIT,
  /**
   * Pads so that the output size is {@code ceil(in / stride)}, an odd total pad going at the end
   * (ONNX {@code SAME_UPPER}); the annotation's explicit {@code padding} must then stay 0.
   */
  SAME
}
