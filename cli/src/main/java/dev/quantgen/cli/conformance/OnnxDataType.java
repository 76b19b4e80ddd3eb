package dev.quantgen.cli.conformance;

import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.QuantType;

/** ONNX {@code TensorProto.DataType} codes, as {@code output_dtype} attributes carry them. */
final class OnnxDataType {
  private OnnxDataType() {}

  static QuantType integerType(int code, String field) throws UnsupportedCaseException {
    return switch (code) {
      case 2 -> QuantType.UINT8;
      case 3 -> QuantType.INT8;
      case 4 -> QuantType.UINT16;
      case 5 -> QuantType.INT16;
      case 6 -> QuantType.INT32;
      case 21 -> QuantType.UINT4;
      case 22 -> QuantType.INT4;
      default ->
          throw new UnsupportedCaseException(
              field
                  + ": data type code "
                  + code
                  + " is not supported, expected 2 (uint8), 3 (int8), 4 (uint16), 5 (int16), 6 (int32), 21 (uint4) or 22 (int4)");
    };
  }

  static FloatType floatType(int code, String field) throws UnsupportedCaseException {
    return switch (code) {
      case 1 -> FloatType.FLOAT32;
      case 10 -> FloatType.FLOAT16;
      default ->
          throw new UnsupportedCaseException(
              field
                  + ": data type code "
                  + code
                  + " is not supported, expected 1 (float32) or 10 (float16)");
    };
  }
}
