package dev.quantgen.quantize.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sensitivity analysis and the budget planner on a seeded random 12-9-7-5 model, with metrics whose
 * answer is known: the planner's choices follow from the metric, not from luck.
 */
class MixedPrecisionTest {
  private static final LayerQuantization FP16 = LayerQuantization.of(Precision.FP16);
  private static final LayerQuantization INT8 = LayerQuantization.of(Precision.INT8);
  private static final LayerQuantization INT4 = LayerQuantization.of(Precision.INT4);
  private static final LayerQuantization BINARY = LayerQuantization.of(Precision.BINARY);

  private static FloatModel model() {
    Random r = new Random(6);
    int[] sizes = {12, 9, 7, 5};
    List<FloatLayer> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      float[] w = new float[sizes[l] * sizes[l + 1]];
      float[] b = new float[sizes[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (r.nextGaussian() / Math.sqrt(sizes[l]));
      }
      for (int c = 0; c < b.length; c++) {
        b[c] = (float) (0.1 * r.nextGaussian());
      }
      layers.add(
          new FloatLayer(
              "fc" + (l + 1),
              DenseWeights.of(sizes[l], sizes[l + 1], w, b),
              l < 2 ? Activation.RELU : Activation.NONE));
    }
    return FloatModel.of(layers);
  }

  private static float[] samples(int count) {
    Random r = new Random(7);
    float[] x = new float[count * 12];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  /**
   * A metric that charges a fixed cost in points per layer and precision (fc1 tolerates anything,
   * fc2 loses 0.3 at INT4 and 2 at BINARY, fc3 loses 0.4 at INT4 and 5 at BINARY), from 0.9.
   */
  private static final AccuracyMetric COSTS =
      model -> {
        double points = 0;
        for (int k = 0; k < model.size(); k++) {
          String label = model.layer(k).label();
          String name = model.layer(k).name();
          if (name.equals("fc2")) {
            points += label.startsWith("int4") ? 0.3 : label.startsWith("binary") ? 2 : 0;
          } else if (name.equals("fc3")) {
            points += label.startsWith("int4") ? 0.4 : label.startsWith("binary") ? 5 : 0;
          }
        }
        return 0.9 - points / 100;
      };

  private static PlanEvaluator evaluator(AccuracyMetric metric) {
    return new PlanEvaluator(model(), samples(40), 40, metric);
  }

  @Test
  void sensitivityMeasuresEveryLayerAtEveryCandidateWithTheOthersAtFp32() {
    List<String> seen = new ArrayList<>();
    AccuracyMetric recording =
        model -> {
          StringBuilder s = new StringBuilder();
          for (int k = 0; k < model.size(); k++) {
            s.append(model.layer(k).label()).append(k < model.size() - 1 ? "," : "");
          }
          seen.add(s.toString());
          return COSTS.accuracy(model);
        };
    SensitivityReport report = SensitivityAnalysis.run(evaluator(recording), List.of(INT8, BINARY));
    assertEquals(
        List.of(
            "fp32,fp32,fp32",
            "int8 static,fp32,fp32",
            "binary weight-only,fp32,fp32",
            "fp32,int8 static,fp32",
            "fp32,binary weight-only,fp32",
            "fp32,fp32,int8 static",
            "fp32,fp32,binary weight-only"),
        seen);
    assertEquals(0.9, report.fp32Accuracy());
    assertEquals(6, report.rows().size());
    assertEquals(5.0, report.row("fc3", BINARY).dropPoints(), 1e-9);
    assertEquals(0.0, report.row("fc1", BINARY).dropPoints(), 1e-9);
  }

  @Test
  void sensitivityRanksByDropThenByLowerSqnr() {
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator(COSTS), SensitivityAnalysis.DEFAULT_CANDIDATES);
    List<LayerSensitivity> ranked = report.ranked();
    assertEquals("fc3", ranked.get(0).layer());
    assertEquals(BINARY, ranked.get(0).quantization());
    assertEquals("fc2", ranked.get(1).layer());
    assertEquals(BINARY, ranked.get(1).quantization());
    for (int i = 1; i < ranked.size(); i++) {
      LayerSensitivity a = ranked.get(i - 1);
      LayerSensitivity b = ranked.get(i);
      assertTrue(
          a.dropPoints() > b.dropPoints()
              || a.dropPoints() == b.dropPoints() && a.sqnrDb() <= b.sqnrDb(),
          a + " before " + b);
    }
  }

