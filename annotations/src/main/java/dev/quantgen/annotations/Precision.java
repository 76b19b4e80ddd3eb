package dev.quantgen.annotations;

/** The numeric precision of a layer's weights (and, where it applies, its activations). */
public enum Precision {
  /** IEEE float32: the baseline every other precision is measured against. */
  FP32,
  /** IEEE binary16 weights, float32 accumulation. */
  FP16,
  /** 8-bit integer weights, int32 accumulation. */
  INT8,
  /** 4-bit integer weights, two per byte, int32 accumulation. */
  INT4,
  /**
   * 1-bit weights (sign), 64 per long, with a per-channel scale; XNOR/popcount for binary
   * activations.
   */
  BINARY
}
