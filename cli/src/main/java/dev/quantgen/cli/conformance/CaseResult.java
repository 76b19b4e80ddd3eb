package dev.quantgen.cli.conformance;

/**
 * The outcome of one case file.
 *
 * @param file the file name, e.g. {@code test_qlinearconv.json}
 * @param testName the case's {@code test_name}, or the file name when the file could not be read
 * @param reason null when passed; else why it failed, one line
 */
public record CaseResult(String file, String testName, String reason) {
  public boolean passed() {
    return reason == null;
  }
}
