package dev.quantgen.cli.conformance;

/**
 * A well-formed case the runtime reference cannot run (an operator, data type or attribute value it
 * does not implement). It counts as a failure, never as a skip.
 */
public final class UnsupportedCaseException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnsupportedCaseException(String message) {
    super(message);
  }
}
