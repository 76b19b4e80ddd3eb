package dev.quantgen.spark;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The unsigned bytes of a gzipped IDX file (MNIST, Fashion-MNIST): a big-endian header, magic
 * {@code 0x00000803} and count, rows, cols for images, {@code 0x00000801} and count for labels,
 * then the data. The converter reads it itself so the job jar needs nothing of quantgen but the
 * runtime.
 *
 * @param count images or labels in the file
 * @param itemSize bytes per item: rows * cols for images, 1 for labels
 * @param data {@code count * itemSize} bytes
 */
record IdxFile(int count, int itemSize, byte[] data) {
  static final int IMAGES = 0x0000_0803;
  static final int LABELS = 0x0000_0801;

  /** The most data one Java array holds. */
  static final int MAX_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Reads {@code file}, expecting the {@code magic} of images or labels.
   *
   * @throws IOException naming the file: not gzip, another magic, a size past 2^31 - 9 bytes, or
   *     fewer bytes than the header claims (checked as the data arrives, never allocated up front)
   */
  static IdxFile read(Path file, int magic) throws IOException {
    try (DataInputStream in =
        new DataInputStream(
            new GZIPInputStream(new BufferedInputStream(Files.newInputStream(file)), 1 << 16))) {
      int actual = in.readInt();
      if (actual != magic) {
        throw new IOException(
            file
                + ": magic is 0x"
                + Integer.toHexString(actual)
                + ", expected 0x"
                + Integer.toHexString(magic)
                + (magic == IMAGES ? " (images)" : " (labels)"));
      }
      int count = in.readInt();
      long itemSize = 1;
      for (int d = 0; d < (magic == IMAGES ? 2 : 0) && count >= 0; d++) {
        int dimension = in.readInt();
        itemSize = dimension < 0 ? -1 : itemSize * dimension;
        if (itemSize < 0 || itemSize > MAX_BYTES) {
          break;
        }
      }
      if (count < 0
          || itemSize < 0
          || itemSize > MAX_BYTES
          || (itemSize > 0 && count > MAX_BYTES / itemSize)) {
        throw new IOException(
            file
                + ": header claims "
                + count
                + " items of "
                + itemSize
                + " bytes, expected"
                + " non-negative sizes and at most "
                + MAX_BYTES
                + " bytes in all");
      }
      long size = count * itemSize;
      byte[] data =
          in.readNBytes((int) size); // grows as bytes arrive: a lying header allocates nothing
      if (data.length != size) {
        throw new IOException(
            file
                + ": truncated, "
                + data.length
                + " bytes of data after the header, expected "
                + size);
      }
      return new IdxFile(count, (int) itemSize, data);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated header", e);
    } catch (ZipException e) {
      throw new IOException(file + ": " + e.getMessage() + ", expected a gzipped IDX file", e);
    }
  }
}
