package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.plan.PlannedModel;
import dev.quantgen.quantize.plan.PrecisionPlan;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.model.Precision;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The mixed-precision plan of the committed CNN: within its budget, much smaller than FP32, and
 * printed.
 */
class MixedPrecisionFashionCnnTest {
  @Test
  void planOnTheEmbeddedImagesKeepsTheBudgetAndPrintsTheAnnotations() throws Exception {
    Dataset subset = MixedPrecisionFashionMlp.embeddedTestSubset();
    // Measured on images 0..999, calibrated on the disjoint 1800..1999, to keep the test short.
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PlannedModel planned =
        MixedPrecisionFashionCnn.run(
            subset.subset(0, 1000),
            subset.subset(1800, 2000),
            0.5,
            new PrintStream(text, true, StandardCharsets.UTF_8));
    String printed = text.toString(StandardCharsets.UTF_8);
    assertTrue(planned.withinBudget(), planned.summary());
    assertTrue(planned.bytes() * 4 < planned.fp32Bytes(), planned.summary());
    assertTrue(printed.contains("conv1") && printed.contains("fc2"), printed);
    assertTrue(printed.contains("@Quantize(precision = Precision."), printed);
  }

  @Test
  void int8AndInt4LayersMustUseStaticActivations() throws Exception {
    Dataset subset = MixedPrecisionFashionMlp.embeddedTestSubset();
    CnnPlanTarget target =
        new CnnPlanTarget(
            FashionCnn.load(FashionResults.resource(QatFashionCnn.CNN_FP32)),
            subset.subset(0, 50),
            subset.subset(50, 100));
    PrecisionPlan dynamic =
        PrecisionPlan.fp32(target.layerNames()).with("conv2", LayerQuantization.of(Precision.INT4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> target.accuracy(dynamic));
    assertTrue(e.getMessage().contains("expected static activations"), e.getMessage());
  }
}
