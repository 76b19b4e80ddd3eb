package dev.quantgen.quantize.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.calibrate.LayerErrorReport;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerErrorsTest {
  private static final FloatModel MODEL = TestModels.random(31, 40, 20, 6);
  private static final float[] SAMPLES = TestModels.samples(32, 100, 40);

  @Test
  void fp32LayersHaveNoErrorOnlyReassociation() {
    LayerErrorReport report =
        LayerErrors.measure(
            MODEL,
            PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.FP32), SAMPLES, 100),
            SAMPLES,
            100);
    // Same kernels on the same inputs: identical outputs, so no noise at all.
    for (LayerErrorReport.Row row : report.rows()) {
      assertEquals(Double.POSITIVE_INFINITY, row.sqnrDb(), row.layer());
    }
  }

  @Test
  void oneRowPerLayerPlusTheWholeModelWithSizes() {
    QuantizedModel int8 =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), SAMPLES, 100);
    List<LayerErrorReport.Row> rows = LayerErrors.measure(MODEL, int8, SAMPLES, 100).rows();
    assertEquals(
        List.of("fc1", "fc2", LayerErrors.MODEL_ROW),
        rows.stream().map(LayerErrorReport.Row::layer).toList());
    assertEquals(int8.layer(0).parameterBytes(), rows.get(0).sizeBytes());
    assertEquals(int8.parameterBytes(), rows.get(2).sizeBytes());
    for (LayerErrorReport.Row row : rows) {
      assertEquals("int8 static", row.precision());
      assertTrue(row.sqnrDb() > 25 && row.sqnrDb() < 60, row.layer() + ": " + row.sqnrDb());
    }
  }

  @Test
  void fewerBitsMeanLowerSqnr() {
    double int8 =
        LayerErrors.measure(
                MODEL,
                PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), SAMPLES, 100),
                SAMPLES,
                100)
            .rows()
            .get(0)
            .sqnrDb();
    double int4 =
        LayerErrors.measure(
                MODEL,
                PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT4), SAMPLES, 100),
                SAMPLES,
                100)
            .rows()
            .get(0)
            .sqnrDb();
    double fp16 =
        LayerErrors.measure(
                MODEL,
                PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.FP16), SAMPLES, 100),
                SAMPLES,
                100)
            .rows()
            .get(0)
            .sqnrDb();
    assertTrue(fp16 > int8 && int8 > int4, "fp16 " + fp16 + ", int8 " + int8 + ", int4 " + int4);
  }

  @Test
  void mismatchedModelsAreRejected() {
    FloatModel other = TestModels.random(33, 40, 20, 6, 3);
    QuantizedModel q =
        PostTrainingQuantizer.quantize(other, PtqConfig.of(Precision.FP16), SAMPLES, 100);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> LayerErrors.measure(MODEL, q, SAMPLES, 100));
    assertEquals("quantized: expected 2 layers like the FP32 model, got 3", e.getMessage());
  }
}
