package dev.quantgen.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.quantgen.cli.conformance.CaseResult;
import dev.quantgen.cli.conformance.ConformanceRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quantgen conformance DIR}: runs every JSON case of DIR on the runtime reference numerics.
 * Prints one line per failing case (and per passing case with {@code --verbose}), then exactly one
 * last line {@code N passed, M failed}. Exit status 0 when nothing failed, 1 when something did, 2
 * when DIR is missing or holds no case.
 */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Runs ONNX-format JSON conformance cases on the reference numerics, comparing every "
            + "output exactly (integers equal, floats bit for bit).",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every case passed",
      "1:at least one case failed",
      "2:usage error, or DIR has no *.json case"
    })
final class ConformanceCommand implements Callable<Integer> {
  static final int FAILED = 1;

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "DIR",
      description = "Folder of *.json cases (not searched recursively).")
  private Path dir;

  @Option(names = "--verbose", description = "Also print a line for each passing case.")
  private boolean verbose;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description =
          "Also write a machine-readable summary (counts and every case's result) to FILE.")
  private Path jsonReport;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(dir)) {
      err.println("conformance: DIR " + dir + " is not a directory");
      return CommandLine.ExitCode.USAGE;
    }
    List<Path> files = ConformanceRunner.caseFiles(dir);
    if (files.isEmpty()) {
      err.println("conformance: DIR " + dir + " holds no *.json case; expected at least one");
      return CommandLine.ExitCode.USAGE;
    }
    List<CaseResult> results = ConformanceRunner.runAll(files);
    long failed = results.stream().filter(r -> !r.passed()).count();
    long passed = results.size() - failed;
    for (CaseResult r : results) {
      if (!r.passed()) {
        out.println("FAIL " + label(r) + ": " + r.reason());
      } else if (verbose) {
        out.println("PASS " + label(r));
      }
    }
    if (jsonReport != null) {
      writeJson(results, passed, failed);
    }
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0 ? CommandLine.ExitCode.OK : FAILED;
  }

  private static String label(CaseResult r) {
    String stem = r.file().substring(0, r.file().length() - ".json".length());
    boolean redundant = stem.equals(r.testName()) || r.file().equals(r.testName());
    return redundant ? r.file() : r.file() + " (" + r.testName() + ")";
  }

  private void writeJson(List<CaseResult> results, long passed, long failed) throws IOException {
    JsonObject root = new JsonObject();
    root.addProperty("dir", dir.toString());
    root.addProperty("passed", passed);
    root.addProperty("failed", failed);
    JsonArray cases = new JsonArray();
    for (CaseResult r : results) {
      JsonObject c = new JsonObject();
      c.addProperty("file", r.file());
      c.addProperty("test_name", r.testName());
      c.addProperty("passed", r.passed());
      if (!r.passed()) {
        c.addProperty("reason", r.reason());
      }
      cases.add(c);
    }
    root.add("cases", cases);
    try (Writer w = Files.newBufferedWriter(jsonReport, StandardCharsets.UTF_8)) {
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root, w);
      w.write('\n');
    }
  }
}
