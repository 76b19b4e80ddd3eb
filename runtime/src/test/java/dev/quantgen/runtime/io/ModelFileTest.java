package dev.quantgen.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {
  @TempDir Path dir;

  /** One tensor of every type, random but seeded, with the awkward values spelled out. */
  static ModelFile everyType(long seed) {
    Random r = new Random(seed);
    float[] f = new float[37];
    for (int i = 0; i < f.length; i++) {
      f[i] = Float.intBitsToFloat(r.nextInt());
    }
    f[0] = -0.0f;
    f[1] = Float.intBitsToFloat(0x7fc0_1234); // quiet NaN with a payload
    f[2] = Float.intBitsToFloat(0xff80_0001); // signalling NaN, negative
    f[3] = Float.MIN_VALUE;
    short[] h = new short[9];
    for (int i = 0; i < h.length; i++) {
      h[i] = (short) r.nextInt();
    }
    h[0] = (short) 0x7e01; // a half NaN payload
    h[1] = (short) 0x8000; // -0.0
    byte[] i8 = new byte[15];
    r.nextBytes(i8);
    i8[0] = -128;
    short[] i16 = {Short.MIN_VALUE, -1, 0, Short.MAX_VALUE, (short) r.nextInt()};
    int[] i32 = {
      Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE, r.nextInt(), r.nextInt(), r.nextInt()
    };
    long[] i64 = {Long.MIN_VALUE, Long.MAX_VALUE, r.nextLong()};
    byte[] int4 = new byte[(7 * 3 + 1) / 2]; // 21 values: the last high nibble stays zero
    r.nextBytes(int4);
    int4[int4.length - 1] &= 0x0f;
    long[] bits = new long[3 * 2]; // 3 rows of 70 values: 2 words a row, 58 padding bits each
    for (int row = 0; row < 3; row++) {
      bits[2 * row] = r.nextLong();
      bits[2 * row + 1] = r.nextLong() & ((1L << 6) - 1);
    }
    return ModelFile.builder()
        .metadata("precision", "INT8")
        .metadata("layers", "fc1,fc2")
        .metadata("unicode ✓", "µ-law, 日本語, and an empty value next")
        .metadata("empty", "")
        .tensor(ModelTensor.float32("fc1.weight", Shape.of(37), f))
        .tensor(ModelTensor.float16Bits("fc1.half", Shape.of(3, 3), h))
        .tensor(ModelTensor.int8("fc1.q", Shape.of(3, 5), i8))
        .tensor(ModelTensor.uint8("fc1.zero_point", Shape.of(15), i8))
        .tensor(ModelTensor.int16("a16", Shape.of(5), i16))
        .tensor(ModelTensor.int32("fc1.bias_q", Shape.of(7), i32))
        .tensor(ModelTensor.int64("a64", Shape.of(1, 3), i64))
        .tensor(ModelTensor.int4Packed("fc2.q4", Shape.of(7, 3), int4))
        .tensor(ModelTensor.binaryPacked("fc3.bits", Shape.of(3, 70), bits))
        .tensor(ModelTensor.float32("scalar", Shape.scalar(), new float[] {2.5f}))
        .tensor(ModelTensor.float32("empty", Shape.of(0, 4), new float[0]))
        .build();
  }

  private Path saved(ModelFile model) throws IOException {
    Path p = dir.resolve("model" + ModelFile.EXTENSION);
    model.write(p);
    return p;
  }

  private ModelFileException failure(byte[] bytes) throws IOException {
    Path p = dir.resolve("bad.qgen");
    Files.write(p, bytes);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.read(p));
    assertTrue(e.getMessage().startsWith(p + ": "), "names the file: " + e.getMessage());
    return e;
  }

  @Test
  void saveThenLoadIsBitExactForEveryType() throws IOException {
    for (long seed = 1; seed <= 5; seed++) {
      ModelFile model = everyType(seed);
      ModelFile loaded = ModelFile.read(saved(model));
      assertEquals(model, loaded);
      for (ModelTensor t : model.tensors()) {
        assertArrayEquals(t.bytes(), loaded.tensor(t.name()).bytes(), t.name());
      }
      assertEquals(model.metadata(), loaded.metadata());
      assertEquals(
          List.copyOf(model.metadata().keySet()), List.copyOf(loaded.metadata().keySet()), "order");
      assertEquals(model.tensorNames(), loaded.tensorNames());
    }
  }

  @Test
  void floatsKeepNanPayloadsAndNegativeZero() throws IOException {
    float[] f = everyType(7).tensor("fc1.weight").floats();
    float[] back = ModelFile.read(saved(everyType(7))).tensor("fc1.weight").floats();
    for (int i = 0; i < f.length; i++) {
      assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(back[i]), "element " + i);
    }
    assertEquals(0x7fc0_1234, Float.floatToRawIntBits(back[1]));
    assertEquals(0x8000_0000, Float.floatToRawIntBits(back[0]));
  }

  @Test
  void typedAccessorsReturnWhatWasStored() throws IOException {
    ModelFile loaded = ModelFile.read(saved(everyType(3)));
    assertArrayEquals(
        new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE},
        Arrays.copyOf(loaded.tensor("fc1.bias_q").ints(), 4));
    assertEquals(Long.MIN_VALUE, loaded.tensor("a64").longs()[0]);
    assertEquals((short) 0x7e01, loaded.tensor("fc1.half").float16Bits()[0]);
    assertEquals(Short.MIN_VALUE, loaded.tensor("a16").int16s()[0]);
    assertEquals(6, loaded.tensor("fc3.bits").longs().length);
    assertEquals(11, loaded.tensor("fc2.q4").bytes().length);
    assertThrows(IllegalStateException.class, () -> loaded.tensor("a16").floats());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> loaded.tensor("nope"));
    assertTrue(
        missing.getMessage().contains("'nope'") && missing.getMessage().contains("fc1.weight"));
  }

  @Test
  void sameModelGivesSameBytes() throws IOException {
    byte[] a = Files.readAllBytes(saved(everyType(11)));
    byte[] b = Files.readAllBytes(saved(everyType(11)));
    assertArrayEquals(a, b);
  }

  @Test
  void emptyModelRoundTrips() throws IOException {
    ModelFile empty = ModelFile.builder().build();
    assertEquals(empty, ModelFile.read(saved(empty)));
  }

  @Test
  void tensorDataIsAlignedTo64Bytes() throws IOException {
    ByteBuffer b =
        ByteBuffer.wrap(Files.readAllBytes(saved(everyType(2)))).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = b.getInt(12);
    int dataStart = (16 + headerLength + 4 + 63) / 64 * 64;
    float first = b.getFloat(dataStart + 4); // fc1.weight[1], the first tensor's second value
    assertEquals(0x7fc0_1234, Float.floatToRawIntBits(first));
  }

  @Test
  void overwritesAnExistingFile() throws IOException {
    Path p = saved(everyType(1));
    everyType(2).write(p);
    assertEquals(everyType(2), ModelFile.read(p));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(p), files.toList(), "no temporary file left behind");
    }
  }

  @Test
  void everyTruncationIsDetected() throws IOException {
    byte[] good = Files.readAllBytes(saved(everyType(4)));
    for (int cut = 0; cut < good.length; cut += 7) {
      ModelFileException e = failure(Arrays.copyOf(good, cut));
      assertTrue(e.getMessage().contains("truncated"), "cut at " + cut + ": " + e.getMessage());
    }
  }

  @Test
  void everyFlippedByteIsDetected() throws IOException {
    byte[] good = Files.readAllBytes(saved(everyType(5)));
    Random r = new Random(5);
    for (int i = 0;
        i < good.length;
        i += 1 + (i < 256 ? 0 : 5)) { // every header byte, every 6th data byte
      byte[] bad = good.clone();
      bad[i] ^= (byte) (1 + r.nextInt(255));
      failure(
          bad); // whatever the byte: magic, version, header, header CRC, padding, data, file CRC,
      // end magic
    }
  }

  @Test
  void corruptDataNamesTheChecksum() throws IOException {
    byte[] bad = Files.readAllBytes(saved(everyType(6)));
    bad[bad.length - 20] ^= 1;
    assertTrue(failure(bad).getMessage().contains("corrupt data: CRC-32C"));
  }

  @Test
  void corruptHeaderNamesTheHeaderChecksum() throws IOException {
    byte[] bad = Files.readAllBytes(saved(everyType(6)));
    bad[20] ^= 1;
    assertTrue(failure(bad).getMessage().contains("corrupt header: CRC-32C"));
  }

  @Test
  void wrongMagicIsNamed() throws IOException {
    byte[] bad = Files.readAllBytes(saved(everyType(6)));
    bad[0] = 'P';
    assertTrue(
        failure(bad).getMessage().contains("not a quantgen model file: the magic is 50 47 45 4e"));
    assertTrue(
        failure("PK\3\4 a zip file".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .getMessage()
            .contains("not a quantgen model file"));
  }

  @Test
  void unsupportedVersionIsNamed() throws IOException {
    byte[] bad = Files.readAllBytes(saved(everyType(6)));
    bad[8] = 2;
    assertTrue(
        failure(bad).getMessage().contains("unsupported format version 2, this reader supports 1"));
  }

  @Test
  void trailingBytesAreCorruption() throws IOException {
    byte[] good = Files.readAllBytes(saved(everyType(6)));
    assertTrue(
        failure(Arrays.copyOf(good, good.length + 3)).getMessage().contains("3 unexpected bytes"));
  }

  // Headers with a valid checksum but lying sizes: a buggy or hostile writer, not bit rot.

  @Test
  void hugeHeaderLengthIsRefusedBeforeAllocating() throws IOException {
    byte[] bad = Files.readAllBytes(saved(everyType(6)));
    ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 0x7fff_ffff);
    assertTrue(failure(bad).getMessage().contains("header length 2147483647 exceeds the limit"));
  }

  @Test
  void hugeClaimedCountsAndShapesAreRefusedBeforeAllocating() throws IOException {
    Header h = new Header().u32(0x7fff_ffff); // two billion metadata entries
    assertTrue(
        failure(h.file(new byte[0]))
            .getMessage()
            .contains("2147483647 metadata entries cannot fit"));

    Header shape =
        new Header()
            .u32(0)
            .u32(1)
            .string("w")
            .u8(1)
            .u8(2)
            .u32(1 << 20)
            .u32(1 << 20) // 2^40 floats
            .u64(0)
            .u64(4L << 40)
            .u64(0);
    assertTrue(
        failure(shape.file(new byte[0])).getMessage().contains("more than 2^31 - 9 elements"));

    Header big =
        new Header()
            .u32(0)
            .u32(1)
            .string("w")
            .u8(1)
            .u8(1)
            .u32(1 << 28)
            .u64(0)
            .u64(1L << 30)
            .u64(1L << 30); // 1 GiB of data claimed in a tiny file
    assertTrue(failure(big.file(new byte[0])).getMessage().contains("truncated"));
  }

  @Test
  void inconsistentTensorSizesAreCorruption() throws IOException {
    Header wrongLength =
        new Header().u32(0).u32(1).string("w").u8(1).u8(1).u32(3).u64(0).u64(8).u64(64);
    assertTrue(
        failure(wrongLength.file(new byte[64]))
            .getMessage()
            .contains("tensor 'w' (FLOAT32, shape [3]) has 8 bytes, expected 12"));
    Header outside =
        new Header().u32(0).u32(1).string("w").u8(1).u8(1).u32(3).u64(64).u64(12).u64(64);
    assertTrue(
        failure(outside.file(new byte[64]))
            .getMessage()
            .contains("does not fit the 64-byte data section"));
    Header overlap =
        new Header()
            .u32(0)
            .u32(2)
            .string("a")
            .u8(1)
            .u8(1)
            .u32(3)
            .u64(0)
            .u64(12)
            .string("b")
            .u8(1)
            .u8(1)
            .u32(3)
            .u64(0)
            .u64(12)
            .u64(64);
    assertTrue(
        failure(overlap.file(new byte[64])).getMessage().contains("tensors 'a' and 'b' overlap"));
    Header unknownType =
        new Header().u32(0).u32(1).string("w").u8(99).u8(1).u32(3).u64(0).u64(12).u64(64);
    assertTrue(
        failure(unknownType.file(new byte[64])).getMessage().contains("unknown type code 99"));
    Header binaryPadding =
        new Header().u32(0).u32(1).string("b").u8(9).u8(1).u32(3).u64(0).u64(8).u64(64);
    byte[] data = new byte[64];
    data[0] = (byte) 0xff; // bits 3..7 are padding for 3 values
    assertTrue(failure(binaryPadding.file(data)).getMessage().contains("padding bits set"));
  }

  @Test
  void badTensorsAreRejectedAtConstruction() {
    IllegalArgumentException length =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelTensor.float32("w", Shape.of(2, 3), new float[5]));
    assertEquals(
        "tensor 'w' (FLOAT32, shape [2, 3]): data length 5, expected 6", length.getMessage());
    IllegalArgumentException nibble =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelTensor.int4Packed("q", Shape.of(3), new byte[] {0x21, 0x10}));
    assertTrue(nibble.getMessage().contains("last high nibble must be zero"), nibble.getMessage());
    IllegalArgumentException padding =
        assertThrows(
            IllegalArgumentException.class,
            () -> ModelTensor.binaryPacked("b", Shape.of(2, 65), new long[] {0, 1, 0, 2}));
    assertTrue(padding.getMessage().contains("row 1 has padding bits set"), padding.getMessage());
    IllegalArgumentException name =
        assertThrows(
            IllegalArgumentException.class, () -> ModelTensor.int8("", Shape.of(1), new byte[1]));
    assertTrue(name.getMessage().contains("tensor name is empty"));
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelFile.builder()
                    .tensor(ModelTensor.int8("x", Shape.of(1), new byte[1]))
                    .tensor(ModelTensor.int8("x", Shape.of(1), new byte[1])));
    assertTrue(duplicate.getMessage().contains("tensor 'x' is already added"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelFile.builder().metadata("k", "1").metadata("k", "2"));
  }

  /**
   * Builds a version-1 file around a hand-written header, with correct checksums (the format's
   * spec, restated).
   */
  private static final class Header {
    private final ByteBuffer b = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

    Header u8(int v) {
      b.put((byte) v);
      return this;
    }

    Header u32(int v) {
      b.putInt(v);
      return this;
    }

    Header u64(long v) {
      b.putLong(v);
      return this;
    }

    Header string(String s) {
      byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      b.putInt(bytes.length).put(bytes);
      return this;
    }

    byte[] file(byte[] data) {
      byte[] header = Arrays.copyOf(b.array(), b.position());
      int dataStart = (16 + header.length + 4 + 63) / 64 * 64;
      ByteBuffer f =
          ByteBuffer.allocate(dataStart + data.length + 8).order(ByteOrder.LITTLE_ENDIAN);
      f.put(ModelFileFormat.MAGIC).putInt(1).putInt(header.length).put(header);
      CRC32C crc = new CRC32C();
      crc.update(f.array(), 0, f.position());
      f.putInt((int) crc.getValue());
      f.position(dataStart);
      f.put(data);
      CRC32C all = new CRC32C();
      all.update(f.array(), 0, f.position());
      f.putInt((int) all.getValue()).put(ModelFileFormat.END_MAGIC);
      return f.array();
    }
  }

  @Test
  void randomDamageToAFileIsAlwaysDetected() throws IOException {
    Path model = dir.resolve("model.qgen");
    everyType(9).write(model);
    byte[] good = Files.readAllBytes(model);
    Random r = new Random(5);
    for (int round = 0; round < 200; round++) {
      Files.write(model, FuzzFiles.damage(good, r));
      try {
        ModelFile.read(model);
        fail("round " + round + ": damage went unnoticed"); // the checksums catch every change
      } catch (ModelFileException expected) {
        // the documented failure
      }
    }
  }
}
