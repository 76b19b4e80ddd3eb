package dev.quantgen.runtime.model;

/** The weight precision of one layer after post-training quantization. */
public enum Precision {
  /** The float32 baseline: weights as trained. */
  FP32,
  /** IEEE binary16 weights, float32 accumulation. */
  FP16,
  /** int8 weights (two's complement), int32 accumulation. */
  INT8,
  /** int4 weights packed two per byte (ONNX nibble order), int32 accumulation. */
  INT4,
  /** Sign bits packed 64 per {@code long} with a float scale per channel (XNOR-Net). */
  BINARY;

  /** The lower-case name used in tables and model files ({@code int8}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
