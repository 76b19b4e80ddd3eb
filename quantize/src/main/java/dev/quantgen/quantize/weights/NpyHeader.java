package dev.quantgen.quantize.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a NumPy {@code .npy} array: magic {@code \x93NUMPY}, format version 1.0 (2-byte
 * header length), 2.0 or 3.0 (4-byte length; 3.0 allows UTF-8), then a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}.
 *
 * <p>The dict is parsed by a small strict parser of exactly that literal syntax (strings, {@code
 * True} / {@code False}, tuples of integers) rather than by evaluating Python; NumPy accepts the
 * same set.
 */
final class NpyHeader {
  /**
   * NumPy's own default limit on the header ({@code max_header_size}); larger is refused before
   * reading.
   */
  static final int MAX_HEADER_BYTES = 10_000;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  final DType type;
  final boolean bigEndian;
  final long[] dims;
  final int elementCount;

  /** Bytes from the start of the array to its data. */
  final long dataOffset;

  private NpyHeader(DType type, boolean bigEndian, long[] dims, int elementCount, long dataOffset) {
    this.type = type;
    this.bigEndian = bigEndian;
    this.dims = dims;
    this.elementCount = elementCount;
    this.dataOffset = dataOffset;
  }

  long dataBytes() {
    return (long) elementCount * type.bytes();
  }

