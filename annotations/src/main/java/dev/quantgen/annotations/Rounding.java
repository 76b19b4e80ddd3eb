package dev.quantgen.annotations;

/** How real values are rounded to integers when a layer's weights are quantized. */
public enum Rounding {
  /** Round half to even ({@code Math.rint}), as ONNX QuantizeLinear. The only inference mode. */
  HALF_EVEN,
  /**
   * Stochastic rounding {@code floor(x / s + u)} with seeded {@code u ~ U[0,1)}, used only by
   * training's fake quantization. Inference still rounds half to even, so a model trained with this
   * mode produces the same generated kernel as with {@link #HALF_EVEN}.
   */
  STOCHASTIC
}