  @Test
  void sensitivityReportsTheLayersOwnSqnrAndSize() {
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator(COSTS), SensitivityAnalysis.DEFAULT_CANDIDATES);
    for (String layer : List.of("fc1", "fc2", "fc3")) {
      double fp16 = report.row(layer, FP16).sqnrDb();
      double int8 = report.row(layer, INT8).sqnrDb();
      double int4 = report.row(layer, INT4).sqnrDb();
      double binary = report.row(layer, BINARY).sqnrDb();
      // Each bit is worth about 6 dB: fewer bits must not measure cleaner.
      assertTrue(
          fp16 > int8 && int8 > int4 && int4 > binary,
          layer + ": " + fp16 + " " + int8 + " " + int4 + " " + binary);
    }
    // The size is the quantized layer's own, not the model's: fc2 at FP16 is 9 x 7 halves + 7 float
    // biases.
    assertEquals(2 * 9 * 7 + 4 * 7, report.row("fc2", FP16).layerBytes());
    PrecisionPlan fc3Int4 = PrecisionPlan.fp32(model()).with("fc3", INT4);
    assertEquals(
        evaluator(COSTS).quantize(fc3Int4).layer(2).parameterBytes(),
        report.row("fc3", INT4).layerBytes());
  }

  @Test
  void plannerPicksTheLowestPrecisionPerLayerWithinTheBudget() {
    PlanEvaluator evaluator = evaluator(COSTS);
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator, SensitivityAnalysis.DEFAULT_CANDIDATES);
    PlannedModel planned = AccuracyBudgetPlanner.plan(evaluator, report, 0.5);
    // fc1 is free at BINARY; fc2 INT4 (0.3) fits; fc3 INT4 would add 0.4 (0.7 > 0.5): INT8.
    assertEquals(BINARY, planned.plan().layer("fc1"));
    assertEquals(INT4, planned.plan().layer("fc2"));
    assertEquals(INT8, planned.plan().layer("fc3"));
    assertEquals(0.3, planned.dropPoints(), 1e-9);
    assertTrue(planned.withinBudget());
    QuantizedModel model = evaluator.quantize(planned.plan());
    assertEquals(model.parameterBytes(), planned.bytes());
  }

  @Test
  void plannerVisitsTheLeastSensitiveLayerPerByteFirstAndSkipsMovesOverBudgetAlone() {
    PlanEvaluator evaluator = evaluator(COSTS);
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator, SensitivityAnalysis.DEFAULT_CANDIDATES);
    List<PlannerStep> steps = AccuracyBudgetPlanner.plan(evaluator, report, 0.5).steps();
    assertEquals("fc1", steps.get(0).layer());
    assertEquals(PlannerStep.Outcome.ACCEPTED, steps.get(0).outcome());
    assertEquals(
        new PlannerStep("fc2", BINARY, PlannerStep.Outcome.SKIPPED, Double.NaN), steps.get(1));
    assertEquals(PlannerStep.Outcome.ACCEPTED, steps.get(2).outcome());
    assertEquals("fc3", steps.get(3).layer());
    assertEquals(PlannerStep.Outcome.SKIPPED, steps.get(3).outcome());
    assertEquals(
        new PlannerStep("fc3", INT4, PlannerStep.Outcome.REJECTED, 0.9 - 0.7 / 100), steps.get(4));
    assertEquals(
        new PlannerStep("fc3", INT8, PlannerStep.Outcome.ACCEPTED, 0.9 - 0.3 / 100), steps.get(5));
    assertEquals(6, steps.size());
  }

  @Test
  void aZeroBudgetKeepsOnlyFreeMovesAndALargeOneGoesAllBinary() {
    PlanEvaluator evaluator = evaluator(COSTS);
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator, SensitivityAnalysis.DEFAULT_CANDIDATES);
    PlannedModel strict = AccuracyBudgetPlanner.plan(evaluator, report, 0);
    assertEquals(
        "fc1=binary weight-only, fc2=int8 static, fc3=int8 static", strict.plan().toString());
    assertEquals(0.9, strict.accuracy(), 1e-12);
    PlannedModel loose = AccuracyBudgetPlanner.plan(evaluator, report, 10);
    assertEquals(
        "fc1=binary weight-only, fc2=binary weight-only, fc3=binary weight-only",
        loose.plan().toString());
    assertEquals(7.0, loose.dropPoints(), 1e-9);
    assertTrue(loose.bytes() < strict.bytes());
  }

  @Test
  void plannerWeighsSensitivityByTheBytesSavedSoASmallLayerDoesNotSpendTheBigLayersBudget() {
    // fc1 (12 x 9) costs 0.4 points at INT4, the much smaller fc3 (7 x 5) 0.3: both together exceed
    // 0.5, and fc1 saves more than three times the bytes, so fc1 gets INT4 and fc3 stays at INT8.
    AccuracyMetric costs =
        model -> {
          double points = 0;
          for (int k = 0; k < model.size(); k++) {
            String label = model.layer(k).label();
            double int4 = k == 0 ? 0.4 : k == 2 ? 0.3 : 0;
            points += label.startsWith("int4") ? int4 : label.startsWith("binary") ? 5 : 0;
          }
          return 0.9 - points / 100;
        };
    PlanEvaluator evaluator = evaluator(costs);
    PlannedModel planned =
        AccuracyBudgetPlanner.plan(
            evaluator,
            SensitivityAnalysis.run(evaluator, SensitivityAnalysis.DEFAULT_CANDIDATES),
            0.5);
    assertEquals("fc1=int4 dynamic, fc2=int4 dynamic, fc3=int8 static", planned.plan().toString());
    assertEquals(0.4, planned.dropPoints(), 1e-9);
  }

  @Test
  void plannerRejectsABadBudget() {
    PlanEvaluator evaluator = evaluator(COSTS);
    SensitivityReport report = SensitivityAnalysis.run(evaluator, List.of(INT8));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AccuracyBudgetPlanner.plan(evaluator, report, -0.5));
    assertEquals("budgetPoints: expected a finite number of points >= 0, got -0.5", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> AccuracyBudgetPlanner.plan(evaluator, report, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccuracyBudgetPlanner.plan(evaluator, report, Double.POSITIVE_INFINITY));
  }

  @Test
  void analysisRejectsNoCandidatesAndFp32AsACandidate() {
    PlanEvaluator evaluator = evaluator(COSTS);
    IllegalArgumentException none =
        assertThrows(
            IllegalArgumentException.class, () -> SensitivityAnalysis.run(evaluator, List.of()));
    assertEquals(
        "candidates: expected at least one precision below FP32, got none", none.getMessage());
    IllegalArgumentException fp32 =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SensitivityAnalysis.run(
                    evaluator, List.of(INT8, LayerQuantization.of(Precision.FP32))));
    assertEquals(
        "candidates: expected precisions below FP32 (FP32 is the baseline), got [int8 static, fp32]",
        fp32.getMessage());
  }

  @Test
  void evaluatorRejectsMissingOrMisSizedCalibrationSamples() {
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PlanEvaluator(model(), new float[0], 0, COSTS));
    assertEquals("count: expected >= 1 calibration sample, got 0", zero.getMessage());
    IllegalArgumentException length =
        assertThrows(
            IllegalArgumentException.class,
            () -> new PlanEvaluator(model(), new float[25], 2, COSTS));
    assertTrue(length.getMessage().contains("samples"), length.getMessage());
  }

  @Test
  void planRejectsAnUnknownLayer() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PrecisionPlan.fp32(model()).with("fc9", INT8));
    assertEquals("name: expected one of the layers [fc1, fc2, fc3], got 'fc9'", e.getMessage());
  }

  @Test
  void annotationsWriteOnlyWhatDiffersFromTheDefaults() {
    assertEquals("@Quantize(precision = Precision.INT8)", QuantizeAnnotations.of(INT8));
    assertEquals(
        "@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)",
        QuantizeAnnotations.of(INT4));
    assertEquals("@Quantize(precision = Precision.BINARY)", QuantizeAnnotations.of(BINARY));
    assertEquals("@Quantize(precision = Precision.FP16)", QuantizeAnnotations.of(FP16));
    assertEquals("", QuantizeAnnotations.of(LayerQuantization.of(Precision.FP32)));
    LayerQuantization blocks =
        INT4.withMode(dev.quantgen.runtime.layer.ActivationMode.FLOAT)
            .withSymmetric(false)
            .withBlockSize(32);
    assertEquals(
        "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC, activations = Activations.FLOAT, "
            + "blockSize = 32)",
        QuantizeAnnotations.of(blocks));
    assertEquals(
        "@Quantize(precision = Precision.INT8, perChannel = false)",
        QuantizeAnnotations.of(INT8.withPerChannel(false)));
    assertEquals(
        "@Quantize(precision = Precision.INT8, requantization = Requantization.FLOAT)",
        QuantizeAnnotations.of(
            INT8.withRequantization(dev.quantgen.runtime.numerics.RequantMode.FLOAT)));
    assertEquals(
        "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
        QuantizeAnnotations.of(BINARY.withMode(dev.quantgen.runtime.layer.ActivationMode.BINARY)));
  }

  @Test
  void planSourceNamesEachLayerAndLeavesFp32Unannotated() {
    PrecisionPlan plan = PrecisionPlan.fp32(model()).with("fc1", INT4).with("fc2", INT8);
    assertEquals(
        "// fc1: int4 dynamic\n@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)\n"
            + "// fc2: int8 static\n@Quantize(precision = Precision.INT8)\n"
            + "// fc3: fp32 (no @Quantize: the FP32 kernel is always generated)\n",
        QuantizeAnnotations.of(plan));
  }
}
