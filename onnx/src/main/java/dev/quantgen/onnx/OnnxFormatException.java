package dev.quantgen.onnx;

import java.io.IOException;

/** An ONNX file that cannot be read: corrupt, truncated, or using a storage form we do not read. */
public final class OnnxFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
