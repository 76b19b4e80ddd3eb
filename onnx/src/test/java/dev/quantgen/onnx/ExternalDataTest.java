package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights kept beside the model file ({@code data_location = EXTERNAL}), as PyTorch's exporter
 * writes them by default: read when they lie inside the model's directory, refused naming the
 * tensor and the field otherwise, and never read from anywhere else.
 */
class ExternalDataTest {
  @TempDir Path tmp;

  private static final float[] WEIGHTS = {1.5f, -2f, 0.25f, 3f, -0.5f, 7f};

  /** A Gemm whose 2 x 3 weight {@code W} is external: {@code location}, then key/value pairs. */
  private static byte[] model(String location, String... keyValues) {
    OnnxMl.TensorProto.Builder w =
        OnnxMl.TensorProto.newBuilder()
            .setName("W")
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT_VALUE)
            .addDims(2)
            .addDims(3)
            .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL);
    if (location != null) {
      w.addExternalData(entry("location", location));
    }
    for (int i = 0; i < keyValues.length; i += 2) {
      w.addExternalData(entry(keyValues[i], keyValues[i + 1]));
    }
    Graphs g = new Graphs(1).input("x", 1, 3).output("y", 1, 2);
    g.node("Gemm", "head", List.of("x", "W"), "y").addAttribute(Graphs.integer("transB", 1));
    OnnxMl.ModelProto.Builder m;
    try {
      m = OnnxMl.ModelProto.parseFrom(g.toBytes(13)).toBuilder();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
    m.getGraphBuilder().addInitializer(w);
    return m.build().toByteArray();
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /** Four bytes of padding, then the weights as little-endian floats. */
  private static byte[] data() {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * WEIGHTS.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xDEADBEEF);
    for (float w : WEIGHTS) {
      b.putFloat(w);
    }
    return b.array();
  }

  private Path write(String name, byte[] model) throws Exception {
    Path file = tmp.resolve(name);
    Files.write(file, model);
    return file;
  }

  private String refusal(Path file) {
    return assertThrows(OnnxFormatException.class, () -> OnnxModel.read(file)).getMessage();
  }

  @Test
  void weightsBesideTheModelAreReadAtTheirOffset() throws Exception {
    Files.write(tmp.resolve("m.onnx.data"), data());
    Path file = write("m.onnx", model("m.onnx.data", "offset", "4", "length", "24"));
    float[] read = OnnxModel.read(file).initializers().get("W").floats().toArray();
    assertArrayEquals(WEIGHTS, read);
  }

  @Test
  void withoutALengthTheDataRunsToTheEndOfTheFile() throws Exception {
    Files.createDirectories(tmp.resolve("weights"));
    Files.write(tmp.resolve("weights/w.bin"), data());
    Path file = write("m.onnx", model("weights/w.bin", "offset", "4"));
    assertArrayEquals(WEIGHTS, OnnxModel.read(file).initializers().get("W").floats().toArray());
  }

  @Test
  void aLengthThatDisagreesWithTheShapeIsRefused() throws Exception {
    Files.write(tmp.resolve("m.onnx.data"), data());
    Path file = write("m.onnx", model("m.onnx.data", "offset", "0", "length", "28"));
    assertEquals(
        file + ": tensor 'W' has 28 bytes of raw_data: expected 6 x 4 = 24 (truncated or corrupt)",
        refusal(file));
  }

  @Test
  void aRangeBeyondTheEndOfTheDataFileIsRefused() throws Exception {
    Files.write(tmp.resolve("m.onnx.data"), data());
    Path file = write("m.onnx", model("m.onnx.data", "offset", "8", "length", "24"));
    assertEquals(
        file
            + ": tensor 'W': external data offset 8 length 24 in m.onnx.data (28 bytes): expected a"
            + " range inside the file (truncated or mismatched data file)",
        refusal(file));
  }

  @Test
  void pathsOutsideTheModelsDirectoryAreNeverOpened() throws Exception {
    Path inner = Files.createDirectories(tmp.resolve("model"));
    Files.write(tmp.resolve("secret.bin"), data());
    for (String location :
        List.of("../secret.bin", tmp.resolve("secret.bin").toString(), "a/../../secret.bin")) {
      Path file = inner.resolve("m.onnx");
      Files.write(file, model(location));
      assertEquals(
          file
              + ": tensor 'W': external data location '"
              + location
              + "': expected a relative path inside the model's directory",
          refusal(file),
          location);
    }
  }

  @Test
  void aSymbolicLinkLeadingOutsideIsRefused() throws Exception {
    Path inner = Files.createDirectories(tmp.resolve("model"));
    Files.write(tmp.resolve("secret.bin"), data());
    Files.createSymbolicLink(inner.resolve("w.bin"), tmp.resolve("secret.bin"));
    Path file = inner.resolve("m.onnx");
    Files.write(file, model("w.bin", "offset", "4"));
    assertEquals(
        file
            + ": tensor 'W': external data location 'w.bin' leads outside the model's directory"
            + " through a link: expected a file inside it",
        refusal(file));
  }

  @Test
  void aMissingFileOrLocationOrABadOffsetIsNamed() throws Exception {
    Path file = write("m.onnx", model("absent.data"));
    assertTrue(
        refusal(file)
            .startsWith(
                file + ": tensor 'W': external data file 'absent.data' not found beside the model"),
        refusal(file));
    file = write("n.onnx", model(null));
    assertEquals(
        file
            + ": tensor 'W' keeps its data in an external file but gives no 'location': expected"
            + " one",
        refusal(file));
    Files.write(tmp.resolve("m.onnx.data"), data());
    file = write("o.onnx", model("m.onnx.data", "offset", "-4"));
    assertEquals(
        file + ": tensor 'W': external data offset '-4': expected a non-negative integer",
        refusal(file));
  }

  @Test
  void modelBytesWithoutAFileCannotReachExternalData() {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class, () -> OnnxModel.parse(model("m.onnx.data"), "bytes.onnx"));
    assertEquals(
        "bytes.onnx: tensor 'W' keeps its data in an external file: expected a model read from a"
            + " file",
        e.getMessage());
  }
}
