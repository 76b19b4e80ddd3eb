package dev.quantgen.runtime.calibrate;

import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * A scale and zero point for one tensor or one channel, as chosen from a {@link Range}.
 *
 * @param scale finite and positive
 * @param zeroPoint inside {@code type}'s range
 * @param type the integer type the values quantize to
 */
public record QuantParams(float scale, int zeroPoint, QuantType type) {
  public QuantParams {
    Objects.requireNonNull(type, "type");
    if (!(scale > 0f) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale is " + scale + ", expected a finite value > 0");
    }
    if (!type.contains(zeroPoint)) {
      throw new IllegalArgumentException("zeroPoint is " + zeroPoint + ", expected " + type.min()
          + ".." + type.max() + " for " + type.onnxName());
    }
  }

  /**
   * {@code saturate(rint(x / scale) + zeroPoint)} with a true float32 division (numerics.md section
   * 1). NaN has no quantized image here; calibration rejects it before it gets this far.
   */
  public int quantize(float x) {
    float q = x / scale;
    // rint of a float is an integer-valued double; adding an int to it is exact in double.
    return type.saturate(Math.rint(q) + zeroPoint);
  }

  /** {@code (q - zeroPoint) * scale}, one float32 multiply. */
  public float dequantize(int q) {
    return (q - zeroPoint) * scale;
  }

  /** Quantize then dequantize: the value the quantized model sees instead of {@code x}. */
  public float fakeQuantize(float x) {
    return dequantize(quantize(x));
  }
}
