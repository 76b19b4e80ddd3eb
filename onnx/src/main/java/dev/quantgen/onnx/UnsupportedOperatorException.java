package dev.quantgen.onnx;

/** A graph node whose operator (or attribute, or position in the graph) quantgen cannot lower. */
public final class UnsupportedOperatorException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOperatorException(String message) {
    super(message);
  }
}
