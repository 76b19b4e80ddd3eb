package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.QuantizeLinear;
import java.util.Objects;

/**
 * The ONNX {@code DynamicQuantizeLinear} operator (opset 11): quantizes a float32 tensor to uint8
 * with a scale and zero point computed from the tensor itself. All arithmetic is float32, as in the
 * ONNX reference:
 *
 * <pre>
 *   lo = min(0, min(x)),  hi = max(0, max(x))          // the range always contains 0
 *   scale = (hi - lo) / 255
 *   zeroPoint = rint(clamp(0 - lo / scale, 0, 255))
 *   y = clamp(rint(x / scale) + zeroPoint, 0, 255)     // a true division, not x * (1 / scale)
 * </pre>
 *
 * <p>All-zero input, which the specification leaves undefined: as the ONNX reference does, the
 * scale is {@code 1f / 255f}, the zero point 0 and y all zeros; nothing divides by zero.
 */
public final class DynamicQuantizeLinear {
  private DynamicQuantizeLinear() {}

  /** The quantized tensor (uint8, x's shape), its scale and its zero point. */
  public record Result(IntTensor y, float scale, int zeroPoint) {}

  /**
   * Quantizes {@code x} to uint8 with a range taken from its own values.
   *
   * @throws IllegalArgumentException if x is not float32, is empty, holds NaN or an infinity, or
   *     spans a range wider than the largest float32 (the scale would be infinite)
   */
  public static Result apply(FloatTensor x) {
    Objects.requireNonNull(x, "x");
    if (x.type() != FloatType.FLOAT32) {
      throw new IllegalArgumentException(
          "x: expected a float32 tensor, got " + x.type().onnxName());
    }
    if (x.size() == 0) {
      throw new IllegalArgumentException(
          "x: expected at least one element, got shape " + x.shape());
    }
    float[] xs = x.toArray();
    float lo = 0f;
    float hi = 0f;
    for (int i = 0; i < xs.length; i++) {
      float v = xs[i];
      if (Float.isNaN(v) || Float.isInfinite(v)) {
        throw new IllegalArgumentException(
            "x: expected finite values, got " + v + " at index " + i);
      }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    float range = hi == lo ? 1f : hi - lo; // hi == lo only when every value is 0
    if (Float.isInfinite(range)) {
      throw new IllegalArgumentException(
          "x: expected a range ["
              + lo
              + ", "
              + hi
              + "] narrower than the largest float32, so that the scale is finite");
    }
    float scale = range / 255f;
    int zeroPoint = (int) Math.rint(Math.min(255f, Math.max(0f, 0f - lo / scale)));
    int[] y = new int[xs.length];
    for (int i = 0; i < xs.length; i++) {
      y[i] = QuantizeLinear.quantize(xs[i], scale, zeroPoint, QuantType.UINT8, false);
    }
    return new Result(IntTensor.of(x.shape(), QuantType.UINT8, y), scale, zeroPoint);
  }
}
