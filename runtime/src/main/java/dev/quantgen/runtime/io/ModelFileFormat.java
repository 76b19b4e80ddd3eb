package dev.quantgen.runtime.io;

import dev.quantgen.runtime.numerics.Shape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The byte layout of a {@link ModelFile}, version 1. All integers little-endian; strings are a u32
 * byte length and UTF-8 bytes.
 *
 * <pre>
 * offset     size  field
 * 0          8     magic "QGEN\r\n\x1a\n" (PNG-style: text-mode or 7-bit transfers visibly break it)
 * 8          4     u32 format version = 1
 * 12         4     u32 header length H (at most 16 MiB)
 * 16         H     header: u32 metadata count, then (string key, string value) each;
 *                  u32 tensor count, then per tensor: string name, u8 type code ({@link TensorType}),
 *                  u8 rank (at most 8), rank x u32 dims, u64 data offset (a multiple of 64, from D),
 *                  u64 byte length; then u64 data length L
 * 16 + H     4     u32 CRC-32C of bytes [0, 16 + H): the header is verified before it is trusted
 *            ...   zero padding up to D, the next multiple of 64
 * D          L     tensor data at their offsets, zero padding between tensors
 * D + L      4     u32 CRC-32C of bytes [0, D + L)
 * D + L + 4  4     end magic "QEND"
 * </pre>
 *
 * <p>64-byte alignment lets a future reader map the data section and read tensors in place.
 */
final class ModelFileFormat {
  static final byte[] MAGIC = {'Q', 'G', 'E', 'N', '\r', '\n', 0x1a, '\n'};
  static final byte[] END_MAGIC = {'Q', 'E', 'N', 'D'};
  static final int VERSION = 1;
  static final int MAX_HEADER_BYTES = 16 << 20;
  static final int MAX_RANK = 8;
  static final int ALIGNMENT = 64;
  private static final int PREFIX = 16;

  private ModelFileFormat() {}

