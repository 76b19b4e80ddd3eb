package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Inputs {@link OnnxModelFuzzTest} found that broke the lowering's contract, with the fixed outcome. */
class OnnxFuzzFindingsTest {
  /** A Clip node without outputs made the lowering index an empty output list. */
  @Test
  void nodeWithoutOutputsIsUnsupported() throws IOException {
    byte[] bytes;
    try (InputStream in = OnnxFuzzFindingsTest.class.getResourceAsStream(
        "OnnxModelFuzzTestInputs/onnxModel/finding_clip_without_output")) {
      bytes = in.readAllBytes();
    }
    OnnxModel model = OnnxModel.parse(bytes, "m.onnx");
    UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class,
        () -> GraphLowering.lower(model));
    assertTrue(e.getMessage().contains("has no output, expected one"), e.getMessage());
  }
}
