package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * Requantization as the ONNX reference does it for QLinearMatMul and QLinearConv
 * (docs/numerics.md#5-requantization, "ONNX mode"): a multiplier {@code inScale * weightScale /
 * outScale} computed in the scales' own type, the int32 accumulator times that multiplier in
 * float64, round half to even, then add the zero point and saturate. Rounding before adding the
 * zero point matches QuantizeLinear; the reference adds first, which can differ only when the
 * float64 sum itself rounds.
 */
final class OnnxRequantization {
  private OnnxRequantization() {}

  /**
   * {@code a * b / y} in {@code type}: two float32 operations, each rounded back to float16 for
   * FLOAT16. Float32 has enough precision (24 >= 2*11 + 2 bits) that rounding a float32 result to
   * half equals rounding the exact result, so this is what a true float16 unit computes.
   *
   * @throws IllegalArgumentException when the multiplier is not finite and > 0 (float16 overflows
   *     above 65504, and a multiplier that underflows to 0 would silently zero the layer)
   */
  static float multiplier(float a, float b, float y, FloatType type) {
    float m = type.round(type.round(a * b) / y);
    if (!(m > 0) || m == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "requantization multiplier "
              + a
              + " * "
              + b
              + " / "
              + y
              + " is "
              + m
              + " in "
              + type.onnxName()
              + ": expected a finite value > 0");
    }
    return m;
  }

  /** {@code saturate(rint(acc * multiplier) + zeroPoint)}, the product in float64. */
  static int requantize(int acc, float multiplier, int zeroPoint, QuantType type) {
    return type.saturate(Math.rint((double) acc * multiplier) + zeroPoint);
  }
}
