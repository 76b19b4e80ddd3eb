package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConformanceCommandTest {
  /** A tiny valid case: [[3]] @ [[2]] with zero points 1 and 0 gives [[2]]. */
  static final String VALID_CASE =
      """
      {"test_name": "tiny", "op_type": "MatMulInteger", "attributes": {},
       "inputs": [
        {"name": "A", "node_input": 0, "dtype": "uint8", "dims": [1, 1], "values": [3]},
        {"name": "B", "node_input": 1, "dtype": "uint8", "dims": [1, 1], "values": [2]},
        {"name": "a_zero_point", "node_input": 2, "dtype": "uint8", "dims": [], "values": [1]}],
       "outputs": [{"name": "Y", "node_output": 0, "dtype": "int32", "dims": [1, 1], "values": [4]}]}
      """;

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    String lastLine() {
      List<String> l = lines();
      return l.get(l.size() - 1);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Path ownCases() throws URISyntaxException {
    return Paths.get(ConformanceCommandTest.class.getResource("/conformance").toURI());
  }

  private Path writeCase(String fileName, String json) throws IOException {
    Path p = tmp.resolve(fileName);
    Files.writeString(p, json, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void onnxVectorsAllThirtyPass() {
    Path dir = SharedData.require("conformance/onnx");
    Run r = run("conformance", dir.toString());
    assertEquals(List.of("30 passed, 0 failed"), r.lines(), r.out());
    assertEquals(0, r.exit());
  }

  @Test
  void projectCasesAllPass() throws Exception {
    Run r = run("conformance", ownCases().toString());
    assertEquals(List.of("17 passed, 0 failed"), r.lines(), r.out());
    assertEquals(0, r.exit());
  }

  @Test
  void validCasePassesAndVerbosePrintsIt() throws IOException {
    writeCase("tiny.json", VALID_CASE);
    Run r = run("conformance", "--verbose", tmp.toString());
    assertEquals(List.of("PASS tiny.json", "1 passed, 0 failed"), r.lines());
    assertEquals(0, r.exit());
  }

  @Test
  void mismatchPrintsFirstDifferingElementAndFails() throws IOException {
    writeCase("tiny.json", VALID_CASE.replace("\"values\": [4]", "\"values\": [5]"));
    Run r = run("conformance", tmp.toString());
    assertEquals(
        List.of(
            "FAIL tiny.json: output Y: 1 of 1 elements differ; first at index 0 [0, 0]: expected 5, actual 4",
            "0 passed, 1 failed"),
        r.lines());
    assertEquals(1, r.exit());
  }

  @Test
  void floatMismatchShowsBits() throws IOException {
    writeCase(
        "deq.json",
        """
        {"test_name": "deq", "op_type": "DequantizeLinear",
         "inputs": [
          {"name": "x", "node_input": 0, "dtype": "int8", "dims": [2], "values": [1, -1]},
          {"name": "x_scale", "node_input": 1, "dtype": "float32", "dims": [], "values": [0.5], "bits": ["0x3f000000"]}],
         "outputs": [{"name": "y", "node_output": 0, "dtype": "float32", "dims": [2], "values": [0.5, 0.5]}]}
        """);
    Run r = run("conformance", tmp.toString());
    assertEquals(
        "FAIL deq.json: output y: 1 of 2 elements differ; first at index 1 [1]: expected 0.5 (0x3f000000), "
            + "actual -0.5 (0xbf000000)",
        r.lines().get(0));
    assertEquals(1, r.exit());
  }

  @Test
  void unsupportedOperatorFailsWithReason() throws IOException {
    writeCase("gemm.json", VALID_CASE.replace("MatMulInteger", "Gemm"));
    Run r = run("conformance", tmp.toString());
    assertTrue(
        r.lines()
            .get(0)
            .startsWith("FAIL gemm.json (tiny): unsupported: operator 'Gemm' is not supported"),
        r.out());
    assertEquals("0 passed, 1 failed", r.lastLine());
    assertEquals(1, r.exit());
  }

  @Test
  void unsupportedDtypeFailsWithReason() throws IOException {
    writeCase(
        "bf16.json",
        VALID_CASE.replace(
            "\"dtype\": \"uint8\", \"dims\": [1, 1], \"values\": [2]",
            "\"dtype\": \"bfloat16\", \"dims\": [1, 1], \"values\": [2]"));
    Run r = run("conformance", tmp.toString());
    assertTrue(
        r.lines()
            .get(0)
            .startsWith(
                "FAIL bf16.json: unsupported: inputs[1].dtype: 'bfloat16' is not supported"),
        r.out());
    assertEquals(1, r.exit());
  }

  @Test
  void unknownAttributeFailsInsteadOfBeingIgnored() throws IOException {
    writeCase(
        "attr.json", VALID_CASE.replace("\"attributes\": {}", "\"attributes\": {\"transA\": 1}"));
    Run r = run("conformance", tmp.toString());
    assertTrue(
        r.lines().get(0).contains("unsupported: MatMulInteger: unsupported attribute(s) [transA]"),
        r.out());
    assertEquals(1, r.exit());
  }

  @Test
  void operatorRejectingInputsFailsWithItsMessage() throws IOException {
    writeCase(
        "k.json",
        VALID_CASE.replace(
            "\"dims\": [1, 1], \"values\": [2]", "\"dims\": [2, 1], \"values\": [2, 2]"));
    Run r = run("conformance", tmp.toString());
    assertTrue(
        r.lines().get(0).contains("MatMulInteger rejected the inputs: b: shape [2, 1] has 2 rows"),
        r.out());
    assertEquals(1, r.exit());
  }

  @Test
  void malformedCaseNamesTheFieldAndOtherCasesStillRun() throws IOException {
    writeCase(
        "a_bad.json",
        VALID_CASE.replace(
            "\"dtype\": \"uint8\", \"dims\": [1, 1], \"values\": [3]",
            "\"dims\": [1, 1], \"values\": [3]"));
    writeCase("b_good.json", VALID_CASE);
    Run r = run("conformance", tmp.toString());
    assertEquals(
        List.of("FAIL a_bad.json: malformed case: inputs[0].dtype: missing", "1 passed, 1 failed"),
        r.lines());
    assertEquals(1, r.exit());
  }

  @Test
  void casesRunInFileNameOrder() throws IOException {
    writeCase("b.json", VALID_CASE.replace("\"values\": [4]", "\"values\": [7]"));
    writeCase("a.json", VALID_CASE.replace("\"values\": [4]", "\"values\": [8]"));
    writeCase("c.txt", "not a case");
    Run r = run("conformance", tmp.toString());
    assertTrue(r.lines().get(0).startsWith("FAIL a.json"), r.out());
    assertTrue(r.lines().get(1).startsWith("FAIL b.json"), r.out());
    assertEquals("0 passed, 2 failed", r.lastLine());
  }

  @Test
  void emptyDirectoryIsAUsageError() {
    Run r = run("conformance", tmp.toString());
    assertEquals(2, r.exit());
    assertEquals("", r.out());
    assertTrue(r.err().contains("holds no *.json case"), r.err());
  }

  @Test
  void missingDirectoryIsAUsageError() {
    Run r = run("conformance", tmp.resolve("nope").toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("is not a directory"), r.err());
  }

  @Test
  void jsonReportHasCountsAndReasons() throws IOException {
    writeCase("a.json", VALID_CASE);
    writeCase("b.json", VALID_CASE.replace("MatMulInteger", "Gemm"));
    Path report = tmp.resolve("report.out");
    Run r = run("conformance", "--json", report.toString(), tmp.toString());
    assertEquals("1 passed, 1 failed", r.lastLine());
    JsonObject json = JsonParser.parseString(Files.readString(report)).getAsJsonObject();
    assertEquals(1, json.get("passed").getAsInt());
    assertEquals(1, json.get("failed").getAsInt());
    assertEquals(2, json.getAsJsonArray("cases").size());
    assertTrue(
        json.getAsJsonArray("cases")
            .get(1)
            .getAsJsonObject()
            .get("reason")
            .getAsString()
            .contains("operator 'Gemm' is not supported"));
  }

  @Test
  void withoutSubcommandShowsUsageAndFails() {
    Run r = run();
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("conformance"), r.err());
  }

  @Test
  void versionOptionPrintsAVersion() {
    Run r = run("--version");
    assertEquals(0, r.exit());
    assertTrue(r.out().startsWith("quantgen "), r.out());
  }

  @Test
  void aHostileCaseFailsAloneAndTheSummaryLineIsStillPrinted() throws IOException {
    // ~300 bytes whose pads gave 2^31 - 1 outputs: the OutOfMemoryError used to end the run without
    // a summary
    Files.writeString(
        tmp.resolve("a_huge_pads.json"),
        """
        {"test_name": "huge_pads", "op_type": "ConvInteger", "attributes": {"pads": [1073741822, 1073741822]},
         "inputs": [{"name": "x", "node_input": 0, "dtype": "uint8", "dims": [1, 1, 3], "values": [1, 2, 3]},
          {"name": "w", "node_input": 1, "dtype": "uint8", "dims": [1, 1, 1], "values": [1]}],
         "outputs": [{"name": "y", "node_output": 0, "dtype": "int32", "dims": [1], "values": [0]}]}
        """,
        StandardCharsets.UTF_8);
    Files.writeString(tmp.resolve("b_valid.json"), VALID_CASE, StandardCharsets.UTF_8);
    Run r = run("conformance", tmp.toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(
        r.lines()
            .get(0)
            .startsWith(
                "FAIL a_huge_pads.json (huge_pads): ConvInteger rejected the inputs:"
                    + " output [1, 1, 2147483647] would hold 2147483647 elements"),
        r.out());
    assertEquals("1 passed, 1 failed", r.lastLine());
  }
}
