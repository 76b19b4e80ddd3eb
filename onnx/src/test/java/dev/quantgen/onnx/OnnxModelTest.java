package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.testkit.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {
  @Test
  void aTruncatedFileIsRejectedNamingTheFile(@TempDir Path dir) throws Exception {
    byte[] bytes = Files.readAllBytes(SharedData.require("data/models/mnist-8.onnx"));
    Path cut = dir.resolve("cut.onnx");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxModel.read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": not a readable ONNX model"), e.getMessage());
  }

  @Test
  void bytesThatAreNotAModelAreRejectedNamingTheSource() {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () ->
                OnnxModel.parse(
                    "hello, world".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "hello.onnx"));
    assertTrue(e.getMessage().startsWith("hello.onnx: not a readable ONNX model"), e.getMessage());
  }

  @Test
  void readsFloatDataInitializersAndInt64Shapes() throws Exception {
    Graphs g =
        new Graphs(9)
            .input("x", 1, 6)
            .output("y", 1, 6)
            .randomFloats("W", 1, 0, 2, 3)
            .longs("s", 1, 6);
    g.node("Reshape", "r", List.of("x", "s"), "y");
    OnnxModel m = OnnxModel.parse(g.toBytes(13), "m.onnx");
    assertEquals(dev.quantgen.runtime.numerics.Shape.of(2, 3), m.initializers().get("W").shape());
    assertEquals("[1, 6]", Arrays.toString(m.initializers().get("s").longs()));
    assertEquals(1, m.inputs().size());
    assertEquals("r", m.nodes().get(0).name());
  }

  @Test
  void aTensorOfTheWrongKindIsRejectedNamingIt() throws Exception {
    Graphs g = new Graphs(9).input("x", 1, 6).output("y", 1, 6).longs("s", 1, 6);
    g.node("Reshape", "r", List.of("x", "s"), "y");
    OnnxTensor s = OnnxModel.parse(g.toBytes(13), "m.onnx").initializers().get("s");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, s::floats);
    assertEquals("tensor 's' holds INT64, expected FLOAT", e.getMessage());
  }
}
