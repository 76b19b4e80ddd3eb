package dev.quantgen.quantize.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  private static Dataset counting(int n) {
    float[] x = new float[n * 2];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
      y[i] = i % 3;
    }
    return Dataset.of(x, 2, y, 3);
  }

  @Test
  void imagesAreScaledToZeroOne() {
    ImageSet images = ImageSet.of(1, 1, 3, new byte[] {0, (byte) 128, (byte) 255});
    Dataset d = Dataset.of(images, Labels.of(7), 10);
    assertArrayEquals(new float[] {0f, 128 / 255f, 1f}, d.input(0));
    assertEquals(7, d.label(0));
    assertEquals(3, d.inputSize());
  }

  @Test
  void shuffleIsASeededPermutation() {
    Dataset d = counting(101);
    Dataset a = d.shuffled(5);
    Dataset b = d.shuffled(5);
    int[] orderA = IntStream.range(0, 101).map(i -> (int) a.input(i)[0]).toArray();
    int[] orderB = IntStream.range(0, 101).map(i -> (int) b.input(i)[0]).toArray();
    assertArrayEquals(orderA, orderB, "same seed, same order");
    int[] orderC = IntStream.range(0, 101).map(i -> (int) d.shuffled(6).input(i)[0]).toArray();
    assertNotEquals(Arrays.toString(orderA), Arrays.toString(orderC));
    int[] sorted = orderA.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, 101).toArray(), sorted, "a permutation");
    for (int i = 0; i < 101; i++) {
      assertEquals(orderA[i] % 3, a.label(i), "labels travel with their inputs");
    }
    assertArrayEquals(d.classCounts(), a.classCounts());
  }

  @Test
  void subsetIsAViewOfTheCurrentOrder() {
    Dataset shuffled = counting(10).shuffled(1);
    Dataset sub = shuffled.subset(3, 7);
    assertEquals(4, sub.size());
    assertArrayEquals(shuffled.input(3), sub.input(0));
    assertArrayEquals(shuffled.input(6), sub.input(3));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> shuffled.subset(5, 11));
    assertEquals("range [5, 11) is invalid: expected 0 <= from <= to <= 10", e.getMessage());
  }

  @Test
  void badArgumentsAreNamed() {
    assertEquals(
        "labels[1] is 3: expected 0..2",
        assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(new float[4], 2, new int[] {0, 3}, 3))
            .getMessage());
    assertEquals(
        "inputs length 5: expected labels.length * inputSize = 2 * 2 = 4",
        assertThrows(
                IllegalArgumentException.class, () -> Dataset.of(new float[5], 2, new int[2], 3))
            .getMessage());
    assertEquals(
        "images count 1 and labels count 2: expected equal counts",
        assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(ImageSet.of(1, 1, 1, new byte[1]), Labels.of(0, 1), 2))
            .getMessage());
    assertEquals(
        "sample 10 is out of range: expected 0..9",
        assertThrows(IllegalArgumentException.class, () -> counting(10).label(10)).getMessage());
    assertEquals(
        "labels[0] is 256: expected 0..255",
        assertThrows(IllegalArgumentException.class, () -> Labels.of(256)).getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> ImageSet.of(2, 2, 2, new byte[7]))
            .getMessage()
            .contains("pixels length 7: expected count * rows * cols = 2 * 2 * 2 = 8"));
  }

  @Test
  void readsTheDigitsCsvFiles() throws IOException {
    Dataset test = LabeledCsv.read(SharedData.require("data/sklearn/digits.csv.gz"), 16, 10);
    assertEquals(1797, test.size());
    assertEquals(64, test.inputSize());
    assertArrayEquals(
        new int[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, test.classCounts());
    Dataset train = LabeledCsv.read(SharedData.require("data/optdigits/optdigits.tra.gz"), 16, 10);
    assertEquals(3823, train.size());
    assertArrayEquals(
        new int[] {376, 389, 380, 389, 387, 376, 377, 387, 380, 382}, train.classCounts());
    assertEquals(5 / 16f, test.input(0)[2], "the first digit's third pixel is 5 of 16");
  }

  @Test
  void csvErrorsNameLineAndColumn() throws IOException {
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "1,2,0\n1,2\n");
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(ragged, 1, 3))
            .getMessage()
            .endsWith("line 2: 2 columns, expected 3"));
    Path text = dir.resolve("text.csv");
    Files.writeString(text, "1,x,0\n");
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(text, 1, 3))
            .getMessage()
            .endsWith("line 1 column 1: 'x' is not a number"));
    Path label = dir.resolve("label.csv");
    Files.writeString(label, "1,2,3\n");
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(label, 1, 3))
            .getMessage()
            .endsWith("line 1: label is 3, expected an integer 0..2"));
  }

  /**
   * Fuzzing findings (seeds in {@code LabeledCsvFuzzTestInputs}): NaN read silently, a raw zip
   * exception.
   */
  @Test
  void csvRejectsNonFiniteFeaturesAndCorruptGzipNamingTheFile() throws IOException {
    Path nan = dir.resolve("nan.csv");
    Files.writeString(nan, "1,2,0\n1,NaN,1\n");
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(nan, 1, 3))
            .getMessage()
            .endsWith("nan.csv line 2 column 1: 'NaN' is NaN, expected a finite number"));
    Path huge = dir.resolve("huge.csv");
    Files.writeString(huge, "1e39,0\n");
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(huge, 1, 3))
            .getMessage()
            .endsWith("huge.csv line 1 column 0: '1e39' is Infinity, expected a finite number"));
    Path corrupt = dir.resolve("corrupt.csv.gz");
    Files.write(
        corrupt,
        java.util.Base64.getDecoder()
            .decode("H4sIAAAAAAACAzPQMV8xNNMx5jLVMdAx0rHkAgDrSAUpEQAAAA=="));
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(corrupt, 1, 3))
            .getMessage()
            .startsWith(corrupt + ": corrupt gzip stream"));
    Path truncated = dir.resolve("truncated.csv.gz");
    Files.write(truncated, new byte[] {0x1f, (byte) 0x8b, 8, 0});
    assertTrue(
        assertThrows(DataFormatException.class, () -> LabeledCsv.read(truncated, 1, 3))
            .getMessage()
            .startsWith(truncated + ": truncated gzip stream"));
  }
}
