package dev.quantgen.quantize.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Positional reads of checked byte ranges of a file. */
final class FileRanges {
  private FileRanges() {}

  /**
   * Reads {@code length} bytes at {@code offset}. Callers check the range against the file length
   * first; this only guards against the file shrinking in between.
   */
  static ByteBuffer read(FileChannel channel, long offset, int length, String where)
      throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, offset + buf.position());
      if (n < 0) {
        throw new WeightFormatException(
            where
                + ": truncated: expected "
                + length
                + " bytes at offset "
                + offset
                + ", the file ends after "
                + buf.position());
      }
    }
    return buf.flip();
  }
}
