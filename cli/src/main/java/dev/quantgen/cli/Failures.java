package dev.quantgen.cli;

import dev.quantgen.cli.onnx.GeneratedModelException;
import dev.quantgen.onnx.OnnxFormatException;
import dev.quantgen.quantize.data.DataFormatException;
import dev.quantgen.quantize.weights.WeightFormatException;
import dev.quantgen.runtime.io.ModelFileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Runs a command's work and turns the failures a user can cause into one line on stderr and an exit
 * status: {@link UsageProblem} is 2 (usage); unreadable or malformed files, rejected values and
 * generated models that do not compile are 1 (runtime error). Anything else is a bug and keeps its
 * stack trace.
 */
final class Failures {
  private Failures() {}

  static int run(String command, PrintWriter err, Callable<Integer> work) throws Exception {
    try {
      return work.call();
    } catch (UsageProblem e) {
      err.println(command + ": " + e.getMessage());
      err.println("Try 'quantgen " + command + " --help' for the options.");
      return CommandLine.ExitCode.USAGE;
    } catch (WeightFormatException
        | ModelFileException
        | DataFormatException
        | IllegalArgumentException
        | GeneratedModelException e) {
      // These messages already name the file or argument, the value and what was expected.
      err.println(command + ": " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (OnnxFormatException e) {
      // Names the file and says what is wrong with it.
      err.println(command + ": " + e.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    } catch (NoSuchFileException e) {
      err.println(command + ": " + e.getFile() + ": no such file");
      return CommandLine.ExitCode.SOFTWARE;
    } catch (IOException e) {
      err.println(command + ": cannot read or write a file: " + e);
      return CommandLine.ExitCode.SOFTWARE;
    } catch (UncheckedIOException e) {
      err.println(command + ": cannot read or write a file: " + e.getCause());
      return CommandLine.ExitCode.SOFTWARE;
    } finally {
      err.flush();
    }
  }
}
