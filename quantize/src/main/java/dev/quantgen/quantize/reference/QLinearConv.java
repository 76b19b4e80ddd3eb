package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * ONNX {@code QLinearConv} (opset 10): an integer convolution requantized to y's type.
 *
 * <pre>
 * acc[n, m, ...] = bias[m] + sum (x - xZeroPoint) * (w - wZeroPoint[m])     (int32, as ConvInteger)
 * y = saturate(rint(acc * M[m]) + yZeroPoint),  M[m] = xScale * wScale[m] / yScale
 * </pre>
 *
 * <p>As the ONNX reference: {@code M[m]} is computed in float32, the product {@code acc * M[m]} in
 * float64, rounded half to even; then (docs/numerics.md#5-requantization) the zero point is added
 * and the result saturated to y's type, which is the type of {@code yZeroPoint} (int8 or uint8).
 * xScale, yScale and the x and y zero points are per-tensor; wScale and wZeroPoint are per-tensor
 * or per output channel {@code [M]}. The bias must already be quantized with scale {@code xScale *
 * wScale[m]} and zero point 0.
 */
public final class QLinearConv {
  private QLinearConv() {}

  /**
   * @param xScale float32, one element
   * @param wScale float32, one element or {@code [M]}
   * @param yScale float32, one element
   * @param yZeroPoint one element, int8 or uint8: also the output type
   * @param bias null, or int32 {@code [M]}
   * @throws IllegalArgumentException naming the argument whose type, shape or value does not fit
   * @throws NullPointerException if a required argument other than bias is null
   */
  public static IntTensor apply(
      IntTensor x,
      FloatTensor xScale,
      IntTensor xZeroPoint,
      IntTensor w,
      FloatTensor wScale,
      IntTensor wZeroPoint,
      FloatTensor yScale,
      IntTensor yZeroPoint,
      IntTensor bias,
      ConvAttributes attributes) {
    Objects.requireNonNull(xZeroPoint, "xZeroPoint");
    Objects.requireNonNull(wZeroPoint, "wZeroPoint");
    Objects.requireNonNull(yZeroPoint, "yZeroPoint");
    Operands.requireEightBit("yZeroPoint", yZeroPoint);
    QuantType outType = yZeroPoint.type();
    int zy = Operands.perTensorZeroPoint("yZeroPoint", yZeroPoint, outType);
    Operands.requireScale("xScale", xScale, FloatType.FLOAT32);
    Operands.requireScale("wScale", wScale, FloatType.FLOAT32);
    Operands.requireScale("yScale", yScale, FloatType.FLOAT32);
    float sx = Operands.perTensorScale("xScale", xScale);
    float sy = Operands.perTensorScale("yScale", yScale);

    IntegerConvolution.Accumulator acc =
        IntegerConvolution.accumulate(x, w, xZeroPoint, wZeroPoint, bias, attributes);
    int channels = acc.outputChannels();
    if (wScale.size() != 1 && (wScale.shape().rank() != 1 || wScale.size() != channels)) {
      throw new IllegalArgumentException(
          "wScale: shape "
              + wScale.shape()
              + ", expected one element (per-tensor) or ["
              + channels
              + "] (one per output channel)");
    }
    float[] multipliers = new float[channels];
    for (int m = 0; m < channels; m++) {
      float sw = wScale.get(wScale.size() == 1 ? 0 : m);
      multipliers[m] = OnnxRequantization.multiplier(sx, sw, sy, FloatType.FLOAT32);
    }
    int[] a = acc.values();
    int[] y = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      y[i] = OnnxRequantization.requantize(a[i], multipliers[acc.channelOf(i)], zy, outType);
    }
    return IntTensor.of(acc.shape(), outType, y);
  }
}
