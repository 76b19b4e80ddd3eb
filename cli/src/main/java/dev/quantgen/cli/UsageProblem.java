package dev.quantgen.cli;

import picocli.CommandLine;

/**
 * A problem with what the user asked for (a missing file, sizes that do not fit the data), found
 * after picocli parsed the arguments: the command prints the message and exits with {@link
 * CommandLine.ExitCode#USAGE}, like a parse error, instead of a stack trace.
 */
final class UsageProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageProblem(String message) {
    super(message);
  }
}
