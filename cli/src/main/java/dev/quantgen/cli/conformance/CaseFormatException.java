package dev.quantgen.cli.conformance;

/**
 * A case file that is not a well-formed conformance case: the message names the field (a JSON path
 * such as {@code inputs[1].values[3]}) and what was wrong with it.
 */
public final class CaseFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public CaseFormatException(String message) {
    super(message);
  }
}
