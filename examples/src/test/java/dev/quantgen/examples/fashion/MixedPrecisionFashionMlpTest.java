package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.plan.PlannedModel;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.testkit.SharedData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The mixed-precision plan of the committed MLP: within its budget, much smaller than FP32, and
 * printed.
 */
class MixedPrecisionFashionMlpTest {
  private static float[] inputs(Dataset data) {
    float[] x = new float[data.size() * data.inputSize()];
    for (int i = 0; i < data.size(); i++) {
      data.copyInput(i, x, i * data.inputSize());
    }
    return x;
  }

  @Test
  void planOnTheEmbeddedImagesKeepsTheBudgetAndPrintsTheAnnotations() throws Exception {
    Dataset subset = MixedPrecisionFashionMlp.embeddedTestSubset();
    // Measured on images 0..999, calibrated on the disjoint 1800..1999, to keep the test short.
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PlannedModel planned =
        MixedPrecisionFashionMlp.run(
            subset.subset(0, 1000),
            inputs(subset.subset(1800, 2000)),
            0.5,
            new PrintStream(text, true, StandardCharsets.UTF_8));
    String printed = text.toString(StandardCharsets.UTF_8);
    assertTrue(planned.withinBudget(), planned.summary());
    assertTrue(planned.dropPoints() <= 0.5, planned.summary());
    assertTrue(planned.bytes() * 4 < planned.fp32Bytes(), planned.summary());
    // Every layer tolerates at least INT8 alone on these images, so none may stay at FP32.
    for (String layer : planned.plan().layerNames()) {
      assertTrue(planned.plan().layer(layer).precision() != Precision.FP32, planned.summary());
    }
    // fc1 holds 92% of the FP32 bytes and costs little at 4 bits: weighing by bytes must give it
    // INT4.
    assertEquals(Precision.INT4, planned.plan().layer("fc1").precision(), planned.summary());
    assertTrue(printed.contains("layer SQNR dB"), printed);
    assertTrue(
        printed.contains(
            "// fc1: int4 dynamic\n@Quantize(precision = Precision.INT4, activations = "
                + "Activations.DYNAMIC)\n"),
        printed);
  }

  @Test
  void planOnTheFullTestSetIsWithinHalfAPointOfFp32() throws Exception {
    SharedData.requireLongTests();
    var dir = SharedData.requireFashionMnist();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PlannedModel planned =
        MixedPrecisionFashionMlp.run(
            FashionData.test(dir),
            FashionResults.calibration(FashionData.train(dir)),
            0.5,
            new PrintStream(text, true, StandardCharsets.UTF_8));
    assertEquals(0.9005, planned.fp32Accuracy(), 1e-9, "the committed FP32 accuracy");
    assertTrue(planned.accuracy() >= 0.9005 - 0.005, planned.summary());
    assertTrue(planned.bytes() * 6 < planned.fp32Bytes(), planned.summary());
    assertEquals(Precision.INT4, planned.plan().layer("fc1").precision(), planned.summary());
  }
}