  /**
   * Reads and checks the header at the start of {@code in}.
   *
   * @param available the number of bytes the array holds (file or zip entry length): the header and
   *     the data it announces must fit, checked before anything of that size is allocated
   * @param where names the array in messages: {@code "file.npy"} or {@code "file.npz, entry
   *     'x.npy'"}
   */
  static NpyHeader read(InputStream in, long available, String where) throws IOException {
    byte[] prefix = in.readNBytes(MAGIC.length + 2);
    if (prefix.length < MAGIC.length + 2) {
      throw new WeightFormatException(
          where
              + ": truncated: "
              + prefix.length
              + " bytes, expected at least 8 for"
              + " the .npy magic and version");
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (prefix[i] != MAGIC[i]) {
        throw new WeightFormatException(
            where
                + ": not a .npy array: magic is "
                + hex(prefix, MAGIC.length)
                + ", expected 93 4e 55 4d 50 59 (\\x93NUMPY)");
      }
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    if (major < 1 || major > 3 || minor != 0) {
      throw new WeightFormatException(
          where
              + ": .npy format version "
              + major
              + "."
              + minor
              + " is not supported, expected 1.0, 2.0 or 3.0");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] len = in.readNBytes(lengthBytes);
    if (len.length < lengthBytes) {
      throw new WeightFormatException(where + ": truncated in the header length field");
    }
    long headerLength = 0;
    for (int i = lengthBytes - 1; i >= 0; i--) {
      headerLength = headerLength << 8 | (len[i] & 0xff); // little-endian
    }
    long prefixLength = (long) MAGIC.length + 2 + lengthBytes;
    if (headerLength > MAX_HEADER_BYTES) {
      throw new WeightFormatException(
          where
              + ": header length is "
              + headerLength
              + " bytes, expected at most "
              + MAX_HEADER_BYTES);
    }
    if (prefixLength + headerLength > available) {
      throw new WeightFormatException(
          where
              + ": truncated: the header claims "
              + headerLength
              + " bytes but only "
              + Math.max(0, available - prefixLength)
              + " follow");
    }
    byte[] headerBytes = in.readNBytes((int) headerLength);
    if (headerBytes.length < headerLength) {
      throw new WeightFormatException(
          where
              + ": truncated: header has "
              + headerBytes.length
              + " of "
              + headerLength
              + " bytes");
    }
    String text;
    try {
      text =
          (major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1)
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(headerBytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new WeightFormatException(where + ": header is not valid UTF-8", e);
    }
    NpyHeader header = new DictParser(text, where).parseHeader(prefixLength + headerLength);
    if (header.dataOffset + header.dataBytes() > Integer.MAX_VALUE - 8) {
      throw new WeightFormatException(
          where
              + ": shape "
              + java.util.Arrays.toString(header.dims)
              + " of "
              + header.type
              + " needs "
              + header.dataBytes()
              + " bytes, expected at most 2^31 - 9 per tensor");
    }
    long end = header.dataOffset + header.dataBytes();
    if (end != available) {
      throw new WeightFormatException(
          where
              + ": "
              + (end > available ? "truncated" : "trailing bytes")
              + ": shape "
              + java.util.Arrays.toString(header.dims)
              + " of "
              + header.type
              + " needs "
              + header.dataBytes()
              + " data bytes, found "
              + (available - header.dataOffset));
    }
    return header;
  }

  private static String hex(byte[] b, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(String.format("%02x", b[i] & 0xff));
    }
    return s.toString();
  }

  /** Parses the header dict literal; every error names the position and what was expected. */
  private static final class DictParser {
    private final String s;
    private final String where;
    private int pos;

    DictParser(String s, String where) {
      this.s = s;
      this.where = where;
    }

    NpyHeader parseHeader(long dataOffset) throws WeightFormatException {
      String descr = null;
      Boolean fortran = null;
      long[] dims = null;
      expect('{');
      while (!peek('}')) {
        String key = string();
        expect(':');
        switch (key) {
          case "descr" -> descr = descr == null ? string() : fail("a single 'descr'");
          case "fortran_order" ->
              fortran = fortran == null ? bool() : fail("a single 'fortran_order'");
          case "shape" -> dims = dims == null ? tuple() : fail("a single 'shape'");
          default -> fail("only the keys 'descr', 'fortran_order' and 'shape', not '" + key + "'");
        }
        if (!peek('}')) {
          expect(',');
        }
      }
      expect('}');
      skipSpace();
      if (pos != s.length()) {
        fail("the end of the header after the dict");
      }
      if (descr == null || fortran == null || dims == null) {
        throw new WeightFormatException(
            where
                + ": header "
                + s.trim()
                + " lacks "
                + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'"));
      }
      if (fortran) {
        throw new WeightFormatException(
            where
                + ": fortran_order is True; only C order is supported"
                + " (save numpy.ascontiguousarray(a) instead)");
      }
      int count = TensorIndex.elementCount(dims, where);
      return new NpyHeader(dtype(descr), descr.charAt(0) == '>', dims, count, dataOffset);
    }

    private DType dtype(String descr) throws WeightFormatException {
      String code =
          descr.length() == 3 && "<>|".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : "";
      DType type =
          switch (code) {
            case "f2" -> DType.FLOAT16;
            case "f4" -> DType.FLOAT32;
            case "f8" -> DType.FLOAT64;
            case "b1" -> DType.BOOL;
            case "i1" -> DType.INT8;
            case "u1" -> DType.UINT8;
            case "i2" -> DType.INT16;
            case "u2" -> DType.UINT16;
            case "i4" -> DType.INT32;
            case "i8" -> DType.INT64;
            default -> null;
          };
      if (type == null) {
        throw new WeightFormatException(
            where
                + ": dtype '"
                + descr
                + "' is not supported, expected one of"
                + " <f2 <f4 <f8 |b1 |i1 |u1 <i2 <u2 <i4 <i8 (or big-endian >)");
      }
      return type;
    }

    @SuppressWarnings(
        "TypeParameterUnusedInFormals") // always throws; typed so `return fail(...)` fits any parse
    // method
    private <T> T fail(String expected) throws WeightFormatException {
      throw new WeightFormatException(
          where + ": header " + s.trim() + ": at offset " + pos + " expected " + expected);
    }

    private void skipSpace() {
      while (pos < s.length()
          && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t')) {
        pos++;
      }
    }

    private boolean peek(char c) {
      skipSpace();
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) throws WeightFormatException {
      if (!peek(c)) {
        fail("'" + c + "'");
      }
      pos++;
    }

    private String string() throws WeightFormatException {
      skipSpace();
      char quote = pos < s.length() ? s.charAt(pos) : 0;
      if (quote != '\'' && quote != '"') {
        fail("a quoted string");
      }
      int end = s.indexOf(quote, pos + 1);
      if (end < 0) {
        fail("a closing " + quote);
      }
      String value = s.substring(pos + 1, end);
      if (value.indexOf('\\') >= 0) {
        fail("a string without escapes"); // no key or dtype NumPy writes needs one
      }
      pos = end + 1;
      return value;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    private boolean bool() throws WeightFormatException {
      skipSpace();
      if (s.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      return fail("True or False");
    }

    private long[] tuple() throws WeightFormatException {
      expect('(');
      List<Long> dims = new ArrayList<>();
      while (!peek(')')) {
        dims.add(integer());
        if (!peek(')')) {
          expect(',');
        }
      }
      expect(')');
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() throws WeightFormatException {
      skipSpace();
      int start = pos;
      while (pos < s.length() && isDigit(s.charAt(pos)) && pos - start < 18) {
        pos++;
      }
      if (pos == start || (pos < s.length() && isDigit(s.charAt(pos)))) {
        fail("a non-negative integer dimension of at most 18 digits");
      }
      long value = Long.parseLong(s.substring(start, pos));
      if (pos < s.length() && s.charAt(pos) == 'L') {
        pos++; // Python 2 wrote long integers as 3L
      }
      return value;
    }
  }
}
