package dev.quantgen.quantize.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
  @TempDir Path dir;

  private static byte[] idx(int magic, int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length).putInt(magic);
    for (int d : dims) {
      b.putInt(d);
    }
    return b.put(data).array();
  }

  private static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private DataFormatException imageFailure(byte[] bytes) throws IOException {
    Path p = write("bad-images", bytes);
    DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.readImages(p));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    return e;
  }

  @Test
  void readsMnistTestImagesAndLabels() throws IOException {
    Path mnist = SharedData.require("data/mnist");
    ImageSet images = Idx.readImages(mnist.resolve("t10k-images-idx3-ubyte.gz"));
    assertEquals(10_000, images.count());
    assertEquals(28, images.rows());
    assertEquals(28, images.cols());
    Labels labels = Idx.readLabels(mnist.resolve("t10k-labels-idx1-ubyte.gz"));
    assertArrayEquals(
        new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, labels.classCounts(10));
    Labels train = Idx.readLabels(mnist.resolve("train-labels-idx1-ubyte.gz"));
    assertArrayEquals(
        new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
        train.classCounts(10));
  }

  @Test
  void readsFashionMnistTrainAndTest() throws IOException {
    Path fashion = SharedData.requireFashionMnist();
    ImageSet train = Idx.readImages(fashion.resolve("train-images-idx3-ubyte.gz"));
    ImageSet test = Idx.readImages(fashion.resolve("t10k-images-idx3-ubyte.gz"));
    assertEquals(60_000, train.count());
    assertEquals(10_000, test.count());
    assertEquals(784, test.imageSize());
    int[] trainCounts =
        Idx.readLabels(fashion.resolve("train-labels-idx1-ubyte.gz")).classCounts(10);
    int[] testCounts = Idx.readLabels(fashion.resolve("t10k-labels-idx1-ubyte.gz")).classCounts(10);
    int[] sixThousand = new int[10];
    Arrays.fill(sixThousand, 6000);
    int[] oneThousand = new int[10];
    Arrays.fill(oneThousand, 1000);
    assertArrayEquals(sixThousand, trainCounts, "Fashion-MNIST is balanced");
    assertArrayEquals(oneThousand, testCounts);
  }

  @Test
  void readsRawAndGzippedAlikeAndRoundTrips() throws IOException {
    byte[] pixels = new byte[2 * 3 * 5];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 37);
    }
    byte[] raw = idx(Idx.IMAGES_MAGIC, new int[] {2, 3, 5}, pixels);
    ImageSet a = Idx.readImages(write("raw-images", raw));
    ImageSet b = Idx.readImages(write("images.gz", gzip(raw)));
    assertEquals(3, a.rows());
    assertEquals(5, a.cols());
    assertArrayEquals(a.image(1), b.image(1));
    assertEquals((29 * 37) & 0xff, a.pixel(1, 2, 4), "pixels are unsigned");
    Idx.writeImagesGz(a, dir.resolve("again.gz"));
    assertArrayEquals(a.image(0), Idx.readImages(dir.resolve("again.gz")).image(0));
    Idx.writeLabelsGz(Labels.of(3, 255, 0), dir.resolve("labels.gz"));
    Labels labels = Idx.readLabels(dir.resolve("labels.gz"));
    assertEquals(255, labels.get(1));
    assertEquals(3, labels.count());
  }

  @Test
  void wrongMagicNamesBothValues() throws IOException {
    Path p = write("labels", idx(Idx.LABELS_MAGIC, new int[] {1}, new byte[1]));
    DataFormatException e = assertThrows(DataFormatException.class, () -> Idx.readImages(p));
    assertTrue(e.getMessage().contains("magic is 0x801, expected 0x803"), e.getMessage());
  }

  @Test
  void rawLengthMustMatchTheDimensions() throws IOException {
    DataFormatException shorter =
        imageFailure(idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[7]));
    assertTrue(
        shorter
            .getMessage()
            .contains("file length is 23 bytes, expected 16 header bytes + 2 x 4 = 8 data bytes"),
        shorter.getMessage());
    imageFailure(idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[9]));
  }

  @Test
  void gzippedLengthMustMatchTheDimensions() throws IOException {
    DataFormatException truncated =
        imageFailure(gzip(idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[7])));
    assertTrue(
        truncated.getMessage().contains("truncated: data holds 7 bytes, expected 8"),
        truncated.getMessage());
    DataFormatException trailing =
        imageFailure(gzip(idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[9])));
    assertTrue(trailing.getMessage().contains("trailing bytes"), trailing.getMessage());
  }

  @Test
  void hugeDimensionsFailWithoutAllocating() throws IOException {
    DataFormatException huge =
        imageFailure(
            gzip(idx(Idx.IMAGES_MAGIC, new int[] {1 << 20, 1 << 10, 1 << 10}, new byte[0])));
    assertTrue(
        huge.getMessage()
            .contains(
                "header claims 1048576 images of 1024x1024; reading 1048576 of them means "
                    + "1099511627776 values, expected at most Idx.MAX_ELEMENTS = 268435456"),
        huge.getMessage());
    // 190 MB claimed by a gzipped file of a few bytes: read chunk by chunk, so it fails as
    // truncated.
    DataFormatException big =
        imageFailure(gzip(idx(Idx.IMAGES_MAGIC, new int[] {190, 1000, 1000}, new byte[5])));
    assertTrue(
        big.getMessage().contains("truncated: data holds 5 bytes, expected 190000000"),
        big.getMessage());
    DataFormatException negative =
        imageFailure(idx(Idx.IMAGES_MAGIC, new int[] {2, -1, 2}, new byte[0]));
    assertTrue(
        negative.getMessage().contains("dimension 1 (rows) is -1, expected >= 1"),
        negative.getMessage());
  }

  /**
   * Issue 19: a 16-byte header claiming two billion images of 0x0 has no data to contradict it, and
   * a reader then allocates per image (an OutOfMemoryError in eval). The count is just below the
   * 2^31 - 9 bytes one array holds, so only the empty image size can reject it.
   */
  @Test
  void imagesOfNoPixelsAreRejected() throws IOException {
    int twoBillion = 2_147_483_000;
    for (byte[] file :
        new byte[][] {
          idx(Idx.IMAGES_MAGIC, new int[] {twoBillion, 0, 0}, new byte[0]),
          gzip(idx(Idx.IMAGES_MAGIC, new int[] {twoBillion, 0, 0}, new byte[0]))
        }) {
      DataFormatException e = imageFailure(file);
      assertEquals(
          dir.resolve("bad-images") + ": dimension 1 (rows) is 0, expected >= 1", e.getMessage());
    }
    DataFormatException cols =
        imageFailure(idx(Idx.IMAGES_MAGIC, new int[] {3, 28, 0}, new byte[0]));
    assertTrue(
        cols.getMessage().endsWith("dimension 2 (columns) is 0, expected >= 1"), cols.getMessage());
    DataFormatException count =
        imageFailure(idx(Idx.IMAGES_MAGIC, new int[] {Integer.MIN_VALUE, 1, 1}, new byte[0]));
    assertTrue(
        count.getMessage().endsWith("dimension 0 (image count) is -2147483648, expected >= 0"),
        count.getMessage());
  }

  /**
   * Issue 19: a gzip file whose header claims 2.7 million 28x28 images (2.1 GB, over the cap) but
   * whose stream holds 3: a limit reads only what it asks for, and the claim alone is refused.
   */
  @Test
  void aLimitReadsOnlyTheImagesAskedFor() throws IOException {
    byte[] pixels = new byte[3 * 28 * 28];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 7);
    }
    Path bomb =
        write("bomb.gz", gzip(idx(Idx.IMAGES_MAGIC, new int[] {2_700_000, 28, 28}, pixels)));
    ImageSet two = Idx.readImages(bomb, 2);
    assertEquals(2, two.count());
    assertEquals((783 * 7) & 0xff, two.pixel(0, 27, 27));
    assertEquals(((784 + 783) * 7) & 0xff, two.pixel(1, 27, 27));
    DataFormatException truncated =
        assertThrows(DataFormatException.class, () -> Idx.readImages(bomb, 4));
    assertEquals(
        bomb + ": truncated: data holds 2352 bytes, expected 3136", truncated.getMessage());
    DataFormatException all = assertThrows(DataFormatException.class, () -> Idx.readImages(bomb));
    assertEquals(
        bomb
            + ": header claims 2700000 images of 28x28; reading 2700000 of them means 2116800000 values, "
            + "expected at most Idx.MAX_ELEMENTS = 268435456 (read fewer)",
        all.getMessage());

    Path labels =
        write(
            "labels.gz",
            gzip(idx(Idx.LABELS_MAGIC, new int[] {Integer.MAX_VALUE}, new byte[] {4, 5})));
    assertEquals(5, Idx.readLabels(labels, 2).get(1));
    assertTrue(
        assertThrows(DataFormatException.class, () -> Idx.readLabels(labels))
            .getMessage()
            .contains("header claims 2147483647 labels; reading 2147483647 of them"));
  }

  @Test
  void aLimitAboveTheCountReadsEverythingAndARawFileIsCheckedInFull() throws IOException {
    byte[] raw =
        idx(
            Idx.IMAGES_MAGIC,
            new int[] {2, 2, 3},
            new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    assertEquals(2, Idx.readImages(write("two", raw), 100).count());
    assertEquals(1, Idx.readImages(write("one", raw), 1).count());
    Path longer = write("longer", Arrays.copyOf(raw, raw.length + 1));
    DataFormatException e =
        assertThrows(DataFormatException.class, () -> Idx.readImages(longer, 1));
    assertEquals(
        longer + ": file length is 29 bytes, expected 16 header bytes + 2 x 6 = 12 data bytes = 28",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Idx.readImages(longer, -1));
  }

  @Test
  void truncatedHeaderAndCorruptGzipAreErrors() throws IOException {
    DataFormatException header = imageFailure(new byte[] {0, 0, 8, 3, 0, 0});
    assertTrue(
        header.getMessage().contains("truncated header: dimension 0 needs 4 bytes, found 2"),
        header.getMessage());
    byte[] gz = gzip(idx(Idx.IMAGES_MAGIC, new int[] {4, 4, 4}, new byte[64]));
    DataFormatException cut = imageFailure(Arrays.copyOf(gz, gz.length - 10));
    assertTrue(
        cut.getMessage().contains("gzip") || cut.getMessage().contains("truncated"),
        cut.getMessage());
    gz[12] ^= 0x55;
    imageFailure(gz);
  }
}
