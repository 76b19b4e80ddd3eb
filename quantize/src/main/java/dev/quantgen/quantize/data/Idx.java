package dev.quantgen.quantize.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reads and writes the IDX files of MNIST and Fashion-MNIST: a big-endian header (magic {@code
 * 0x00000803} for images, {@code 0x00000801} for labels, then one int32 per dimension) and unsigned
 * bytes. Files may be gzipped; that is detected from the content, not the file name.
 *
 * <p>Every size in a header is checked before anything of that size is allocated: against the file
 * length for a raw file, and by reading in bounded chunks for a gzipped one (whose uncompressed
 * length is unknown up front), so a corrupt header fails with a clear message instead of an {@code
 * OutOfMemoryError}. Images must have at least one row and one column (a header claiming two
 * billion images of 0x0 holds no data to check it against, and would still cost an array per image
 * downstream).
 *
 * <p>The readers stream: {@link #readImages(Path, int)} and {@link #readLabels(Path, int)} read the
 * first {@code limit} items and stop, so a small gzip file that expands to gigabytes costs only
 * what was asked for. At most {@link #MAX_ELEMENTS} values are read in one call; a file claiming
 * more must be read with a limit. Reading with a limit below the header's count checks a raw file's
 * length in full but does not inflate the rest of a gzipped one.
 */
public final class Idx {
  /** Magic of an unsigned-byte, 3-dimensional file (images). */
  public static final int IMAGES_MAGIC = 0x0000_0803;

  /** Magic of an unsigned-byte, 1-dimensional file (labels). */
  public static final int LABELS_MAGIC = 0x0000_0801;

  /**
   * The most values (pixels or labels) one read returns: 2^28, 256 MiB as bytes and 1 GiB once
   * converted to floats, five times the 47 million pixels of the MNIST training set.
   */
  public static final long MAX_ELEMENTS = 1L << 28;

  private static final int GZIP_MAGIC = 0x8b1f;

  private Idx() {}

  /**
   * Reads an IDX image file ({@code 0x803}: count, rows, cols).
   *
   * @throws DataFormatException naming the file and the field if the header is invalid, claims more
   *     than {@link #MAX_ELEMENTS} pixels, or the data does not match it
   */
  public static ImageSet readImages(Path file) throws IOException {
    return readImages(file, Integer.MAX_VALUE);
  }

  /**
   * Reads the first {@code limit} images of an IDX image file (all of them when it holds fewer);
   * the rest of the file is not converted or kept.
   *
   * @throws IllegalArgumentException if {@code limit < 0}
   * @throws DataFormatException as {@link #readImages(Path)}, counting only the images read against
   *     {@link #MAX_ELEMENTS}
   */
  public static ImageSet readImages(Path file, int limit) throws IOException {
    int[] dims = new int[3];
    byte[] pixels = read(file, IMAGES_MAGIC, dims, limit);
    return ImageSet.wrap(pixels.length / (dims[1] * dims[2]), dims[1], dims[2], pixels);
  }

  /** Reads an IDX label file ({@code 0x801}: count). */
  public static Labels readLabels(Path file) throws IOException {
    return readLabels(file, Integer.MAX_VALUE);
  }

  /**
   * Reads the first {@code limit} labels of an IDX label file (all of them when it holds fewer).
   *
   * @throws IllegalArgumentException if {@code limit < 0}
   */
  public static Labels readLabels(Path file, int limit) throws IOException {
    return Labels.wrap(read(file, LABELS_MAGIC, new int[1], limit));
  }

  /** Writes images as a gzipped IDX file. */
  public static void writeImagesGz(ImageSet images, Path file) throws IOException {
    write(
        file, IMAGES_MAGIC, new int[] {images.count(), images.rows(), images.cols()}, images.raw());
  }

  /** Writes labels as a gzipped IDX file. */
  public static void writeLabelsGz(Labels labels, Path file) throws IOException {
    write(file, LABELS_MAGIC, new int[] {labels.count()}, labels.raw());
  }

  /**
   * The data of the first {@code limit} items (dimension 0) of an IDX file; {@code dims} receives
   * the header's dimensions as stored.
   */
  private static byte[] read(Path file, int expectedMagic, int[] dims, int limit)
      throws IOException {
    if (limit < 0) {
      throw new IllegalArgumentException("limit is " + limit + ", expected >= 0");
    }
    long fileLength = Files.size(file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      boolean gzipped = (raw.read() | raw.read() << 8) == GZIP_MAGIC;
      raw.reset();
      InputStream in = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw;
      String kind = expectedMagic == IMAGES_MAGIC ? "images" : "labels";
      int magic = readHeaderInt(in, file, "magic");
      if (magic != expectedMagic) {
        throw new DataFormatException(
            file
                + ": magic is 0x"
                + Integer.toHexString(magic)
                + ", expected 0x"
                + Integer.toHexString(expectedMagic)
                + " ("
                + kind
                + ": unsigned bytes, "
                + dims.length
                + " dimensions)");
      }
      String[] fields =
          dims.length == 3
              ? new String[] {"image count", "rows", "columns"}
              : new String[] {"label count"};
      long itemSize = 1; // bytes per image or label
      for (int i = 0; i < dims.length; i++) {
        dims[i] = readHeaderInt(in, file, "dimension " + i);
        int min = i == 0 ? 0 : 1;
        if (dims[i] < min) {
          throw new DataFormatException(
              file
                  + ": dimension "
                  + i
                  + " ("
                  + fields[i]
                  + ") is "
                  + dims[i]
                  + ", expected >= "
                  + min);
        }
        if (i > 0) {
          itemSize *= dims[i]; // two factors below 2^31: no overflow
        }
      }
      long items = Math.min(dims[0], limit);
      // itemSize is checked first, so the product (below 2^31 * 2^28) cannot overflow.
      if (itemSize > MAX_ELEMENTS || items * itemSize > MAX_ELEMENTS) {
        throw new DataFormatException(
            file
                + ": header claims "
                + dims[0]
                + " "
                + kind
                + (dims.length == 3 ? " of " + dims[1] + "x" + dims[2] : "")
                + "; reading "
                + items
                + " of them means "
                + (itemSize > MAX_ELEMENTS
                    ? "more than " + MAX_ELEMENTS
                    : Long.toString(items * itemSize))
                + " values, expected at most Idx.MAX_ELEMENTS = "
                + MAX_ELEMENTS
                + " (read fewer)");
      }
      int size = (int) (items * itemSize);
      long headerLength = 4L + 4L * dims.length;
      if (!gzipped && fileLength != headerLength + dims[0] * itemSize) {
        throw new DataFormatException(
            file
                + ": file length is "
                + fileLength
                + " bytes, expected "
                + headerLength
                + " header bytes + "
                + dims[0]
                + " x "
                + itemSize
                + " = "
                + dims[0] * itemSize
                + " data bytes = "
                + (headerLength + dims[0] * itemSize));
      }
      // readNBytes grows its buffer chunk by chunk, so a lying gzipped header cannot force a huge
      // allocation.
      byte[] data = in.readNBytes(size);
      if (data.length != size) {
        throw new DataFormatException(
            file + ": truncated: data holds " + data.length + " bytes, expected " + size);
      }
      if (items == dims[0] && in.read() != -1) {
        throw new DataFormatException(
            file + ": trailing bytes after the " + size + " data bytes the header claims");
      }
      return data;
    } catch (java.util.zip.ZipException e) {
      throw new DataFormatException(file + ": corrupt gzip stream: " + e.getMessage(), e);
    } catch (EOFException e) {
      throw new DataFormatException(file + ": truncated gzip stream", e);
    }
  }

  private static int readHeaderInt(InputStream in, Path file, String field) throws IOException {
    byte[] b = in.readNBytes(4);
    if (b.length != 4) {
      throw new DataFormatException(
          file + ": truncated header: " + field + " needs 4 bytes, found " + b.length);
    }
    return ByteBuffer.wrap(b).getInt(); // big-endian, as IDX specifies
  }

  private static void write(Path file, int magic, int[] dims, byte[] data) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out =
            new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(os, 1 << 16)))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
