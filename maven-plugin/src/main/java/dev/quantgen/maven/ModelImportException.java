package dev.quantgen.maven;

/**
 * A model that cannot be imported as configured: unreadable ONNX, an unsupported operator, shapes
 * that do not chain, a name clash. The message names the file and what is wrong; nothing was
 * written for that model.
 */
public final class ModelImportException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An error with its cause (the ONNX reader's or lowering's own exception). */
  public ModelImportException(String message, Throwable cause) {
    super(message, cause);
  }

  /** An error found by the import itself. */
  public ModelImportException(String message) {
    super(message);
  }
}
