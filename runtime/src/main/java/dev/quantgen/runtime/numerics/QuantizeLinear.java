package dev.quantgen.runtime.numerics;

import java.util.Objects;

/**
 * The ONNX {@code QuantizeLinear} operator (opset 21+ semantics), the reference every generated
 * quantize kernel is tested against: {@code y = saturate(rint(x / scale) + zeroPoint)}.
 *
 * <p>Arithmetic, as fixed by docs/numerics.md#1-quantize-and-dequantize:
 *
 * <ul>
 *   <li>{@code x / scale} is a true division, never a multiply by {@code 1 / scale} (the two round
 *       differently on some inputs). It is a float32 division, except when x and scale are both
 *       FLOAT16: then the quotient is rounded to half, as numpy's {@code float16 / float16}.
 *       Rounding the float32 quotient to half gives the correctly rounded half quotient, because
 *       float32 carries 24 >= 2 * 11 + 2 significand bits (no double-rounding error for division).
 *   <li>{@code rint} rounds half to even; the zero point is added after rounding, then the result
 *       is clamped to the output type's range, never wrapped.
 *   <li>NaN in x quantizes to the zero point (so it dequantizes to 0); +Inf and -Inf saturate to
 *       the type's max and min. The ONNX specification leaves NaN open; this is quantgen's
 *       documented inference behaviour. Calibration and weight import reject NaN instead.
 * </ul>
 *
 * <p>Granularity (per-tensor, per-axis, blocked) comes from the scale's shape, see {@link
 * ScaleLayout}. The output type may also be {@link QuantType#INT32} (an extension of ONNX, used to
 * quantize biases).
 */
public final class QuantizeLinear {
  private QuantizeLinear() {}

  /**
   * ONNX QuantizeLinear (opset 21+ semantics). zeroPoint may be null; blockSize 0 = not blocked;
   * outputType null = zeroPoint's type, else UINT8. Granularity from scale's shape as in ONNX:
   * size-1 scale = per-tensor (axis ignored, even out of range); 1-D of length D[axis] = per-axis;
   * same rank as x with blockSize > 0 = blocked.
   *
   * @throws IllegalArgumentException for a scale value that is not finite and positive, a zero
   *     point shaped unlike the scale, a scale shape matching no granularity, an axis out of range
   *     (only checked for per-axis and blocked scales), a block size that does not give the scale's
   *     block count, or an {@code outputType} that disagrees with the zero point's type
   */
  public static IntTensor apply(
      FloatTensor x,
      FloatTensor scale,
      IntTensor zeroPoint,
      int axis,
      int blockSize,
      QuantType outputType) {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(scale, "scale");
    QuantType type = outputType(zeroPoint, outputType);
    ScaleLayout layout = ScaleLayout.resolve(x.shape(), scale, zeroPoint, axis, blockSize);
    boolean halfDivision = x.type() == FloatType.FLOAT16 && scale.type() == FloatType.FLOAT16;
    float[] xs = x.raw();
    float[] scales = scale.raw();
    int[] zeroPoints = zeroPoint == null ? null : zeroPoint.raw();
    int[] y = new int[xs.length];
    for (int i = 0; i < xs.length; i++) {
      int k = layout.scaleIndex(i);
      y[i] = quantize(xs[i], scales[k], zeroPoints == null ? 0 : zeroPoints[k], type, halfDivision);
    }
    return IntTensor.wrap(x.shape(), type, y);
  }

  /**
   * Quantizes one value; {@code scale} must be finite and positive and {@code zeroPoint} inside
   * {@code type}. {@code halfDivision} rounds the quotient to float16 (both operands are halves).
   */
  public static int quantize(
      float x, float scale, int zeroPoint, QuantType type, boolean halfDivision) {
    float q = x / scale;
    if (halfDivision) {
      q = Half.round(q);
    }
    if (Float.isNaN(q)) {
      return zeroPoint;
    }
    // rint of a float is an integer-valued double; adding an int to it is exact in double.
    return type.saturate(Math.rint(q) + zeroPoint);
  }

  private static QuantType outputType(IntTensor zeroPoint, QuantType outputType) {
    if (zeroPoint == null) {
      return outputType == null ? QuantType.UINT8 : outputType;
    }
    if (outputType != null && outputType != zeroPoint.type()) {
      throw new IllegalArgumentException(
          "outputType: expected null or the zero point's type "
              + zeroPoint.type().onnxName()
              + ", got "
              + outputType.onnxName());
    }
    return zeroPoint.type();
  }
}
