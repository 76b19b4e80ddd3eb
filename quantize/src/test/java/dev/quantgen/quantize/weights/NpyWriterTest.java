package dev.quantgen.quantize.weights;

import static dev.quantgen.quantize.weights.Fixtures.assertBitsEqual;
import static dev.quantgen.quantize.weights.Fixtures.expected;
import static dev.quantgen.quantize.weights.Fixtures.path;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyWriterTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"f32", "f32_scalar", "f32_empty", "f32_odd", "npz_fc1.bias"})
  void writesTheSameBytesAsNumpy(String name) throws IOException {
    // expected/*.npy were written by numpy.save: header text, padding and data must match byte for
    // byte.
    assertArrayEquals(
        Files.readAllBytes(path("expected/" + name + ".npy")),
        NpyWriter.toNpyBytes(expected(name)));
  }

  private static FloatTensor random(Random r, int... dims) {
    Shape shape = Shape.of(dims);
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] =
          Float.intBitsToFloat(
              r.nextInt()); // every bit pattern: NaN payloads, subnormals, infinities
    }
    if (v.length > 1) {
      v[0] = -0.0f;
      v[1] = Float.intBitsToFloat(0x7fa0_0001);
    }
    return FloatTensor.of(shape, v);
  }

  @Test
  void npyRoundTripIsBitExact() throws IOException {
    Random r = new Random(42);
    FloatTensor t = random(r, 3, 5, 7);
    Path p = dir.resolve("t.npy");
    NpyWriter.writeNpy(p, t);
    try (WeightSource s = WeightSource.open(p)) {
      assertEquals(List.of("t"), s.names());
      assertBitsEqual(t, s.get("t"));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void npzRoundTripIsBitExactStoredOrDeflated(boolean compress) throws IOException {
    Random r = new Random(7);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    tensors.put("fc1.weight", random(r, 17, 33));
    tensors.put("fc1.bias", random(r, 17));
    tensors.put("scalar", FloatTensor.scalar(-1.5f));
    Path p = dir.resolve("m.npz");
    NpyWriter.writeNpz(p, tensors, compress);
    try (WeightSource s = WeightSource.open(p)) {
      assertEquals(List.copyOf(tensors.keySet()), s.names());
      for (var e : tensors.entrySet()) {
        assertBitsEqual(e.getValue(), s.get(e.getKey()));
      }
    }
  }

  @Test
  void npzBytesAreReproducible() throws IOException {
    Map<String, FloatTensor> tensors = Map.of("w", random(new Random(3), 4, 4));
    NpyWriter.writeNpz(dir.resolve("a.npz"), tensors, true);
    NpyWriter.writeNpz(dir.resolve("b.npz"), tensors, true);
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a.npz")), Files.readAllBytes(dir.resolve("b.npz")));
  }

  @Test
  void headerStaysWithinWhatReadersAccept() {
    int[] dims = new int[30];
    java.util.Arrays.fill(dims, 1);
    byte[] bytes = NpyWriter.toNpyBytes(FloatTensor.of(Shape.of(dims), 3f));
    assertEquals(1, bytes[6], "format 1.0");
    assertEquals(0, (bytes.length - 4) % 64, "data starts on a 64-byte boundary");
    int[] absurd = new int[4000];
    java.util.Arrays.fill(absurd, 1);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> NpyWriter.toNpyBytes(FloatTensor.of(Shape.of(absurd), 3f)));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().startsWith("tensor of rank 4000: its .npy header needs"), e.getMessage());
  }
}
