package dev.quantgen.cli.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed file fails with a reason naming the file's field; nothing throws out of the
 * runner.
 */
class CaseReaderTest {
  private static final String CASE =
      """
      {"test_name": "q", "op_type": "QuantizeLinear", "attributes": {},
       "inputs": [
        {"name": "x", "node_input": 0, "dtype": "float32", "dims": [2], "values": [0.5, 2.5], "bits": ["0x3f000000", "0x40200000"]},
        {"name": "y_scale", "node_input": 1, "dtype": "float32", "dims": [], "values": [1.0]},
        {"name": "y_zero_point", "node_input": 2, "dtype": "int8", "dims": [], "values": [0]}],
       "outputs": [{"name": "y", "node_output": 0, "dtype": "int8", "dims": [2], "values": [0, 2]}]}
      """;

  @TempDir Path tmp;

  private String reasonFor(String json) throws IOException {
    Path p = tmp.resolve("case.json");
    Files.writeString(p, json, StandardCharsets.UTF_8);
    CaseResult r = ConformanceRunner.run(p);
    assertEquals("case.json", r.file());
    return r.reason();
  }

  @Test
  void wellFormedCasePasses() throws IOException {
    assertNull(reasonFor(CASE));
  }

  @Test
  void invalidJson() throws IOException {
    assertEquals("malformed case: not valid JSON", reasonFor("{\"test_name\": ").substring(0, 30));
  }

  @Test
  void topLevelNotAnObject() throws IOException {
    assertEquals(
        "malformed case: top level: expected a JSON object, got an array", reasonFor("[1, 2]"));
  }

  @Test
  void missingOpType() throws IOException {
    assertEquals(
        "malformed case: op_type: missing",
        reasonFor(CASE.replace("\"op_type\": \"QuantizeLinear\",", "")));
  }

  @Test
  void integerWithAnExponentBeyondBigDecimalScaleIsMalformed() throws IOException {
    // Found by fuzzing: BigDecimal's NumberFormatException "Scale out of range" escaped the reader.
    assertEquals(
        "malformed case: outputs[0].values[0]: 1e-2147483648 is not an integer in range",
        reasonFor(CASE.replace("\"values\": [0, 2]", "\"values\": [1e-2147483648, 2]")));
  }

  @Test
  void dimsOfWrongType() throws IOException {
    assertEquals(
        "malformed case: inputs[2].dims: expected an array, got \"x\"",
        reasonFor(
            CASE.replace(
                "\"dtype\": \"int8\", \"dims\": []", "\"dtype\": \"int8\", \"dims\": \"x\"")));
  }

  @Test
  void valueCountNotProductOfDims() throws IOException {
    assertEquals(
        "malformed case: outputs[0].values: 2 values for dims [3], expected 3",
        reasonFor(
            CASE.replace(
                "\"dtype\": \"int8\", \"dims\": [2]", "\"dtype\": \"int8\", \"dims\": [3]")));
  }

  @Test
  void integerOutsideItsDtypeRange() throws IOException {
    assertEquals(
        "malformed case: inputs[2].values[0]: 128 is outside the int8 range -128..127",
        reasonFor(
            CASE.replace("\"dims\": [], \"values\": [0]", "\"dims\": [], \"values\": [128]")));
  }

  @Test
  void fractionalInteger() throws IOException {
    assertEquals(
        "malformed case: outputs[0].values[1]: 2.5 is not an integer",
        reasonFor(CASE.replace("\"values\": [0, 2]", "\"values\": [0, 2.5]")));
  }

  @Test
  void bitsDisagreeingWithValues() throws IOException {
    assertEquals(
        "malformed case: inputs[0].bits[1]: 0x40200001 is 2.5000002 but values[1] is 2.5, expected the same number",
        reasonFor(CASE.replace("0x40200000", "0x40200001")));
  }

  @Test
  void bitsOfWrongWidth() throws IOException {
    assertEquals(
        "malformed case: inputs[0].bits[0]: expected a string 0x followed by 8 hex digits (float32), got \"0x3800\"",
        reasonFor(CASE.replace("0x3f000000", "0x3800")));
  }

  @Test
  void negativeDimension() throws IOException {
    assertEquals(
        "malformed case: inputs[1].dims[0]: -1 is negative, expected >= 0",
        reasonFor(
            CASE.replace("\"dims\": [], \"values\": [1.0]", "\"dims\": [-1], \"values\": [1.0]")));
  }

  @Test
  void missingRequiredInput() throws IOException {
    String noScale =
        CASE.replace(
            "{\"name\": \"y_scale\", \"node_input\": 1, \"dtype\": \"float32\", \"dims\": [], \"values\": [1.0]},",
            "");
    assertEquals(
        "malformed case: inputs: QuantizeLinear requires input slot 1 (y_scale), missing",
        reasonFor(noScale));
  }

  @Test
  void slotGivenTwice() throws IOException {
    assertEquals(
        "malformed case: inputs[2].node_input: slot 1 is given twice",
        reasonFor(CASE.replace("\"node_input\": 2", "\"node_input\": 1")));
  }

  @Test
  void attributeOfWrongType() throws IOException {
    assertEquals(
        "malformed case: attributes.axis: expected an integer, got \"last\"",
        reasonFor(CASE.replace("\"attributes\": {}", "\"attributes\": {\"axis\": \"last\"}")));
  }

  @Test
  void unsupportedOutputDtypeCode() throws IOException {
    assertEquals(
        "unsupported: attributes.output_dtype: data type code 17 is not supported, expected 2 (uint8), "
            + "3 (int8), 4 (uint16), 5 (int16), 6 (int32), 21 (uint4) or 22 (int4)",
        reasonFor(CASE.replace("\"attributes\": {}", "\"attributes\": {\"output_dtype\": 17}")));
  }

  @Test
  void wrongOutputDtypeIsAMismatch() throws IOException {
    assertEquals(
        "output y: dtype: expected uint8, actual int8",
        reasonFor(
            CASE.replace(
                "\"dtype\": \"int8\", \"dims\": [2]", "\"dtype\": \"uint8\", \"dims\": [2]")));
  }

  @Test
  void floatInputWhereIntegersExpected() throws IOException {
    assertEquals(
        "unsupported: QuantizeLinear input x (slot 0): dtype int8 is not supported here, expected float32 or float16",
        reasonFor(
            CASE.replace(
                "\"dtype\": \"float32\", \"dims\": [2], \"values\": [0.5, 2.5], \"bits\": [\"0x3f000000\", \"0x40200000\"]",
                "\"dtype\": \"int8\", \"dims\": [2], \"values\": [0, 2]")));
  }
}
