package dev.quantgen.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A case is untrusted input (issue 19): whatever it makes the reference do, an OutOfMemoryError
 * included, it is one failed case and the run goes on to the next.
 */
class ConformanceRunnerTest {
  /**
   * About 300 bytes: a 1-D ConvInteger whose pads give 2^31 - 1 output positions. The reference
   * used to allocate its index table for them and the OutOfMemoryError ended the whole run.
   */
  static final String HUGE_PADS_CASE =
      """
      {"test_name": "huge_pads", "op_type": "ConvInteger", "attributes": {"pads": [1073741822, 1073741822]},
       "inputs": [{"name": "x", "node_input": 0, "dtype": "uint8", "dims": [1, 1, 3], "values": [1, 2, 3]},
        {"name": "w", "node_input": 1, "dtype": "uint8", "dims": [1, 1, 1], "values": [1]}],
       "outputs": [{"name": "y", "node_output": 0, "dtype": "int32", "dims": [1], "values": [0]}]}
      """;

  /** [3] . [2] with zero point 1 is 4. */
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

  private Path write(String name, String json) throws IOException {
    return Files.writeString(tmp.resolve(name), json, StandardCharsets.UTF_8);
  }

  @Test
  void aCaseWithHugePadsIsRejectedByTheSizeCheckBeforeAllocating() throws IOException {
    Path file = write("a_huge_pads.json", HUGE_PADS_CASE);
    assertTrue(Files.size(file) < 400, Files.size(file) + " bytes");
    CaseResult r = ConformanceRunner.run(file);
    assertEquals(
        "ConvInteger rejected the inputs: output [1, 1, 2147483647] would hold 2147483647 elements:"
            + " expected at most 2^28 (268435456), the reference convolution's limit; check pads, strides and"
            + " dilations",
        r.reason());
  }

  @Test
  void anOutOfMemoryErrorFailsOneCaseAndTheRunGoesOn() throws IOException {
    Path bad = write("a.json", VALID_CASE);
    Path good = write("b.json", VALID_CASE);
    CaseResult failed =
        ConformanceRunner.run(
            bad,
            c -> {
              throw new OutOfMemoryError("Java heap space");
            });
    assertFalse(failed.passed());
    assertEquals(
        "MatMulInteger threw java.lang.OutOfMemoryError: Java heap space", failed.reason());
    assertNull(ConformanceRunner.run(good).reason());
  }

  @Test
  void aStackOverflowOrAnyOtherErrorFailsOnlyItsCase() throws IOException {
    Path file = write("a.json", VALID_CASE);
    assertEquals(
        "MatMulInteger threw java.lang.StackOverflowError",
        ConformanceRunner.run(
                file,
                c -> {
                  throw new StackOverflowError();
                })
            .reason());
    assertEquals(
        "MatMulInteger threw java.lang.AssertionError: line one line two",
        ConformanceRunner.run(
                file,
                c -> {
                  throw new AssertionError("line one\nline two");
                })
            .reason());
  }

  @Test
  void runAllReportsEveryCaseWhenOneIsHostile() throws IOException {
    write("a_huge_pads.json", HUGE_PADS_CASE);
    write("b_valid.json", VALID_CASE);
    List<CaseResult> results = ConformanceRunner.runAll(ConformanceRunner.caseFiles(tmp));
    assertEquals(2, results.size());
    assertFalse(results.get(0).passed());
    assertTrue(results.get(1).passed());
  }
}
