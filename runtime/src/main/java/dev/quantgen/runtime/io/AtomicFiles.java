package dev.quantgen.runtime.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * Writes a file so that readers see either the old file or the complete new one: the content goes
 * to a temporary file in the same directory (same file system, so the move can be atomic), which is
 * forced to disk and then moved over the target. On any failure the temporary file is deleted and
 * the target is untouched.
 *
 * <p>A process killed mid-write cannot delete its temporary file; the next successful write of the
 * same target removes such leftovers, so they never pile up. A concurrent writer of the same target
 * whose temporary file is removed that way fails cleanly (its move finds no file); the target is
 * still either complete version.
 */
public final class AtomicFiles {
  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TEMP_SUFFIX = ".tmp";

  private AtomicFiles() {}

  /**
   * A new empty file beside the target. Not {@code Files.createTempFile}: that makes the file
   * owner-only (0600), and the moved file would keep those permissions; {@code createFile} applies
   * the usual defaults (the umask).
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve(tempPrefix(name) + Long.toHexString(RANDOM.nextLong()) + TEMP_SUFFIX);
      try {
        return Files.createFile(temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt == 9) {
          throw e;
        }
      }
    }
  }

  /**
   * Replaces {@code target} with what {@code content} writes, atomically: readers see the old file
   * or the complete new one, never a part.
   *
   * @throws IOException if writing, forcing or moving fails (the target is then untouched)
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path temp = createTemp(dir, absolute.getFileName().toString());
    boolean done = false;
    try {
      try (java.nio.channels.FileChannel channel =
              java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE);
          OutputStream out =
              new java.io.BufferedOutputStream(
                  java.nio.channels.Channels.newOutputStream(channel), 1 << 16)) {
        content.writeTo(out);
        out.flush();
        channel.force(true); // the data is on disk before the rename makes it visible
      }
      try {
        Files.move(
            temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            target
                + ": the file system cannot replace a file atomically ("
                + e.getMessage()
                + "); refusing a non-atomic write",
            e);
      }
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
    deleteLeftoverTemps(dir, absolute.getFileName().toString());
  }

  private static String tempPrefix(String name) {
    return "." + name + ".";
  }

  /**
   * Deletes the temporary files of earlier writes of this target that were killed before their
   * move. Best effort: the write itself has succeeded, so a leftover that cannot be deleted now
   * (another process removed it first, or a permission problem) is not reported as its failure.
   */
  private static void deleteLeftoverTemps(Path dir, String name) {
    String prefix = tempPrefix(name);
    try (DirectoryStream<Path> leftovers =
        Files.newDirectoryStream(
            dir,
            entry -> {
              String n = entry.getFileName().toString();
              return n.startsWith(prefix)
                  && n.endsWith(TEMP_SUFFIX)
                  && n.substring(prefix.length(), n.length() - TEMP_SUFFIX.length())
                      .matches("[0-9a-f]{1,16}");
            })) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
      }
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      // best effort, see above
    }
  }
}
