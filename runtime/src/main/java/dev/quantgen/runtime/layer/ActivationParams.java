package dev.quantgen.runtime.layer;

/**
 * The int8 asymmetric quantization of one activation tensor at a layer boundary: {@code q =
 * saturate(rint(x / scale) + zeroPoint)} in [-128, 127], {@code x' = (q - zeroPoint) * scale}.
 * Static layers read their input with one and write their output with another; a model passes the
 * same instance from one layer's output to the next layer's input, so nothing is requantized
 * between them.
 */
public record ActivationParams(float scale, int zeroPoint) {
  /**
   * @throws IllegalArgumentException if {@code scale} is not finite and positive or {@code
   *     zeroPoint} is outside [-128, 127]
   */
  public ActivationParams {
    if (!(scale > 0) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("scale: expected a finite value > 0, got " + scale);
    }
    if (zeroPoint < -128 || zeroPoint > 127) {
      throw new IllegalArgumentException(
          "zeroPoint: expected a value in [-128, 127], got " + zeroPoint);
    }
  }

  /**
   * Parameters from an observed range as docs/numerics.md#2-scale-and-zero-point-from-a-range
   * defines them: the range is widened to include 0, {@code s = (hi - lo) / 255}, {@code z =
   * saturate(-128 - rint(lo / s))}; an all-zero range gives {@code s = 1, z = 0}.
   *
   * @throws IllegalArgumentException if a bound is NaN or infinite, or {@code lo > hi}
   */
  public static ActivationParams fromRange(float lo, float hi) {
    if (!Float.isFinite(lo) || !Float.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException(
          "range: expected finite lo <= hi, got [" + lo + ", " + hi + "]");
    }
    float min = Math.min(lo, 0.0f);
    float max = Math.max(hi, 0.0f);
    if (min == max) {
      return new ActivationParams(1.0f, 0);
    }
    float scale = (max - min) / 255.0f;
    int zero = (int) Math.max(-128, Math.min(127, -128 - Math.rint(min / scale)));
    return new ActivationParams(scale, zero);
  }

  /** Quantizes one value (NaN maps to the zero point, as {@link LayerMath#quantize}). */
  public int quantize(float x) {
    return LayerMath.quantizeInt8(x, scale, zeroPoint);
  }

  /** Dequantizes one value: {@code (q - zeroPoint) * scale}, one float32 multiply. */
  public float dequantize(int q) {
    return LayerMath.dequantize(q, scale, zeroPoint);
  }
}
