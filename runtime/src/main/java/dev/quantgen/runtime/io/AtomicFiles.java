package dev.quantgen.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that readers see either the old file or the complete new one: the content goes
 * to a temporary file in the same directory (same file system, so the move can be atomic), which is
 * forced to disk and then moved over the target. On any failure the temporary file is deleted and
 * the target is untouched.
 */
final class AtomicFiles {
  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFiles() {}

  /**
   * A new empty file beside the target. Not {@code Files.createTempFile}: that makes the file
   * owner-only (0600), and the moved file would keep those permissions; {@code createFile} applies
   * the usual defaults (the umask).
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve("." + name + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 9) {
          throw e;
        }
      }
    }
  }

  static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temp = createTemp(dir, absolute.getFileName().toString());
    boolean done = false;
    try {
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(temp,
              java.nio.file.StandardOpenOption.WRITE);
          OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel),
              1 << 16)) {
        content.writeTo(out);
        out.flush();
        channel.force(true); // the data is on disk before the rename makes it visible
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(target + ": the file system cannot replace a file atomically (" + e.getMessage()
            + "); refusing a non-atomic write", e);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
