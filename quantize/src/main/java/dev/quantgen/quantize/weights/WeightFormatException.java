package dev.quantgen.quantize.weights;

import java.io.IOException;

/**
 * A weight file that cannot be used: malformed, truncated, of an unsupported kind, or not holding
 * the tensor (or the shape) a layer asks for. The message names the file, the tensor or header
 * field, and what was expected versus found.
 */
public class WeightFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public WeightFormatException(String message) {
    super(message);
  }

  public WeightFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
