package dev.quantgen.quantize.calibrate;

import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * Quantize-then-dequantize of single floats with one scale and zero point, for the error searches
 * of the observers, which try many candidate ranges and cannot afford a tensor per value.
 *
 * <p>The arithmetic is ONNX QuantizeLinear / DequantizeLinear as
 * docs/numerics.md#1-quantize-and-dequantize fixes it, and equals {@link QuantParams#quantize}
 * followed by {@link QuantParams#dequantize} bit for bit (a test checks it): {@code q =
 * saturate(rint(x / s) + z)} with a true float32 division, then {@code (q - z) * s} with one
 * float32 multiply.
 */
final class FakeQuantizer {
  private final float scale;
  private final int zeroPoint;
  private final QuantType type;

  /**
   * @param params per-tensor parameters
   */
  FakeQuantizer(QuantParams params) {
    if (params.granularity() != QuantParams.Granularity.PER_TENSOR) {
      throw new IllegalArgumentException(
          "params are " + params.granularity() + ", expected PER_TENSOR");
    }
    this.scale = params.scales().get(0);
    this.zeroPoint = params.zeroPoints().get(0);
    this.type = params.type();
  }

  /** The value the quantized model sees instead of the finite {@code x}. */
  float apply(float x) {
    // rint of a float is an integer-valued double; adding an int to it is exact in double.
    int q = type.saturate(Math.rint(x / scale) + zeroPoint);
    return (q - zeroPoint) * scale;
  }
}
