package dev.quantgen.runtime.numerics;

import java.util.Objects;

/**
 * The ONNX {@code DequantizeLinear} operator (opset 21+ semantics): {@code y = fl32(fl32(x -
 * zeroPoint) * scale)}, then rounded to the output type.
 *
 * <p>{@code x - zeroPoint} is computed exactly in integers and converted to float32 (exact for
 * every type up to 16 bits, one rounding for int32), then multiplied once in float32: a single
 * rounding, as the ONNX reference does it. Computing {@code x * s - zp * s} instead rounds twice
 * and differs on some inputs. A FLOAT16 output is the float32 result rounded to half, again as the
 * reference does.
 *
 * <p>Granularity (per-tensor, per-axis, blocked) comes from the scale's shape, see {@link
 * ScaleLayout}; the scale must be finite and positive, as in {@link QuantizeLinear}.
 */
public final class DequantizeLinear {
  private DequantizeLinear() {}

  /**
   * y = fl32(fl32(x - zp) * scale), then rounded to outputType (null = scale's FloatType).
   *
   * @param zeroPoint null for 0; otherwise of x's type and shaped like the scale
   * @throws IllegalArgumentException for a zero point of another type than x, and for the scale,
   *     zero point, axis and block size errors listed at {@link QuantizeLinear#apply}
   */
  public static FloatTensor apply(
      IntTensor x,
      FloatTensor scale,
      IntTensor zeroPoint,
      int axis,
      int blockSize,
      FloatType outputType) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(scale, "scale");
    if (zeroPoint != null && zeroPoint.type() != x.type()) {
      throw new IllegalArgumentException(
          "zeroPoint: expected x's type "
              + x.type().onnxName()
              + ", got "
              + zeroPoint.type().onnxName());
    }
    FloatType type = outputType == null ? scale.type() : outputType;
    ScaleLayout layout = ScaleLayout.resolve(x.shape(), scale, zeroPoint, axis, blockSize);
    int[] xs = x.raw();
    float[] scales = scale.raw();
    int[] zeroPoints = zeroPoint == null ? null : zeroPoint.raw();
    float[] y = new float[xs.length];
    for (int i = 0; i < xs.length; i++) {
      int k = layout.scaleIndex(i);
      y[i] = type.round(dequantize(xs[i], scales[k], zeroPoints == null ? 0 : zeroPoints[k]));
    }
    return FloatTensor.wrap(x.shape(), type, y);
  }

  /** Dequantizes one value in float32: {@code fl32(fl32(q - zeroPoint) * scale)}. */
  static float dequantize(int q, float scale, int zeroPoint) {
    return (float) ((long) q - zeroPoint) * scale;
  }
}
