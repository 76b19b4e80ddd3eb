package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file: an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8
 * JSON ({@code {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}}), then the little-endian data, offsets relative to its start.
 *
 * <p>Everything is validated when the file opens, before tensor data is read: the header length
 * against the file length (and the reference implementation's 100 MB limit), each tensor's byte
 * range against the data length and against its dtype and shape, and that no two tensors overlap.
 */
final class SafetensorsFile implements WeightSource {
  /** The reference implementation's limit on the header. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  private final Path file;
  private final FileChannel channel;
  private final TensorIndex index;
  private final WeightOptions options;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path file,
      FileChannel channel,
      TensorIndex index,
      Map<String, String> metadata,
      WeightOptions options) {
    this.options = options;
    this.file = file;
    this.channel = channel;
    this.index = index;
    this.metadata = metadata;
  }

  static SafetensorsFile open(Path file) throws IOException {
    return open(file, WeightOptions.defaults());
  }

  static SafetensorsFile open(Path file, WeightOptions options) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    try {
      long fileLength = channel.size();
      if (fileLength < 8) {
        throw new WeightFormatException(
            file
                + ": truncated: "
                + fileLength
                + " bytes, expected at least 8 for the"
                + " safetensors header length");
      }
      long headerLength = FileRanges.read(channel, 0, 8, file.toString()).getLong();
      if (headerLength < 2 || headerLength > fileLength - 8 || headerLength > MAX_HEADER_BYTES) {
        throw new WeightFormatException(
            file
                + ": safetensors header length is "
                + Long.toUnsignedString(headerLength)
                + " bytes, expected 2.."
                + Math.min(fileLength - 8, MAX_HEADER_BYTES)
                + " (the file has "
                + fileLength
                + " bytes)");
      }
      ByteBuffer headerBytes = FileRanges.read(channel, 8, (int) headerLength, file.toString());
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder().decode(headerBytes).toString();
      } catch (CharacterCodingException e) {
        throw new WeightFormatException(file + ": safetensors header is not valid UTF-8", e);
      }
      Object json = Json.parse(text, file + ": safetensors header");
      if (!(json instanceof Map<?, ?> top)) {
        throw new WeightFormatException(file + ": safetensors header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataLength = fileLength - dataStart;
      TensorIndex index = new TensorIndex(file);
      Map<String, String> metadata = Map.of();
      List<TensorEntry> entries = new ArrayList<>();
      for (Map.Entry<?, ?> e : top.entrySet()) {
        String name = (String) e.getKey();
        if (name.equals("__metadata__")) {
          metadata = metadata(file, e.getValue());
          continue;
        }
        TensorEntry entry = tensor(file, name, e.getValue(), dataStart, dataLength);
        entries.add(entry);
        index.add(entry);
      }
      checkNoOverlap(file, entries);
      return new SafetensorsFile(file, channel, index, metadata, options);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static Map<String, String> metadata(Path file, Object value)
      throws WeightFormatException {
    if (!(value instanceof Map<?, ?> map)) {
      throw new WeightFormatException(
          file + ": __metadata__ is " + value + ", expected an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getValue() instanceof String v)) {
        throw new WeightFormatException(
            file
                + ": __metadata__ '"
                + e.getKey()
                + "' is "
                + e.getValue()
                + ", expected a string");
      }
      out.put((String) e.getKey(), v);
    }
    return Collections.unmodifiableMap(out);
  }

  private static TensorEntry tensor(
      Path file, String name, Object value, long dataStart, long dataLength)
      throws WeightFormatException {
    String where = file + ", tensor '" + name + "'";
    if (!(value instanceof Map<?, ?> info)) {
      throw new WeightFormatException(
          where + ": is " + value + ", expected an object with dtype, shape, data_offsets");
    }
    for (Object key : info.keySet()) {
      if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
        throw new WeightFormatException(
            where + ": unknown field '" + key + "', expected dtype, shape, data_offsets");
      }
    }
    DType type = dtype(where, info.get("dtype"));
    long[] dims = integers(where, "shape", info.get("shape"), -1);
    long[] offsets = integers(where, "data_offsets", info.get("data_offsets"), 2);
    int count = TensorIndex.elementCount(dims, where);
    long bytes = (long) count * type.bytes();
    if (offsets[0] > offsets[1] || offsets[1] > dataLength) {
      throw new WeightFormatException(
          where
              + ": data_offsets ["
              + offsets[0]
              + ", "
              + offsets[1]
              + "] expected begin <= end <= "
              + dataLength
              + " (the data section's length)");
    }
    if (offsets[1] - offsets[0] != bytes) {
      throw new WeightFormatException(
          where
              + ": data_offsets ["
              + offsets[0]
              + ", "
              + offsets[1]
              + "] span "
              + (offsets[1] - offsets[0])
              + " bytes, expected "
              + bytes
              + " for shape "
              + java.util.Arrays.toString(dims)
              + " of "
              + info.get("dtype"));
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new WeightFormatException(
          where + ": " + bytes + " bytes, expected at most 2^31 - 9 per tensor");
    }
    return new TensorEntry(
        name, type, TensorIndex.shapeOf(dims), dataStart + offsets[0], bytes, false);
  }

  private static DType dtype(String where, Object value) throws WeightFormatException {
    DType type =
        value instanceof String s
            ? switch (s) {
              case "F16" -> DType.FLOAT16;
              case "BF16" -> DType.BFLOAT16;
              case "F32" -> DType.FLOAT32;
              case "F64" -> DType.FLOAT64;
              case "BOOL" -> DType.BOOL;
              case "I8" -> DType.INT8;
              case "U8" -> DType.UINT8;
              case "I16" -> DType.INT16;
              case "U16" -> DType.UINT16;
              case "I32" -> DType.INT32;
              case "I64" -> DType.INT64;
              default -> null;
            }
            : null;
    if (type == null) {
      throw new WeightFormatException(
          where
              + ": dtype is "
              + (value == null ? "missing" : value)
              + ", expected one of F16 BF16 F32 F64 BOOL I8 U8 I16 U16 I32 I64");
    }
    return type;
  }

  /** A JSON array of non-negative integers, of {@code length} elements (any when negative). */
  private static long[] integers(String where, String field, Object value, int length)
      throws WeightFormatException {
    if (!(value instanceof List<?> list) || (length >= 0 && list.size() != length)) {
      throw new WeightFormatException(
          where
              + ": "
              + field
              + " is "
              + (value == null ? "missing" : value)
              + ", expected an array of "
              + (length >= 0 ? length + " " : "")
              + "non-negative integers");
    }
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Long v) || v < 0) {
        throw new WeightFormatException(
            where
                + ": "
                + field
                + "["
                + i
                + "] is "
                + list.get(i)
                + ", expected a non-negative integer");
      }
      out[i] = v;
    }
    return out;
  }

  private static void checkNoOverlap(Path file, List<TensorEntry> entries)
      throws WeightFormatException {
    List<TensorEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(TensorEntry::offset));
    for (int i = 1; i < sorted.size(); i++) {
      TensorEntry a = sorted.get(i - 1);
      TensorEntry b = sorted.get(i);
      if (a.offset() + a.byteLength() > b.offset()) {
        throw new WeightFormatException(
            file
                + ": tensors '"
                + a.name()
                + "' and '"
                + b.name()
                + "' overlap, expected disjoint data_offsets");
      }
    }
  }

  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public Path file() {
    return file;
  }

  @Override
  public List<String> names() {
    return index.names();
  }

  @Override
  public boolean contains(String name) {
    return index.contains(name);
  }

  @Override
  public Shape shape(String name) throws WeightFormatException {
    return index.shape(name);
  }

  @Override
  public DType dtype(String name) throws WeightFormatException {
    return index.dtype(name);
  }

  @Override
  public FloatTensor get(String name) throws IOException {
    TensorEntry e = index.get(name);
    options.check(file, name, e.type());
    ByteBuffer data =
        FileRanges.read(
            channel, e.offset(), (int) e.byteLength(), file + ", tensor '" + name + "'");
    return FloatTensor.of(e.shape(), e.type().toFloats(data, e.shape().size()));
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
