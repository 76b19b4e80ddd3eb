package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;

/**
 * ONNX Runtime's requantization of an int32 accumulator on the CPU (MLAS {@code
 * MlasRequantizeOutput}, which QLinearConv, QGemm and QLinearGlobalAveragePool end in): {@code v =
 * fl32(fl32(acc) * M)} with a float32 multiplier {@code M}, clamped to {@code [min - zy, max -
 * zy]}, rounded half to even, plus {@code zy}. The product is rounded to float32 before {@code
 * rint}; the runtime's {@link dev.quantgen.runtime.numerics.RequantMode#FLOAT} rounds it in
 * float64, so the two differ by one step where {@code acc * M} lies within float32 rounding of a .5
 * boundary.
 */
final class OrtRequantization {
  private OrtRequantization() {}

  /** One value; {@code min} and {@code max} are the output codes' range (zero point included). */
  static int requantize(int acc, float multiplier, int zeroPoint, int min, int max) {
    float v = (float) acc * multiplier;
    v = Math.min(Math.max(v, (float) (min - zeroPoint)), (float) (max - zeroPoint));
    return (int) Math.rint(v) + zeroPoint;
  }

  /**
   * {@code conv}'s exact int32 accumulators (bias included) requantized as ONNX Runtime does, with
   * the layer's float32 multipliers {@code sx * sw[m] / sy} and its output range (narrowed by a
   * fused ReLU or Clip, which ORT's quantizer folds into the QuantizeLinear's range: saturating at
   * integer bounds commutes with rounding).
   */
  static IntTensor apply(QuantizedConv2d conv, IntTensor x) {
    IntTensor acc = conv.accumulate(x);
    int[] a = acc.toArray();
    Shape s = acc.shape();
    int plane = s.dim(2) * s.dim(3);
    int channels = s.dim(1);
    int z = conv.outputZeroPoint();
    for (int i = 0; i < a.length; i++) {
      float m = conv.onnxMultiplier(i / plane % channels);
      a[i] = requantize(a[i], m, z, conv.outputMin(), conv.outputMax());
    }
    return IntTensor.of(s, QuantType.INT8, a);
  }
}
