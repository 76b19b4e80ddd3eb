package dev.quantgen.quantize.weights;

import static dev.quantgen.quantize.weights.Fixtures.assertBitsEqual;
import static dev.quantgen.quantize.weights.Fixtures.expected;
import static dev.quantgen.quantize.weights.Fixtures.path;
import static dev.quantgen.quantize.weights.Fixtures.safetensors;
import static dev.quantgen.quantize.weights.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafetensorsFileTest {
  @TempDir Path dir;

  private WeightFormatException failure(String json, int dataBytes) throws IOException {
    Path p = write(dir, "bad.safetensors", safetensors(json, new byte[dataBytes]));
    WeightFormatException e =
        assertThrows(WeightFormatException.class, () -> WeightSource.open(p).close());
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    return e;
  }

  @Test
  void readsEveryDtypeAsNumpyComputesItWhenIntegersAreConverted() throws IOException {
    try (WeightSource s =
        WeightSource.open(path("weights.safetensors"), WeightOptions.convertIntegers())) {
      assertEquals(
          List.of(
              "w_f32", "w_f16", "w_bf16", "w_f64", "w_i8", "w_u8", "w_i32", "w_i64", "w_scalar"),
          s.names());
      for (String name : s.names()) {
        assertBitsEqual(expected("st_" + name), s.get(name));
      }
      assertEquals(Shape.of(2, 2), s.shape("w_f16"));
      assertEquals(DType.BFLOAT16, s.dtype("w_bf16"));
      assertEquals(Shape.scalar(), s.shape("w_scalar"));
    }
  }

  @Test
  void anIntegerTensorIsAnErrorNamingTheFileTensorAndDtypeUnlessConverted() throws IOException {
    try (WeightSource s = WeightSource.open(path("weights.safetensors"))) {
      assertBitsEqual(expected("st_w_f32"), s.get("w_f32"));
      WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("w_i64"));
      assertTrue(
          e.getMessage()
              .contains(
                  "weights.safetensors: tensor 'w_i64' is stored as int64, expected a"
                      + " floating-point type"),
          e.getMessage());
      assertTrue(e.getMessage().contains("WeightOptions.convertIntegers()"), e.getMessage());
    }
  }

  @Test
  void bfloat16IsTheTopHalfOfAFloat32() throws IOException {
    try (WeightSource s = WeightSource.open(path("weights.safetensors"))) {
      assertArrayEquals(
          new float[] {
            1f,
            -2.5f,
            3.140625f,
            Float.intBitsToFloat(Float.floatToIntBits(1e-38f) & 0xffff_0000),
            Float.NEGATIVE_INFINITY
          },
          s.get("w_bf16").toArray());
    }
  }

  @Test
  void readsTheMetadata() throws IOException {
    try (WeightSource s = WeightSource.open(path("weights.safetensors"))) {
      assertEquals(Map.of("format", "pt", "source", "make_fixtures.py"), s.metadata());
    }
  }

  @Test
  void tooShortFileIsTruncated() throws IOException {
    Path p = write(dir, "short.safetensors", new byte[] {1, 2, 3});
    WeightFormatException e = assertThrows(WeightFormatException.class, () -> WeightSource.open(p));
    assertTrue(e.getMessage().contains("truncated: 3 bytes, expected at least 8"), e.getMessage());
  }

  @Test
  void headerLongerThanTheFileIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(path("weights.safetensors"));
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L); // 2^64 - 1
    WeightFormatException e =
        assertThrows(
            WeightFormatException.class,
            () -> WeightSource.open(write(dir, "h.safetensors", bytes)));
    assertTrue(
        e.getMessage().contains("header length is 18446744073709551615 bytes"), e.getMessage());
  }

  @Test
  void truncatedDataIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(path("weights.safetensors"));
    WeightFormatException e =
        assertThrows(
            WeightFormatException.class,
            () ->
                WeightSource.open(
                    write(dir, "t.safetensors", Arrays.copyOf(bytes, bytes.length - 1))));
    assertTrue(e.getMessage().contains("tensor 'w_scalar': data_offsets"), e.getMessage());
  }

  @Test
  void unknownDtypeIsNamed() throws IOException {
    WeightFormatException e =
        failure("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
    assertTrue(
        e.getMessage().contains("tensor 'w': dtype is F8_E4M3, expected one of F16 BF16"),
        e.getMessage());
  }

  @Test
  void shapeAndByteRangeMustAgree() throws IOException {
    WeightFormatException e =
        failure("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
    assertTrue(
        e.getMessage().contains("span 8 bytes, expected 12 for shape [3] of F32"), e.getMessage());
  }

  @Test
  void hugeShapeIsRefusedFromTheHeaderAlone() throws IOException {
    WeightFormatException e =
        failure(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776],\"data_offsets\":[0,4398046511104]}}",
            8);
    assertTrue(e.getMessage().contains("more than 2^31 - 9 elements"), e.getMessage());
  }

  @Test
  void offsetsBeyondTheDataAreAnError() throws IOException {
    WeightFormatException e =
        failure("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 8);
    assertTrue(e.getMessage().contains("expected begin <= end <= 8"), e.getMessage());
  }

  @Test
  void overlappingTensorsAreAnError() throws IOException {
    WeightFormatException e =
        failure(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
            8);
    assertTrue(e.getMessage().contains("tensors 'a' and 'b' overlap"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[1,2]",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"extra\":1}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}",
        "{\"w\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}",
        "{\"w\":[]}",
        "{\"__metadata__\":{\"k\":1}}",
        "{\"__metadata__\":[]}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},}",
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}",
      })
  void malformedHeadersAreErrors(String json) throws IOException {
    failure(json, 8);
  }

  @Test
  void headerMustBeUtf8() throws IOException {
    byte[] bytes = safetensors("{\"x\":1}", new byte[0]);
    bytes[10] = (byte) 0xff;
    WeightFormatException e =
        assertThrows(
            WeightFormatException.class,
            () -> WeightSource.open(write(dir, "u.safetensors", bytes)));
    assertTrue(e.getMessage().contains("not valid UTF-8"), e.getMessage());
  }

  /**
   * Issue 19: with 1.2 million tensors each {@code get} cost 57 ms, because every lookup copied the
   * name list. The lookups must not touch the list: {@code names()} is one unmodifiable list, and
   * reading a tensor for a layer asks {@link WeightSource#contains}, never {@code names()}.
   */
  @Test
  void lookingUpATensorDoesNotCopyOrScanTheNames() throws IOException {
    StringBuilder json = new StringBuilder("{");
    int count = 50;
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ", ")
          .append("\"t")
          .append(i)
          .append("\": {\"dtype\": \"F32\", \"shape\": [1], " + "\"data_offsets\": [")
          .append(4 * i)
          .append(", ")
          .append(4 * i + 4)
          .append("]}");
    }
    Path p =
        write(
            dir, "many.safetensors", safetensors(json.append("}").toString(), new byte[4 * count]));
    try (WeightSource s = WeightSource.open(p)) {
      assertTrue(s.names() == s.names(), "names() returns the same list, not a copy per call");
      assertThrows(UnsupportedOperationException.class, () -> s.names().add("t99"));
      assertTrue(s.contains("t49") && !s.contains("t50"));
      WeightSource noNames =
          new WeightSource() {
            @Override
            public Path file() {
              return s.file();
            }

            @Override
            public List<String> names() {
              throw new AssertionError("get(layer, name, shape) listed the names");
            }

            @Override
            public boolean contains(String name) {
              return s.contains(name);
            }

            @Override
            public Shape shape(String name) throws WeightFormatException {
              return s.shape(name);
            }

            @Override
            public DType dtype(String name) throws WeightFormatException {
              return s.dtype(name);
            }

            @Override
            public dev.quantgen.runtime.numerics.FloatTensor get(String name) throws IOException {
              return s.get(name);
            }

            @Override
            public void close() {}
          };
      assertEquals(Shape.of(1), noNames.get("layer", "t17", Shape.of(1)).shape());
      // A missing name in a long list is still a one-line message: the first 20 names and the
      // count.
      WeightFormatException e =
          assertThrows(WeightFormatException.class, () -> s.get("layer", "t50", Shape.of(1)));
      assertTrue(
          e.getMessage()
              .endsWith(
                  "found no such tensor; available: [t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, "
                      + "t10, t11, t12, t13, t14, t15, t16, t17, t18, t19, ... (50 in all)]"),
          e.getMessage());
    }
  }
}
