package dev.quantgen.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code quantgen} command line, run by the repository's {@code ./quantgen} launcher. Thin:
 * each subcommand is its own class.
 */
@Command(
    name = "quantgen",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Compile-time generated quantized inference kernels for the JVM.",
    subcommands = {
      DemoCommand.class,
      ConformanceCommand.class,
      ImportCommand.class,
      EvalCommand.class,
      CalibrateCommand.class,
      ReportCommand.class,
      BenchCommand.class
    })
public final class Main implements Callable<Integer> {
  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  /** Without a subcommand there is nothing to do: show the usage and report a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CommandLine.ExitCode.USAGE;
  }

  /** The version from the jar manifest (the shaded jar sets it), else "development build". */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"quantgen " + (v == null ? "(development build)" : v)};
    }
  }
}
