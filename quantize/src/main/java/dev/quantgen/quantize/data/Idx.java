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
 * Reads and writes the IDX files of MNIST and Fashion-MNIST: a big-endian header (magic
 * {@code 0x00000803} for images, {@code 0x00000801} for labels, then one int32 per dimension) and
 * unsigned bytes. Files may be gzipped; that is detected from the content, not the file name.
 *
 * <p>Every size in a header is checked before anything of that size is allocated: against the
 * file length for a raw file, and by reading in bounded chunks for a gzipped one (whose
 * uncompressed length is unknown up front), so a corrupt header fails with a clear message instead
 * of an {@code OutOfMemoryError}.
 */
public final class Idx {
  /** Magic of an unsigned-byte, 3-dimensional file (images). */
  public static final int IMAGES_MAGIC = 0x0000_0803;
  /** Magic of an unsigned-byte, 1-dimensional file (labels). */
  public static final int LABELS_MAGIC = 0x0000_0801;

  private static final int GZIP_MAGIC = 0x8b1f;

  private Idx() {}

  /** Reads an IDX image file ({@code 0x803}: count, rows, cols). */
  public static ImageSet readImages(Path file) throws IOException {
    int[] dims = new int[3];
    byte[] pixels = read(file, IMAGES_MAGIC, dims);
    return ImageSet.wrap(dims[0], dims[1], dims[2], pixels);
  }

  /** Reads an IDX label file ({@code 0x801}: count). */
  public static Labels readLabels(Path file) throws IOException {
    return Labels.wrap(read(file, LABELS_MAGIC, new int[1]));
  }

  /** Writes images as a gzipped IDX file. */
  public static void writeImagesGz(ImageSet images, Path file) throws IOException {
    write(file, IMAGES_MAGIC, new int[] {images.count(), images.rows(), images.cols()}, images.raw());
  }

  /** Writes labels as a gzipped IDX file. */
  public static void writeLabelsGz(Labels labels, Path file) throws IOException {
    write(file, LABELS_MAGIC, new int[] {labels.count()}, labels.raw());
  }

  private static byte[] read(Path file, int expectedMagic, int[] dims) throws IOException {
    long fileLength = Files.size(file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      boolean gzipped = (raw.read() | raw.read() << 8) == GZIP_MAGIC;
      raw.reset();
      InputStream in = gzipped ? new GZIPInputStream(raw, 1 << 16) : raw;
      int magic = readHeaderInt(in, file, "magic");
      if (magic != expectedMagic) {
        throw new DataFormatException(file + ": magic is 0x" + Integer.toHexString(magic) + ", expected 0x"
            + Integer.toHexString(expectedMagic) + " (" + (expectedMagic == IMAGES_MAGIC ? "images" : "labels")
            + ": unsigned bytes, " + dims.length + " dimensions)");
      }
      long size = 1;
      for (int i = 0; i < dims.length; i++) {
        dims[i] = readHeaderInt(in, file, "dimension " + i);
        if (dims[i] < 0) {
          throw new DataFormatException(file + ": dimension " + i + " is " + dims[i] + ", expected >= 0");
        }
        size *= dims[i]; // at most 3 factors below 2^31 each: may exceed 2^63 only past the check below
        if (size > Integer.MAX_VALUE - 8) {
          throw new DataFormatException(file + ": dimensions claim more than 2^31 - 9 bytes of data, expected"
              + " an array-sized file");
        }
      }
      long headerLength = 4L + 4L * dims.length;
      if (!gzipped && fileLength != headerLength + size) {
        throw new DataFormatException(file + ": file length is " + fileLength + " bytes, expected " + headerLength
            + " header bytes + " + size + " data bytes = " + (headerLength + size));
      }
      // readNBytes grows its buffer chunk by chunk, so a lying gzipped header cannot force a huge allocation.
      byte[] data = in.readNBytes((int) size);
      if (data.length != size) {
        throw new DataFormatException(file + ": truncated: data holds " + data.length + " bytes, expected " + size);
      }
      if (in.read() != -1) {
        throw new DataFormatException(file + ": trailing bytes after the " + size + " data bytes the header claims");
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
      throw new DataFormatException(file + ": truncated header: " + field + " needs 4 bytes, found " + b.length);
    }
    return ByteBuffer.wrap(b).getInt(); // big-endian, as IDX specifies
  }

  private static void write(Path file, int magic, int[] dims, byte[] data) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(os, 1 << 16)))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
