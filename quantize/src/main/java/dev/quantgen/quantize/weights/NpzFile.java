package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A NumPy {@code .npz} archive (what {@code numpy.savez} and {@code savez_compressed} write): a zip
 * whose {@code NAME.npy} entries, stored or deflated, are the tensors {@code NAME}. Entries not
 * ending in {@code .npy} are not tensors and are ignored.
 *
 * <p>Each entry's header is checked against the entry's uncompressed size from the zip directory
 * when the archive opens; reading a tensor verifies the entry's CRC-32 (which {@link ZipFile}
 * itself does not), so a corrupt archive fails instead of yielding wrong weights.
 */
final class NpzFile implements WeightSource {
  private final Path file;
  private final ZipFile zip;
  private final TensorIndex index;
  private final WeightOptions options;
  private final Map<String, ZipEntry> zipEntries;

  private NpzFile(
      Path file,
      ZipFile zip,
      TensorIndex index,
      Map<String, ZipEntry> zipEntries,
      WeightOptions options) {
    this.options = options;
    this.file = file;
    this.zip = zip;
    this.index = index;
    this.zipEntries = zipEntries;
  }

  static NpzFile open(Path file) throws IOException {
    return open(file, WeightOptions.defaults());
  }

  static NpzFile open(Path file, WeightOptions options) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException
        | EOFException e) { // EOF: ZipFile reads past the end of a damaged directory
      throw new WeightFormatException(file + ": not a readable .npz (zip) archive: " + e, e);
    }
    try {
      TensorIndex index = new TensorIndex(file);
      Map<String, ZipEntry> zipEntries = new HashMap<>();
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry entry;
        try {
          entry = en.nextElement();
        } catch (
            IllegalArgumentException e) { // the JDK decodes names and comments lazily, unchecked
          throw new WeightFormatException(
              file
                  + ": corrupt zip directory: an entry's name or comment is not"
                  + " valid in its charset ("
                  + e.getMessage()
                  + ")",
              e);
        }
        if (entry.isDirectory() || !entry.getName().endsWith(".npy")) {
          continue;
        }
        String where = where(file, entry);
        long size = entry.getSize();
        if (size < 0) {
          throw new WeightFormatException(where + ": the zip directory gives no uncompressed size");
        }
        NpyHeader h;
        try (InputStream in = zip.getInputStream(entry)) {
          h = NpyHeader.read(in, size, where);
        }
        String name = entry.getName().substring(0, entry.getName().length() - ".npy".length());
        index.add(
            new TensorEntry(
                name,
                h.type,
                TensorIndex.shapeOf(h.dims),
                h.dataOffset,
                h.dataBytes(),
                h.bigEndian));
        zipEntries.put(name, entry);
      }
      return new NpzFile(file, zip, index, zipEntries, options);
    } catch (ZipException | EOFException e) { // a corrupt or cut deflate stream
      zip.close();
      throw new WeightFormatException(file + ": corrupt zip data: " + e, e);
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static String where(Path file, ZipEntry entry) {
    return file + ", entry '" + entry.getName() + "'";
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
    ZipEntry entry = zipEntries.get(name);
    String where = where(file, entry);
    int size =
        (int)
            (e.offset() + e.byteLength()); // checked at open: the entry size, below 2^31 + a header
    byte[] bytes;
    try (InputStream in = zip.getInputStream(entry)) {
      bytes = in.readNBytes(size);
    } catch (ZipException | EOFException ex) {
      throw new WeightFormatException(where + ": corrupt compressed data: " + ex, ex);
    }
    if (bytes.length != size) {
      throw new WeightFormatException(
          where + ": truncated: " + bytes.length + " of " + size + " bytes");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes);
    if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
      throw new WeightFormatException(
          where
              + ": CRC-32 is "
              + Long.toHexString(crc.getValue())
              + ", expected "
              + Long.toHexString(entry.getCrc())
              + " from the zip directory: the data is corrupt");
    }
    ByteBuffer data =
        ByteBuffer.wrap(bytes, (int) e.offset(), (int) e.byteLength())
            .slice()
            .order(e.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    return FloatTensor.of(e.shape(), e.type().toFloats(data, e.shape().size()));
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
