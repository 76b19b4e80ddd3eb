package dev.quantgen.runtime.io;

import java.io.IOException;

/**
 * A quantgen model file that cannot be loaded: wrong magic, unsupported version, truncated, or
 * corrupt (checksum mismatch, inconsistent sizes). The message names the file and the problem.
 */
public final class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(String message) {
    super(message);
  }
}
