package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.io.AtomicFiles;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes float32 tensors in NumPy's formats: {@code .npy} (format 1.0, one array, {@code <f4}, C
 * order) and {@code .npz} (a zip of {@code NAME.npy} entries, as {@code numpy.savez} writes). Files
 * are written atomically (temporary file, then a move) and hold no timestamp, so equal tensors give
 * equal bytes.
 */
public final class NpyWriter {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** The header is padded so that the data starts at a multiple of 64 bytes, as NumPy does. */
  private static final int ALIGNMENT = 64;

  /**
   * The earliest time a zip entry can hold, in local (DOS) time: fixed, so output is reproducible.
   */
  private static final LocalDateTime ZIP_EPOCH = LocalDateTime.of(1980, 1, 1, 0, 0);

  private NpyWriter() {}

  /** Writes one float32 array as a {@code .npy} file. */
  public static void writeNpy(Path file, FloatTensor tensor) throws IOException {
    AtomicFiles.write(file, out -> out.write(toNpyBytes(tensor)));
  }

  /**
   * Writes named float32 arrays as an {@code .npz} file, entries in the map's iteration order.
   *
   * @param compress deflate the entries ({@code numpy.savez_compressed}) or store them ({@code
   *     numpy.savez})
   */
  public static void writeNpz(Path file, Map<String, FloatTensor> tensors, boolean compress)
      throws IOException {
    AtomicFiles.write(file, out -> writeNpz(out, tensors, compress));
  }

  private static void writeNpz(OutputStream out, Map<String, FloatTensor> tensors, boolean compress)
      throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    zip.setLevel(9);
    for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
      byte[] npy = toNpyBytes(e.getValue());
      ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
      entry.setTimeLocal(ZIP_EPOCH);
      if (compress) {
        entry.setMethod(ZipEntry.DEFLATED);
      } else {
        CRC32 crc = new CRC32();
        crc.update(npy);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(npy.length);
        entry.setCompressedSize(npy.length);
        entry.setCrc(crc.getValue());
      }
      zip.putNextEntry(entry);
      zip.write(npy);
      zip.closeEntry();
    }
    zip.finish(); // not close(): the caller owns and closes the underlying stream
  }

  /**
   * The complete {@code .npy} encoding, format 1.0.
   *
   * @throws IllegalArgumentException if the header would exceed NumPy's default read limit of
   *     10,000 bytes (a rank in the thousands), which NumPy and {@link WeightSource} would refuse
   */
  static byte[] toNpyBytes(FloatTensor tensor) {
    int[] dims = tensor.shape().dims();
    StringJoiner shape =
        new StringJoiner(", ", "(", dims.length == 1 ? ",)" : ")"); // Python's 1-tuple: (3,)
    for (int d : dims) {
      shape.add(Integer.toString(d));
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    byte[] dictBytes = dict.getBytes(StandardCharsets.US_ASCII);
    int prefix = MAGIC.length + 2 + 2;
    int headerLength =
        roundUp(prefix + dictBytes.length + 1, ALIGNMENT) - prefix; // + 1 for the final '\n'
    if (headerLength > NpyHeader.MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "tensor of rank "
              + dims.length
              + ": its .npy header needs "
              + headerLength
              + " bytes, expected at most "
              + NpyHeader.MAX_HEADER_BYTES);
    }
    ByteBuffer buf =
        ByteBuffer.allocate(prefix + headerLength + 4 * tensor.size())
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLength).put(dictBytes);
    for (int i = dictBytes.length; i < headerLength - 1; i++) {
      buf.put((byte) ' ');
    }
    buf.put((byte) '\n');
    buf.asFloatBuffer()
        .put(tensor.toArray()); // a bulk copy: keeps every bit, NaN payloads included
    return buf.array();
  }

  private static int roundUp(int n, int multiple) {
    return (n + multiple - 1) / multiple * multiple;
  }
}
