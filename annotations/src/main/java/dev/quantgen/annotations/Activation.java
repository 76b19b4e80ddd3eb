package dev.quantgen.annotations;

/** The activation function fused into a layer's output. */
public enum Activation {
  /** Identity. */
  NONE,
  /** {@code max(0, y)}. */
  RELU,
  /** {@code min(6, max(0, y))}. */
  RELU6,
  /**
   * {@code min(clipMax, max(clipMin, y))} with the layer's constant {@code clipMin} and {@code
   * clipMax} (ONNX's Clip): both must be given, {@code clipMin < clipMax}, and one may be infinite.
   */
  CLIP
}
