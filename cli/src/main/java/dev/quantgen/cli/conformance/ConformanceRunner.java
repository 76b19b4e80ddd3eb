package dev.quantgen.cli.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs every {@code *.json} case of a folder on the runtime reference, in file-name order, and
 * compares each output with the expected one. A case fails when any output differs, when its file
 * is malformed, when the operator or a dtype is unsupported, when the operator rejects the inputs,
 * or when anything at all goes wrong while reading or running it (an {@link OutOfMemoryError} or a
 * {@link StackOverflowError} included): one bad case never stops the run, so the summary line is
 * always printed. Nothing is skipped.
 */
public final class ConformanceRunner {
  /** Runs a case's operator: {@link ReferenceOperators#run} outside tests. */
  @FunctionalInterface
  interface Operators {
    List<TensorValue> run(ConformanceCase c) throws CaseFormatException, UnsupportedCaseException;
  }

  private ConformanceRunner() {}

  /** The case files of {@code dir}, sorted by name (not recursive). */
  public static List<Path> caseFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
          .sorted()
          .toList();
    }
  }

  public static List<CaseResult> runAll(List<Path> files) {
    List<CaseResult> results = new ArrayList<>(files.size());
    for (Path f : files) {
      results.add(run(f));
    }
    return results;
  }

  /** Runs one case file; never throws for a bad case, the result says what went wrong. */
  public static CaseResult run(Path file) {
    return run(file, ReferenceOperators::run);
  }

  /**
   * Runs one case file with {@code operators}. Whatever is thrown, Errors included, becomes the
   * case's failure: a case is untrusted input, and the run must reach its summary line.
   */
  static CaseResult run(Path file, Operators operators) {
    String name = file.getFileName().toString();
    ConformanceCase c;
    try {
      c = CaseReader.read(file);
    } catch (IOException e) {
      return new CaseResult(name, name, "cannot read the file: " + e);
    } catch (CaseFormatException e) {
      return new CaseResult(name, name, "malformed case: " + e.getMessage());
    } catch (UnsupportedCaseException e) {
      return new CaseResult(name, name, "unsupported: " + e.getMessage());
    } catch (RuntimeException | Error e) {
      return new CaseResult(name, name, "reading the case threw " + oneLine(e));
    }
    String reason;
    try {
      reason = check(c, operators);
    } catch (RuntimeException | Error e) { // e.g. comparing the outputs ran out of memory
      reason = "checking the outputs threw " + oneLine(e);
    }
    return new CaseResult(name, c.testName(), reason);
  }

  /** The throwable's class and message on one line. */
  private static String oneLine(Throwable t) {
    return t.toString().replace('\n', ' ').replace('\r', ' ');
  }

  /** Null when every output matches, else the first problem. */
  private static String check(ConformanceCase c, Operators operators) {
    List<TensorValue> actual;
    try {
      actual = operators.run(c);
    } catch (CaseFormatException e) {
      return "malformed case: " + e.getMessage();
    } catch (UnsupportedCaseException e) {
      return "unsupported: " + e.getMessage();
    } catch (IllegalArgumentException e) {
      return c.opType() + " rejected the inputs: " + e.getMessage();
    } catch (RuntimeException
        | Error e) { // OutOfMemoryError, StackOverflowError: still one failed case
      return c.opType() + " threw " + oneLine(e);
    }
    for (ConformanceCase.NamedOutput expected : c.outputs()) {
      if (expected.slot() >= actual.size()) {
        return "output "
            + expected.name()
            + ": slot "
            + expected.slot()
            + " expected, but "
            + c.opType()
            + " has "
            + actual.size()
            + " output(s)";
      }
      Optional<String> diff =
          TensorComparison.difference(expected.value(), actual.get(expected.slot()));
      if (diff.isPresent()) {
        return "output " + expected.name() + ": " + diff.get();
      }
    }
    return null;
  }
}
