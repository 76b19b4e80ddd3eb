package dev.quantgen.runtime.conv;

/** How a {@link Window2d} pads its input (ONNX {@code auto_pad}). */
public enum PadMode {
  /** The explicit pads of the window ({@code NOTSET}; all zero is ONNX {@code VALID}). */
  EXPLICIT,
  /** Output size {@code ceil(in / stride)}; an odd total pad puts the extra cell at the end. */
  SAME_UPPER,
  /**
   * Output size {@code ceil(in / stride)}; an odd total pad puts the extra cell at the beginning.
   */
  SAME_LOWER
}
