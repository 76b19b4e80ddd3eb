package dev.quantgen.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Bytes written as UTF-8 into a picocli {@link PrintWriter}, for runtime code that prints to a
 * {@link PrintStream} (the calibration progress bar): so a command's stderr stays the one picocli
 * (and a test) configured. Bytes are decoded at each flush; {@link PrintStream} with autoflush
 * writes whole strings before flushing, so no character is split.
 */
final class WriterOutputStream extends OutputStream {
  private final PrintWriter writer;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  private WriterOutputStream(PrintWriter writer) {
    this.writer = writer;
  }

  /** An autoflushing UTF-8 print stream into {@code writer}. */
  static PrintStream printStream(PrintWriter writer) {
    return new PrintStream(new WriterOutputStream(writer), true, StandardCharsets.UTF_8);
  }

  @Override
  public void write(int b) {
    pending.write(b);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    pending.write(b, off, len);
  }

  @Override
  public void flush() {
    writer.write(pending.toString(StandardCharsets.UTF_8));
    writer.flush();
    pending.reset();
  }
}
