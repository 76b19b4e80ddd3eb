package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.testkit.FuzzFiles;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the quantized model loader ({@link QuantizedModelFiles#load}): the
 * container's checksums are recomputed for every input (see {@code ModelFileFuzzTest}) so the
 * fuzzer works on what the loader interprets: metadata, layer sizes, precisions, tensor types and
 * shapes. Any bytes either load as a model that runs on an input of its size, or fail with a {@link
 * ModelFileException}; anything else is a finding.
 */
class QuantizedModelFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void quantizedModel(byte[] data) throws IOException {
    QuantizedModel model;
    try {
      model =
          QuantizedModelFiles.load(
              FuzzFiles.write("fuzz-model.qgen", FuzzFiles.withValidChecksums(data)));
    } catch (ModelFileException expected) {
      return; // a documented rejection
    }
    float[] y = new InferenceSession(model).run(new float[model.inputSize()]);
    assertEquals(model.outputSize(), y.length, "output size");
  }
}
