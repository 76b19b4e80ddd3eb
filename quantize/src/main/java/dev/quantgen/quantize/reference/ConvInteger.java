package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * ONNX {@code ConvInteger} (opset 10): {@code y = conv(x - xZeroPoint, w - wZeroPoint)} as int32,
 * layout NCHW (any number of spatial axes: NCW, NCHW, NCDHW, ...).
 *
 * <p>x and w are int8 or uint8, chosen independently; each zero point has its operand's type. The x
 * zero point is per-tensor; the w zero point is per-tensor or one per output channel {@code [M]}.
 * Padding is applied after the zero point is subtracted, so a padded cell counts as the zero point,
 * not as a raw quantized 0. Groups (including depthwise, {@code group == C}), strides, dilations
 * and every {@code auto_pad} mode come from {@link ConvAttributes}.
 *
 * <p>Sums are int32 and wrap on overflow exactly as an int32 accumulator does; each product fits.
 */
public final class ConvInteger {
  private ConvInteger() {}

  /**
   * @param x {@code [N, C, D1, ...]}, int8 or uint8
   * @param w {@code [M, C/group, k1, ...]}, int8 or uint8
   * @param xZeroPoint null for 0, else one element of x's type
   * @param wZeroPoint null for 0, else one element or {@code [M]} of w's type
   * @return int32 {@code [N, M, out1, ...]}
   * @throws IllegalArgumentException naming the argument whose type, shape or value does not fit
   */
  public static IntTensor apply(
      IntTensor x,
      IntTensor w,
      IntTensor xZeroPoint,
      IntTensor wZeroPoint,
      ConvAttributes attributes) {
    IntegerConvolution.Accumulator acc =
        IntegerConvolution.accumulate(x, w, xZeroPoint, wZeroPoint, null, attributes);
    return IntTensor.of(acc.shape(), QuantType.INT32, acc.values());
  }
}
