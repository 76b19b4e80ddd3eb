package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * ONNX {@code QLinearMatMul} (opset 21): an integer matmul requantized to y's type.
 *
 * <pre>
 * acc = (a - aZeroPoint) @ (b - bZeroPoint)                 (int32, as MatMulInteger)
 * y   = saturate(rint(acc * M) + yZeroPoint),   M = aScale * bScale / yScale
 * </pre>
 *
 * <p>As the ONNX reference: {@code M} is computed in the scales' type (float32, or float16 with
 * each operation rounded to half), the product {@code acc * M} in float64 and rounded half to even;
 * then (docs/numerics.md#5-requantization) the zero point is added and the result saturated to the
 * type of {@code yZeroPoint} (int8 or uint8). The three scales share one type. a's scale and zero
 * point are per-tensor or per row, b's per-tensor or per column (shapes as {@link MatMulInteger});
 * y's are per-tensor.
 */
public final class QLinearMatMul {
  private QLinearMatMul() {}

  /**
   * @throws IllegalArgumentException naming the argument whose type, shape or value does not fit
   * @throws NullPointerException if an argument is null (all eight are required)
   */
  public static IntTensor apply(
      IntTensor a,
      FloatTensor aScale,
      IntTensor aZeroPoint,
      IntTensor b,
      FloatTensor bScale,
      IntTensor bZeroPoint,
      FloatTensor yScale,
      IntTensor yZeroPoint) {
    Objects.requireNonNull(aScale, "aScale");
    Objects.requireNonNull(aZeroPoint, "aZeroPoint");
    Objects.requireNonNull(bScale, "bScale");
    Objects.requireNonNull(bZeroPoint, "bZeroPoint");
    Objects.requireNonNull(yScale, "yScale");
    Objects.requireNonNull(yZeroPoint, "yZeroPoint");
    Operands.requireEightBit("yZeroPoint", yZeroPoint);
    QuantType outType = yZeroPoint.type();
    int zy = Operands.perTensorZeroPoint("yZeroPoint", yZeroPoint, outType);
    FloatType scaleType = aScale.type();
    Operands.requireScale("aScale", aScale, scaleType);
    Operands.requireScale("bScale", bScale, scaleType);
    Operands.requireScale("yScale", yScale, scaleType);
    float sy = Operands.perTensorScale("yScale", yScale);

    IntegerMatMul.Accumulator acc = IntegerMatMul.accumulate(a, b, aZeroPoint, bZeroPoint);
    MatMulShapes s = acc.shapes();
    LineParameter aLayout = LineParameter.rows("aScale", aScale.shape(), s.aMatrix());
    LineParameter bLayout = LineParameter.columns("bScale", bScale.shape(), s.bMatrix());
    int m = s.m();
    int n = s.n();
    int[] values = acc.values();
    int[] y = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      int batch = i / (m * n);
      float sa = aScale.get(aLayout.index(s.aBatch(batch), i / n % m));
      float sb = bScale.get(bLayout.index(s.bBatch(batch), i % n));
      float multiplier = OnnxRequantization.multiplier(sa, sb, sy, scaleType);
      y[i] = OnnxRequantization.requantize(values[i], multiplier, zy, outType);
    }
    return IntTensor.of(s.output(), outType, y);
  }
}
