package dev.quantgen.quantize.data;

import java.io.IOException;

/**
 * A data file (IDX, CSV) that cannot be read as what it claims to be. The message names the file,
 * the field and what was expected versus found.
 */
public final class DataFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public DataFormatException(String message) {
    super(message);
  }

  public DataFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
