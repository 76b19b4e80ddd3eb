package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs {@link OnnxModelFuzzTest} found that broke the lowering's contract, with the fixed
 * outcome.
 */
class OnnxFuzzFindingsTest {
  /** A Clip node without outputs made the lowering index an empty output list. */
  @Test
  void nodeWithoutOutputsIsUnsupported() throws IOException {
    byte[] bytes;
    try (InputStream in =
        OnnxFuzzFindingsTest.class.getResourceAsStream(
            "OnnxModelFuzzTestInputs/onnxModel/finding_clip_without_output")) {
      bytes = in.readAllBytes();
    }
    OnnxModel model = OnnxModel.parse(bytes, "m.onnx");
    UnsupportedOperatorException e =
        assertThrows(UnsupportedOperatorException.class, () -> GraphLowering.lower(model));
    assertTrue(e.getMessage().contains("has no output, expected one"), e.getMessage());
  }

  /**
   * A Reshape of a constant whose shape input is omitted ("") looked like a foldable constant, and
   * the folding dereferenced a missing tensor (found by the CI fuzz run). The committed seed {@code
   * finding_reshape_without_shape} is this model.
   */
  @Test
  void constantReshapeWithoutShapeIsUnsupported() throws IOException {
    byte[] bytes = reshapeWithoutShape();
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> GraphLowering.lower(OnnxModel.parse(bytes, "m.onnx")));
    assertTrue(e.getMessage().contains("input 1 '' is not a constant"), e.getMessage());
    byte[] seed;
    try (InputStream in =
        OnnxFuzzFindingsTest.class.getResourceAsStream(
            "OnnxModelFuzzTestInputs/onnxModel/finding_reshape_without_shape")) {
      seed = in.readAllBytes();
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        bytes, seed, "the committed seed is this model");
  }

  /** Regenerates the seed: {@code java ... OnnxFuzzFindingsTest DIR}. */
  static byte[] reshapeWithoutShape() {
    Graphs g = new Graphs(1).input("x", 1, 4).output("y", 1, 2).randomFloats("W", 0.1, 0, 2, 4);
    g.node("Reshape", "reshape_w", List.of("W", ""), "W2");
    g.node("MatMul", "mm", List.of("x", "W2"), "y");
    return g.toBytes(13);
  }

  public static void main(String[] args) throws IOException {
    Files.write(Path.of(args[0], "finding_reshape_without_shape"), reshapeWithoutShape());
  }
}
