package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the ONNX reader with Jazzer: any bytes either parse as a model with
 * graph nodes, or fail with an {@link OnnxFormatException}. A parsed model is then lowered, which
 * must succeed or throw what {@link GraphLowering#lower} documents
 * ({@link UnsupportedOperatorException}, {@link IllegalArgumentException} for shapes). Anything
 * else (an {@code OutOfMemoryError} from a dimension, an unchecked exception, a timeout) is a
 * finding.
 *
 * <p>By default the committed seeds under {@code OnnxModelFuzzTestInputs/onnxModel/} run as
 * ordinary regression tests; with {@code JAZZER_FUZZ=1} the target is fuzzed (see
 * {@code tools/fuzz.sh}).
 */
class OnnxModelFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void onnxModel(byte[] data) {
    OnnxModel model;
    try {
      model = OnnxModel.parse(data, "fuzz.onnx");
    } catch (OnnxFormatException expected) {
      return; // a documented rejection
    }
    assertFalse(model.nodes().isEmpty(), "a parsed model has nodes");
    try {
      GraphLowering.lower(model);
    } catch (IllegalArgumentException expected) {
      // documented: unsupported operators (UnsupportedOperatorException) and shapes that do not fit
    }
  }
}
