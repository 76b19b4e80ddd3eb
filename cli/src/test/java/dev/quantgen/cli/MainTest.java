package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top-level command: what {@code ./quantgen} alone and {@code ./quantgen --help} print. */
class MainTest {
  @Test
  void helpListsEverySubcommand() {
    CliRun run = CliRun.of("--help");
    assertEquals(CommandLine.ExitCode.OK, run.exit());
    for (String command : new String[] {"conformance", "demo", "calibrate", "report"}) {
      assertTrue(run.out().contains("  " + command + " "), command + " in\n" + run.out());
    }
  }

  @Test
  void noSubcommandPrintsTheUsageAndIsAUsageError() {
    CliRun run = CliRun.of();
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("Usage: quantgen"), run.err());
  }

  @Test
  void anUnknownSubcommandIsAUsageError() {
    CliRun run = CliRun.of("calibrat");
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(run.err().contains("calibrat"), run.err());
  }
}
