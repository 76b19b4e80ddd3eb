package dev.quantgen.quantize.reference;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * Argument checks shared by the integer matmul and convolution operators. Every failure is an
 * {@link IllegalArgumentException} naming the argument, its value and what was expected.
 */
final class Operands {
  private Operands() {}

  /** The operand types of MatMulInteger, ConvInteger and their QLinear forms: int8 or uint8. */
  static void requireEightBit(String name, IntTensor t) {
    if (t.type() != QuantType.INT8 && t.type() != QuantType.UINT8) {
      throw new IllegalArgumentException(
          name + ": type " + t.type().onnxName() + ", expected int8 or uint8");
    }
  }

  static void requireType(String name, IntTensor t, QuantType expected) {
    if (t.type() != expected) {
      throw new IllegalArgumentException(
          name + ": type " + t.type().onnxName() + ", expected " + expected.onnxName());
    }
  }

  /** The value of a per-tensor zero point of the given type; null means 0. */
  static int perTensorZeroPoint(String name, IntTensor zeroPoint, QuantType type) {
    if (zeroPoint == null) {
      return 0;
    }
    requireType(name, zeroPoint, type);
    if (zeroPoint.size() != 1) {
      throw new IllegalArgumentException(
          name
              + ": shape "
              + zeroPoint.shape()
              + ", expected one element (a per-tensor zero point)");
    }
    return zeroPoint.get(0);
  }

  /** The value of a per-tensor float32 scale. */
  static float perTensorScale(String name, FloatTensor scale) {
    requireScale(name, scale, scale.type());
    if (scale.size() != 1) {
      throw new IllegalArgumentException(
          name + ": shape " + scale.shape() + ", expected one element (a per-tensor scale)");
    }
    return scale.get(0);
  }

  /**
   * Checks the type and that every scale is finite and > 0: zero or NaN would poison the result.
   */
  static void requireScale(String name, FloatTensor scale, FloatType type) {
    if (scale.type() != type) {
      throw new IllegalArgumentException(
          name
              + ": type "
              + scale.type().onnxName()
              + ", expected "
              + type.onnxName()
              + " like the other scales");
    }
    for (int i = 0; i < scale.size(); i++) {
      float s = scale.get(i);
      if (!(s > 0) || s == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            name + ": element " + i + " is " + s + ", expected a finite scale > 0");
      }
    }
  }
}
