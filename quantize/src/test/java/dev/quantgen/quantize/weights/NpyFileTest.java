package dev.quantgen.quantize.weights;

import static dev.quantgen.quantize.weights.Fixtures.assertBitsEqual;
import static dev.quantgen.quantize.weights.Fixtures.expected;
import static dev.quantgen.quantize.weights.Fixtures.npy;
import static dev.quantgen.quantize.weights.Fixtures.path;
import static dev.quantgen.quantize.weights.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyFileTest {
  @TempDir Path dir;

  /**
   * Reads the file's tensor, integers converted: most tests here are about headers and conversions.
   */
  private static FloatTensor read(Path file) throws IOException {
    try (WeightSource s = WeightSource.open(file, WeightOptions.convertIntegers())) {
      return s.get(s.names().get(0));
    }
  }

  private static WeightFormatException failure(Path file) {
    return assertThrows(WeightFormatException.class, () -> read(file));
  }

  @Test
  void readsFloat32ValuesBitExactly() throws IOException {
    try (WeightSource s = WeightSource.open(path("f32.npy"))) {
      assertEquals(List.of("f32"), s.names());
      assertEquals(Shape.of(2, 3), s.shape("f32"));
      assertEquals(DType.FLOAT32, s.dtype("f32"));
      FloatTensor t = s.get("f32");
      assertArrayEquals(
          new float[] {1.5f, -2.25f, 0f, -0f, Float.MAX_VALUE, Float.MIN_VALUE}, t.toArray());
      assertEquals(0x8000_0000, Float.floatToRawIntBits(t.get(3)), "-0.0 keeps its sign");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"f32_v2", "f32_v3", "f32_big_endian"})
  void readsFormatVersions2And3AndBigEndian(String name) throws IOException {
    assertBitsEqual(expected("f32"), read(path(name + ".npy")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"f32_scalar", "f32_empty", "f32_odd", "f16", "f64"})
  void convertsEveryFloatDtypeAsNumpyDoes(String name) throws IOException {
    assertBitsEqual(expected(name), read(path(name + ".npy")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"i1", "u1", "i4", "i8", "b1"})
  void convertsEveryIntegerDtypeAsNumpyDoesWhenAskedTo(String name) throws IOException {
    try (WeightSource s = WeightSource.open(path(name + ".npy"), WeightOptions.convertIntegers())) {
      assertBitsEqual(expected(name), s.get(name));
    }
  }

  @Test
  void anInt32TensorIsAnErrorNamingTheFileTensorAndDtype() throws IOException {
    Path file = path("i4.npy");
    try (WeightSource s = WeightSource.open(file)) {
      assertEquals(
          DType.INT32, s.dtype("i4"), "the header still opens: only reading the data is refused");
      WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("i4"));
      assertEquals(
          file
              + ": tensor 'i4' is stored as int32, expected a floating-point type (float16, bfloat16,"
              + " float32 or float64); integer tensors are not converted silently: save the weights as floats, or open"
              + " the file with WeightSource.open(path, WeightOptions.convertIntegers()) to convert them to float32",
          e.getMessage());
    }
  }

  @Test
  void anInt32TensorIsConvertedWithTheOption() throws IOException {
    try (WeightSource s = WeightSource.open(path("i4.npy"), WeightOptions.convertIntegers())) {
      assertBitsEqual(expected("i4"), s.get("i4"));
    }
  }

  @Test
  void widensFloat16ExactlyAndKeepsInfinity() throws IOException {
    assertArrayEquals(
        new float[] {1f, -65504f, 0x1p-24f, Float.POSITIVE_INFINITY, 0.333251953125f, -0f},
        read(path("f16.npy")).toArray());
  }

  @Test
  void narrowsFloat64ToNearestEvenAndWideIntegersToNearest() throws IOException {
    float[] f = read(path("f64.npy")).toArray();
    assertEquals(1.0f, f[2], "1 + 2^-24 is halfway between 1 and 1 + 2^-23: ties to even");
    assertEquals(Float.POSITIVE_INFINITY, f[3], "1e300 overflows float32");
    assertEquals(0x8000_0000, Float.floatToRawIntBits(f[4]), "-1e-300 underflows to -0.0");
    assertEquals(16777216f, f[5], "2^24 + 1 rounds to even");
    assertEquals(16777216f, read(path("i4.npy")).get(1));
  }

  @Test
  void scalarHasRankZero() throws IOException {
    FloatTensor t = read(path("f32_scalar.npy"));
    assertEquals(Shape.scalar(), t.shape());
    assertEquals(7.25f, t.get(0));
  }

  @Test
  void fortranOrderIsAClearError() {
    WeightFormatException e = failure(path("fortran.npy"));
    assertTrue(
        e.getMessage().contains("fortran.npy") && e.getMessage().contains("fortran_order is True"),
        e.getMessage());
  }

  @Test
  void unsupportedDtypeIsNamed() {
    WeightFormatException e = failure(path("complex.npy"));
    assertTrue(e.getMessage().contains("dtype '<c8' is not supported"), e.getMessage());
  }

  @Test
  void missingTensorListsTheAvailableNames() throws IOException {
    try (WeightSource s = WeightSource.open(path("f32.npy"))) {
      WeightFormatException e =
          assertThrows(WeightFormatException.class, () -> s.get("fc9.weight"));
      assertTrue(
          e.getMessage().contains("'fc9.weight'") && e.getMessage().contains("available: [f32]"),
          e.getMessage());
    }
  }

  @Test
  void shapeMismatchNamesLayerTensorExpectedAndFound() throws IOException {
    try (WeightSource s = WeightSource.open(path("f32.npy"))) {
      assertEquals(Shape.of(2, 3), s.get("Dense1", "f32", Shape.of(2, 3)).shape());
      WeightFormatException e =
          assertThrows(WeightFormatException.class, () -> s.get("Dense1", "f32", Shape.of(3, 2)));
      assertEquals(
          path("f32.npy") + ": layer Dense1, tensor 'f32': expected shape [3, 2], found [2, 3]",
          e.getMessage());
      WeightFormatException missing =
          assertThrows(
              WeightFormatException.class, () -> s.get("Dense1", "Dense1.bias", Shape.of(3)));
      assertEquals(
          path("f32.npy")
              + ": layer Dense1, tensor 'Dense1.bias': expected shape [3], found no such"
              + " tensor; available: [f32]",
          missing.getMessage());
    }
  }

  @Test
  void truncatedDataIsAnError() throws IOException {
    byte[] good = Files.readAllBytes(path("f32.npy"));
    WeightFormatException e = failure(write(dir, "t.npy", Arrays.copyOf(good, good.length - 1)));
    assertTrue(
        e.getMessage().contains("truncated")
            && e.getMessage().contains("needs 24 data bytes, found 23"),
        e.getMessage());
  }

  @Test
  void trailingBytesAreAnError() throws IOException {
    byte[] good = Files.readAllBytes(path("f32.npy"));
    WeightFormatException e = failure(write(dir, "t.npy", Arrays.copyOf(good, good.length + 4)));
    assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
  }

  @Test
  void truncatedHeaderIsAnError() throws IOException {
    byte[] good = Files.readAllBytes(path("f32.npy"));
    assertTrue(
        failure(write(dir, "t.npy", Arrays.copyOf(good, 5))).getMessage().contains("truncated"));
    assertTrue(
        failure(write(dir, "u.npy", Arrays.copyOf(good, 40))).getMessage().contains("truncated"));
  }

  @Test
  void wrongMagicIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(path("f32.npy"));
    bytes[1] = 'X';
    WeightFormatException e = failure(write(dir, "m.npy", bytes));
    assertTrue(
        e.getMessage().contains("magic is 93 58 55 4d 50 59, expected 93 4e 55 4d 50 59"),
        e.getMessage());
  }

  @Test
  void unknownFormatVersionIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(path("f32.npy"));
    bytes[6] = 4;
    WeightFormatException e = failure(write(dir, "v.npy", bytes));
    assertTrue(
        e.getMessage().contains("format version 4.0 is not supported, expected 1.0, 2.0 or 3.0"),
        e.getMessage());
  }

  @Test
  void oversizedHeaderLengthIsRefusedBeforeReading() throws IOException {
    byte[] bytes = Files.readAllBytes(path("f32_v2.npy"));
    bytes[8] = 0;
    bytes[9] = 0;
    bytes[10] = 0;
    bytes[11] = 0x40; // 2^30 header bytes claimed
    WeightFormatException e = failure(write(dir, "h.npy", bytes));
    assertTrue(
        e.getMessage().contains("header length is 1073741824 bytes, expected at most 10000"),
        e.getMessage());
  }

  @Test
  void hugeClaimedShapesFailWithoutAllocating() throws IOException {
    // 2^40 elements: more than any Java array; must be refused from the header alone.
    WeightFormatException huge =
        failure(
            write(
                dir,
                "huge.npy",
                npy(
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (1048576, 1048576), }",
                    new byte[0])));
    assertTrue(huge.getMessage().contains("more than 2^31 - 9 elements"), huge.getMessage());
    // 2^28 float32 elements fit an array but not the file: refused by the length check, not by OOM.
    WeightFormatException big =
        failure(
            write(
                dir,
                "big.npy",
                npy(
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }",
                    new byte[8])));
    assertTrue(big.getMessage().contains("needs 1073741824 data bytes, found 8"), big.getMessage());
    // 2^29 float64 elements: 4 GiB, more than one tensor may hold.
    WeightFormatException wide =
        failure(
            write(
                dir,
                "wide.npy",
                npy(
                    "{'descr': '<f8', 'fortran_order': False, 'shape': (536870912,), }",
                    new byte[8])));
    assertTrue(
        wide.getMessage().contains("expected at most 2^31 - 9 per tensor"), wide.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'descr': '<f4', 'fortran_order': False, }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
        "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } trailing",
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
        "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)",
        "[1, 2]",
      })
  void corruptHeaderDictsAreErrors(String dict) throws IOException {
    WeightFormatException e = failure(write(dir, "c.npy", npy(dict, new byte[8])));
    assertTrue(e.getMessage().startsWith(dir.resolve("c.npy").toString()), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"<f4", ">f4", "|u1", "<i8"})
  void acceptsPythonHeaderVariants(String descr) throws IOException {
    int bytes = Integer.parseInt(descr.substring(2));
    Path p =
        write(
            dir,
            "ok.npy",
            npy(
                "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"" + descr + "\"}",
                new byte[2 * bytes]));
    assertArrayEquals(new float[] {0f, 0f}, read(p).toArray());
  }
}
