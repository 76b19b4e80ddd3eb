package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * ONNX {@code MatMulInteger} (opset 10): {@code Y = (A - aZeroPoint) @ (B - bZeroPoint)} as int32.
 *
 * <p>A and B are int8 or uint8, chosen independently; each zero point has its matrix's type and
 * defaults to 0. Shapes follow numpy {@code matmul}: 2-D or N-D with broadcast batch axes, and 1-D
 * operands as numpy treats them. Zero points are per-tensor (one element), per row of A ({@code
 * [M]} or {@code [..., M, 1]}) or per column of B ({@code [N]} or {@code [..., 1, N]}).
 *
 * <p>Products cannot overflow; the int32 sum over K can, and then wraps exactly as ONNX's int32
 * accumulator does (that needs K above 33,000 with extreme values).
 */
public final class MatMulInteger {
  private MatMulInteger() {}

  /**
   * @param aZeroPoint null for 0
   * @param bZeroPoint null for 0
   * @return int32, numpy's matmul result shape
   * @throws IllegalArgumentException naming the argument whose type or shape does not fit
   */
  public static IntTensor apply(
      IntTensor a, IntTensor b, IntTensor aZeroPoint, IntTensor bZeroPoint) {
    IntegerMatMul.Accumulator acc = IntegerMatMul.accumulate(a, b, aZeroPoint, bZeroPoint);
    return IntTensor.of(acc.shapes().output(), QuantType.INT32, acc.values());
  }
}
