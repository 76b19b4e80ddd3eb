package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the QDQ import with Jazzer: any bytes either fail to parse with an
 * {@link OnnxFormatException}, or are refused by {@link QdqImporter#importModel} with what it
 * documents ({@link UnsupportedOperatorException}), or import as a model that runs one sample of
 * its input shape (when that is at most 2^16 values) to an output of its output shape. Anything
 * else (an unchecked exception, a timeout, an {@code OutOfMemoryError} from a dimension) is a
 * finding. The seeds are the tiny Conv graphs of {@code QdqImporterTest} (per-axis and per-tensor
 * weights, int8 and uint8 activations, a Relu in its own QDQ group).
 *
 * <p>By default the committed seeds under {@code QdqModelFuzzTestInputs/qdqModel/} run as ordinary
 * regression tests; with {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code tools/fuzz.sh}).
 */
class QdqModelFuzzTest {
  private static final int MAX_RUN_VALUES = 1 << 16;

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void qdqModel(byte[] data) {
    OnnxModel model;
    try {
      model = OnnxModel.parse(data, "fuzz.onnx");
    } catch (OnnxFormatException expected) {
      return; // a documented rejection
    }
    QdqModel imported;
    try {
      imported = QdqImporter.importModel(model);
    } catch (UnsupportedOperatorException expected) {
      return; // a documented rejection
    }
    Shape in = imported.inputShape();
    if (in.size() > MAX_RUN_VALUES || imported.outputShape().size() > MAX_RUN_VALUES) {
      return;
    }
    int[] batch = new int[in.rank() + 1];
    batch[0] = 1;
    System.arraycopy(in.dims(), 0, batch, 1, in.rank());
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7 - 3) * 0.25f;
    }
    FloatTensor y = imported.run(FloatTensor.of(Shape.of(batch), x));
    int[] expected = new int[imported.outputShape().rank() + 1];
    expected[0] = 1;
    System.arraycopy(imported.outputShape().dims(), 0, expected, 1, imported.outputShape().rank());
    assertArrayEquals(expected, y.shape().dims(), "output shape");
  }
}