  static void write(ModelFile model, Path file) throws IOException {
    List<ModelTensor> tensors = model.tensors();
    long[] offsets = new long[tensors.size()];
    long dataLength = 0;
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = align(dataLength);
      dataLength = offsets[i] + tensors.get(i).raw().length;
    }
    byte[] header = header(model, tensors, offsets, dataLength);
    long dataStart = align(PREFIX + header.length + 4);
    AtomicFiles.write(
        file,
        raw -> {
          CheckedOutputStream out = new CheckedOutputStream(raw, new CRC32C());
          ByteBuffer prefix = ByteBuffer.allocate(PREFIX).order(ByteOrder.LITTLE_ENDIAN);
          prefix.put(MAGIC).putInt(VERSION).putInt(header.length);
          out.write(prefix.array());
          out.write(header);
          out.write(
              le32(
                  out.getChecksum()
                      .getValue())); // through `out`: the file CRC covers the header CRC too
          long position = (long) PREFIX + header.length + 4;
          position = pad(out, position, dataStart);
          for (int i = 0; i < offsets.length; i++) {
            position = pad(out, position, dataStart + offsets[i]);
            byte[] data = tensors.get(i).raw();
            out.write(data);
            position += data.length;
          }
          raw.write(le32(out.getChecksum().getValue()));
          raw.write(END_MAGIC);
        });
  }

  private static byte[] header(
      ModelFile model, List<ModelTensor> tensors, long[] offsets, long dataLength)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    HeaderWriter h = new HeaderWriter(bytes);
    h.u32(model.metadata().size());
    for (var e : model.metadata().entrySet()) {
      h.string(e.getKey());
      h.string(e.getValue());
    }
    h.u32(tensors.size());
    for (int i = 0; i < offsets.length; i++) {
      ModelTensor t = tensors.get(i);
      if (t.shape().rank() > MAX_RANK) {
        throw new IllegalArgumentException(
            "tensor '"
                + t.name()
                + "' has rank "
                + t.shape().rank()
                + ", expected at most "
                + MAX_RANK);
      }
      h.string(t.name());
      h.u8(t.type().code());
      h.u8(t.shape().rank());
      for (int d : t.shape().dims()) {
        h.u32(d);
      }
      h.u64(offsets[i]);
      h.u64(t.raw().length);
    }
    h.u64(dataLength);
    if (bytes.size() > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "model header is "
              + bytes.size()
              + " bytes, expected at most "
              + MAX_HEADER_BYTES
              + " (too many tensors or metadata)");
    }
    return bytes.toByteArray();
  }

  /** Little-endian field writer for the header. */
  private static final class HeaderWriter {
    private final DataOutputStream out;

    HeaderWriter(OutputStream out) {
      this.out = new DataOutputStream(out);
    }

    void u8(int v) throws IOException {
      out.writeByte(v);
    }

    void u32(long v) throws IOException {
      out.write(le32(v));
    }

    void u64(long v) throws IOException {
      out.writeLong(Long.reverseBytes(v));
    }

    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u32(b.length);
      out.write(b);
    }
  }

  private static byte[] le32(long v) {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
  }

  private static long pad(OutputStream out, long position, long target) throws IOException {
    out.write(new byte[(int) (target - position)]);
    return target;
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  static ModelFile read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return new Reader(file, channel).read();
    }
  }

  /** One read of one file; every failure names the file. */
  private static final class Reader {
    private final Path file;
    private final FileChannel channel;
    private final long size;

    Reader(Path file, FileChannel channel) throws IOException {
      this.file = file;
      this.channel = channel;
      this.size = channel.size();
    }

    ModelFile read() throws IOException {
      ByteBuffer prefix = readAt(0, (int) Math.min(PREFIX, size));
      byte[] magic = new byte[Math.min(MAGIC.length, prefix.remaining())];
      prefix.get(magic);
      if (!Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length))) {
        throw fail(
            "not a quantgen model file: the magic is " + hex(magic) + ", expected " + hex(MAGIC));
      }
      if (size < PREFIX) {
        throw fail(
            "truncated: " + size + " bytes, expected at least " + PREFIX + " for the file prefix");
      }
      int version = prefix.getInt();
      if (version != VERSION) {
        throw fail(
            "unsupported format version "
                + Integer.toUnsignedString(version)
                + ", this reader supports "
                + VERSION);
      }
      long headerLength = Integer.toUnsignedLong(prefix.getInt());
      if (headerLength > MAX_HEADER_BYTES) {
        throw fail(
            "corrupt: header length "
                + headerLength
                + " exceeds the limit of "
                + MAX_HEADER_BYTES
                + " bytes");
      }
      if (PREFIX + headerLength + 4 > size) {
        throw fail(
            "truncated: the header needs "
                + (PREFIX + headerLength + 4)
                + " bytes, the file has "
                + size);
      }
      ByteBuffer header = readAt(PREFIX, (int) headerLength + 4);
      CRC32C crc = new CRC32C();
      crc.update(prefix.flip());
      crc.update(header.slice(0, (int) headerLength));
      long storedCrc = Integer.toUnsignedLong(header.getInt((int) headerLength));
      if (crc.getValue() != storedCrc) {
        throw fail(
            "corrupt header: CRC-32C is "
                + Long.toHexString(crc.getValue())
                + ", the file says "
                + Long.toHexString(storedCrc));
      }
      try {
        return parse(header.limit((int) headerLength), PREFIX + headerLength + 4);
      } catch (BufferUnderflowException e) {
        throw fail(
            "corrupt header: it ends before its declared fields (a valid checksum, so written wrongly)");
      }
    }

    private ModelFile parse(ByteBuffer h, long headerEnd) throws IOException {
      ModelFile.Builder model = ModelFile.builder();
      long metadataCount = Integer.toUnsignedLong(h.getInt());
      checkCount(metadataCount, 8, h, "metadata entries");
      for (long i = 0; i < metadataCount; i++) {
        String key = string(h, "metadata key");
        String value = string(h, "metadata value of '" + key + "'");
        try {
          model.metadata(key, value);
        } catch (IllegalArgumentException e) {
          throw fail("corrupt header: " + e.getMessage());
        }
      }
      long tensorCount = Integer.toUnsignedLong(h.getInt());
      checkCount(tensorCount, 4 + 2 + 16, h, "tensors");
      List<Entry> entries = new ArrayList<>();
      for (long i = 0; i < tensorCount; i++) {
        entries.add(entry(h));
      }
      long dataLength = h.getLong();
      if (h.hasRemaining()) {
        throw fail("corrupt header: " + h.remaining() + " bytes after the last field");
      }
      long dataStart = align(headerEnd);
      if (dataLength < 0 || dataLength > Integer.MAX_VALUE) {
        throw fail(
            "corrupt header: data length "
                + Long.toUnsignedString(dataLength)
                + " is out of range");
      }
      long expectedSize = dataStart + dataLength + 8;
      if (size < expectedSize) {
        throw fail("truncated: " + size + " bytes, expected " + expectedSize);
      }
      if (size > expectedSize) {
        throw fail(
            "corrupt: "
                + (size - expectedSize)
                + " unexpected bytes after the end (expected "
                + expectedSize
                + " bytes)");
      }
      if (expectedSize > Integer.MAX_VALUE - 8) {
        throw fail(size + " bytes: larger than this reader supports (2^31 - 9)");
      }
      checkLayout(entries, dataLength);
      // Every size is now known to match the file's real length: reading it whole is safe.
      ByteBuffer all = readAt(0, (int) size);
      CRC32C crc = new CRC32C();
      crc.update(all.slice(0, (int) (dataStart + dataLength)));
      long storedCrc = Integer.toUnsignedLong(all.getInt((int) (dataStart + dataLength)));
      if (crc.getValue() != storedCrc) {
        throw fail(
            "corrupt data: CRC-32C is "
                + Long.toHexString(crc.getValue())
                + ", the file says "
                + Long.toHexString(storedCrc));
      }
      byte[] end = new byte[END_MAGIC.length];
      all.get((int) (dataStart + dataLength + 4), end);
      if (!Arrays.equals(end, END_MAGIC)) {
        throw fail("corrupt: the end magic is " + hex(end) + ", expected " + hex(END_MAGIC));
      }
      for (Entry e : entries) {
        byte[] data = new byte[(int) e.length];
        all.get((int) (dataStart + e.offset), data);
        String problem = ModelTensor.paddingProblem(e.type, e.shape, ByteBuffer.wrap(data));
        if (problem != null) {
          throw fail("corrupt tensor '" + e.name + "': " + problem);
        }
        try {
          model.tensor(ModelTensor.stored(e.name, e.type, e.shape, data));
        } catch (IllegalArgumentException duplicate) { // two header entries of one name
          throw fail("corrupt header: " + duplicate.getMessage());
        }
      }
      return model.build();
    }

    private record Entry(String name, TensorType type, Shape shape, long offset, long length) {}

    private Entry entry(ByteBuffer h) throws ModelFileException {
      String name = string(h, "tensor name");
      if (name.isEmpty()) {
        throw fail("corrupt header: an empty tensor name");
      }
      int code = h.get() & 0xff;
      TensorType type = TensorType.fromCode(code);
      if (type == null) {
        throw fail(
            "tensor '" + name + "': unknown type code " + code + " (written by a newer version?)");
      }
      int rank = h.get() & 0xff;
      if (rank > MAX_RANK) {
        throw fail(
            "corrupt header: tensor '"
                + name
                + "' has rank "
                + rank
                + ", expected at most "
                + MAX_RANK);
      }
      int[] dims = new int[rank];
      long count = 1;
      for (int d = 0; d < rank; d++) {
        long dim = Integer.toUnsignedLong(h.getInt());
        count *= dim; // each factor < 2^32 and the running product stays < 2^31 below: no overflow
        if (dim > Integer.MAX_VALUE || count > Integer.MAX_VALUE - 8) {
          throw fail("corrupt header: tensor '" + name + "' claims more than 2^31 - 9 elements");
        }
        dims[d] = (int) dim;
      }
      Shape shape = Shape.of(dims);
      long offset = h.getLong();
      long length = h.getLong();
      if (length != type.storageBytes(shape)) {
        throw fail(
            "corrupt header: tensor '"
                + name
                + "' ("
                + type
                + ", shape "
                + shape
                + ") has "
                + Long.toUnsignedString(length)
                + " bytes, expected "
                + type.storageBytes(shape));
      }
      return new Entry(name, type, shape, offset, length);
    }

    /** Offsets aligned, inside the data section and not overlapping. */
    private void checkLayout(List<Entry> entries, long dataLength) throws ModelFileException {
      List<Entry> sorted = new ArrayList<>(entries);
      for (Entry e : sorted) {
        if (e.offset < 0 || e.offset % ALIGNMENT != 0 || e.offset > dataLength - e.length) {
          throw fail(
              "corrupt header: tensor '"
                  + e.name
                  + "' at offset "
                  + Long.toUnsignedString(e.offset)
                  + " with "
                  + e.length
                  + " bytes does not fit the "
                  + dataLength
                  + "-byte data section aligned to "
                  + ALIGNMENT);
        }
      }
      sorted.sort(Comparator.comparingLong(Entry::offset));
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i - 1).offset + sorted.get(i - 1).length > sorted.get(i).offset) {
          throw fail(
              "corrupt header: tensors '"
                  + sorted.get(i - 1).name
                  + "' and '"
                  + sorted.get(i).name
                  + "' overlap");
        }
      }
    }

    /** A count read from the header cannot exceed what the rest of the header could hold. */
    private void checkCount(long count, int minEntryBytes, ByteBuffer h, String what)
        throws ModelFileException {
      if (count > h.remaining() / minEntryBytes) {
        throw fail(
            "corrupt header: "
                + count
                + " "
                + what
                + " cannot fit the "
                + h.remaining()
                + " header bytes left");
      }
    }

    private String string(ByteBuffer h, String what) throws ModelFileException {
      long length = Integer.toUnsignedLong(h.getInt());
      if (length > h.remaining()) {
        throw fail(
            "corrupt header: "
                + what
                + " claims "
                + length
                + " bytes, "
                + h.remaining()
                + " are left");
      }
      ByteBuffer bytes = h.slice(h.position(), (int) length);
      h.position(h.position() + (int) length);
      try {
        return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
      } catch (CharacterCodingException e) {
        throw fail("corrupt header: " + what + " is not valid UTF-8");
      }
    }

    private ByteBuffer readAt(long offset, int length) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (channel.read(b, offset + b.position()) < 0) {
          throw fail("truncated while reading " + length + " bytes at offset " + offset);
        }
      }
      return b.flip();
    }

    private ModelFileException fail(String problem) {
      return new ModelFileException(file + ": " + problem);
    }
  }

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", x & 0xff));
    }
    return s.toString();
  }
}
