package dev.quantgen.cli.onnx;

/**
 * Generated model sources could not be compiled or loaded: the message says why (javac's errors, no
 * compiler in this Java runtime, a missing generated class).
 */
public final class GeneratedModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  GeneratedModelException(String message) {
    super(message);
  }

  GeneratedModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
