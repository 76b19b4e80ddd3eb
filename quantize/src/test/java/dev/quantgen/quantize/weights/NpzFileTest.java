package dev.quantgen.quantize.weights;

import static dev.quantgen.quantize.weights.Fixtures.assertBitsEqual;
import static dev.quantgen.quantize.weights.Fixtures.expected;
import static dev.quantgen.quantize.weights.Fixtures.npy;
import static dev.quantgen.quantize.weights.Fixtures.path;
import static dev.quantgen.quantize.weights.Fixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpzFileTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"stored.npz", "deflated.npz"})
  void readsStoredAndDeflatedArchivesAsNumpyWroteThem(String file) throws IOException {
    try (WeightSource s = WeightSource.open(path(file))) {
      assertEquals(List.of("fc1.weight", "fc1.bias", "half"), s.names());
      assertEquals(Shape.of(3, 4), s.shape("fc1.weight"));
      assertEquals(DType.FLOAT16, s.dtype("half"));
      for (String name : s.names()) {
        assertBitsEqual(expected("npz_" + name), s.get(name));
      }
      assertEquals(-5.5f, s.get("fc1.weight").get(0));
    }
  }

  @Test
  void anIntegerTensorInAnArchiveIsAnErrorUnlessConverted() throws IOException {
    byte[] entry = Files.readAllBytes(path("i4.npy"));
    Path file = write(dir, "ints.npz", zip("steps.npy", entry));
    try (WeightSource s = WeightSource.open(file)) {
      WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("steps"));
      assertTrue(
          e.getMessage().startsWith(file + ": tensor 'steps' is stored as int32"), e.getMessage());
    }
    try (WeightSource s = WeightSource.open(file, WeightOptions.convertIntegers())) {
      assertBitsEqual(expected("i4"), s.get("steps"));
    }
  }

  @Test
  void missingTensorListsTheAvailableNames() throws IOException {
    try (WeightSource s = WeightSource.open(path("stored.npz"))) {
      WeightFormatException e =
          assertThrows(WeightFormatException.class, () -> s.get("fc2.weight"));
      assertTrue(
          e.getMessage()
              .contains("no tensor named 'fc2.weight'; available: [fc1.weight, fc1.bias, half]"),
          e.getMessage());
      WeightFormatException shape =
          assertThrows(
              WeightFormatException.class, () -> s.get("fc1", "fc1.weight", Shape.of(4, 3)));
      assertTrue(
          shape
              .getMessage()
              .endsWith("layer fc1, tensor 'fc1.weight': expected shape [4, 3], found [3, 4]"));
    }
  }

  @Test
  void corruptStoredDataFailsTheCrc() throws IOException {
    byte[] bytes = Files.readAllBytes(path("stored.npz"));
    int at =
        indexOf(bytes, new byte[] {0, 0, 0, 0x3f, 0, 0, 0, (byte) 0xbf})
            + 2; // the bias data: 0.5f, -0.5f
    bytes[at] ^= 0x40;
    try (WeightSource s = WeightSource.open(write(dir, "c.npz", bytes))) {
      WeightFormatException e = assertThrows(WeightFormatException.class, () -> s.get("fc1.bias"));
      assertTrue(e.getMessage().contains("entry 'fc1.bias.npy': CRC-32 is"), e.getMessage());
    }
  }

  @Test
  void notAZipIsAnError() throws IOException {
    WeightFormatException e =
        assertThrows(
            WeightFormatException.class,
            () -> WeightSource.open(write(dir, "x.npz", Files.readAllBytes(path("f32.npy")))));
    assertTrue(e.getMessage().contains("not a readable .npz (zip) archive"), e.getMessage());
  }

  @Test
  void truncatedArchiveIsAnError() throws IOException {
    byte[] bytes = Files.readAllBytes(path("deflated.npz"));
    Path p = write(dir, "t.npz", Arrays.copyOf(bytes, bytes.length / 2));
    assertThrows(WeightFormatException.class, () -> WeightSource.open(p).close());
  }

  @Test
  void entryWhoseHeaderClaimsMoreThanItHoldsIsAnError() throws IOException {
    byte[] entry =
        npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000,), }", new byte[16]);
    WeightFormatException e =
        assertThrows(
            WeightFormatException.class,
            () -> WeightSource.open(write(dir, "lie.npz", zip("w.npy", entry))).close());
    assertTrue(
        e.getMessage()
            .contains("entry 'w.npy': truncated: shape [1000000] of FLOAT32 needs 4000000"),
        e.getMessage());
  }

  @Test
  void entriesThatAreNotNpyAreIgnored() throws IOException {
    try (WeightSource s =
        WeightSource.open(write(dir, "m.npz", zip("notes.txt", new byte[] {'h', 'i'})))) {
      assertEquals(List.of(), s.names());
    }
  }

  private static byte[] zip(String name, byte[] content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      ZipEntry e = new ZipEntry(name);
      e.setMethod(ZipEntry.STORED);
      e.setSize(content.length);
      CRC32 crc = new CRC32();
      crc.update(content);
      e.setCrc(crc.getValue());
      z.putNextEntry(e);
      z.write(content);
      z.closeEntry();
    }
    return bytes.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
