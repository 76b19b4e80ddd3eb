package dev.quantgen.quantize.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed fixtures under {@code src/test/resources/io} (made by {@code make_fixtures.py}) and
 * byte helpers.
 */
final class Fixtures {
  private Fixtures() {}

  static Path path(String name) {
    try {
      var url = Fixtures.class.getResource("/io/" + name);
      if (url == null) {
        throw new IllegalArgumentException("no fixture io/" + name);
      }
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The float32 values numpy computed for fixture tensor {@code name} ({@code expected/NAME.npy}).
   */
  static FloatTensor expected(String name) throws IOException {
    try (WeightSource s = WeightSource.open(path("expected/" + name + ".npy"))) {
      return s.get(s.names().get(0));
    }
  }

  /**
   * Asserts equal shapes and bit-identical values (so -0.0 differs from 0.0 and NaNs must match
   * exactly).
   */
  static void assertBitsEqual(FloatTensor expected, FloatTensor actual) {
    assertEquals(expected.shape(), actual.shape(), "shape");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(
          Integer.toHexString(Float.floatToRawIntBits(expected.get(i))),
          Integer.toHexString(Float.floatToRawIntBits(actual.get(i))),
          "bits of element " + i);
    }
  }

  /** A version-1.0 {@code .npy} with the given header dict (padded as NumPy pads) and data. */
  static byte[] npy(String dict, byte[] data) {
    byte[] d = dict.getBytes(StandardCharsets.ISO_8859_1);
    int headerLength = (10 + d.length + 1 + 63) / 64 * 64 - 10;
    ByteBuffer b =
        ByteBuffer.allocate(10 + headerLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
        .putShort((short) headerLength)
        .put(d);
    for (int i = d.length; i < headerLength - 1; i++) {
      b.put((byte) ' ');
    }
    return b.put((byte) '\n').put(data).array();
  }

  static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  /** A safetensors file from a header JSON text and data bytes. */
  static byte[] safetensors(String json, byte[] data) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + h.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(h.length)
        .put(h)
        .put(data)
        .array();
  }
}
