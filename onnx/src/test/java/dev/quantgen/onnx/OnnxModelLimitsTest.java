package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

/**
 * Size fields of an ONNX tensor are claims, checked against the data the file really holds before
 * anything of that size is allocated (found by {@link OnnxModelFuzzTest}: a 107-byte model used to
 * allocate 8 GB).
 */
class OnnxModelLimitsTest {
  private static byte[] modelWithInitializer(TensorProto tensor) {
    return ModelProto.newBuilder()
        .setIrVersion(8)
        .setGraph(
            GraphProto.newBuilder()
                .addInitializer(tensor)
                .addNode(
                    NodeProto.newBuilder()
                        .setOpType("MatMul")
                        .addInput("x")
                        .addInput(tensor.getName())
                        .addOutput("y")))
        .build()
        .toByteArray();
  }

  private static TensorProto.Builder floats(long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t;
  }

  @Test
  void floatTensorClaimingBillionsOfValuesWithoutDataIsRejectedBeforeAllocating() {
    byte[] model = modelWithInitializer(floats(46_000, 46_000).build());
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(model, "m.onnx"));
    assertEquals(
        "m.onnx: tensor 'w' has 0 values: expected 2116000000 for its shape", e.getMessage());
  }

  @Test
  void rawDataShorterThanTheShapeIsRejectedBeforeAllocating() {
    byte[] model =
        modelWithInitializer(
            floats(46_000, 46_000)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[12]))
                .build());
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(model, "m.onnx"));
    assertEquals(
        "m.onnx: tensor 'w' has 12 bytes of raw_data: expected 2116000000 x 4 = 8464000000"
            + " (truncated or corrupt)",
        e.getMessage());
  }

  @Test
  void int64TensorClaimingBillionsOfValuesWithoutDataIsRejectedBeforeAllocating() {
    byte[] model =
        modelWithInitializer(
            floats(46_000, 46_000).setDataType(TensorProto.DataType.INT64.getNumber()).build());
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(model, "m.onnx"));
    assertEquals(
        "m.onnx: tensor 'w' has 0 values: expected 2116000000 for its shape", e.getMessage());
  }

  @Test
  void dimensionsWhoseProductOverflowsALongAreRejected() {
    // (2^31 - 1)^3 * 2 wraps around to a negative long: checked only at the end, it passed as small
    // and Shape threw an unchecked IllegalArgumentException
    byte[] model =
        modelWithInitializer(
            floats(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 2).build());
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxModel.parse(model, "m.onnx"));
    assertEquals(
        "m.onnx: tensor 'w' has dimensions [2147483647, 2147483647, 2147483647, 2]: more than 2^31 - 9"
            + " elements, expected an array-sized tensor",
        e.getMessage());
  }
}
