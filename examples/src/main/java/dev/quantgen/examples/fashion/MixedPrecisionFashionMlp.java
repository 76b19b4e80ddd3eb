package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.plan.AccuracyBudgetPlanner;
import dev.quantgen.quantize.plan.AccuracyMetric;
import dev.quantgen.quantize.plan.PlanEvaluator;
import dev.quantgen.quantize.plan.PlannedModel;
import dev.quantgen.quantize.plan.QuantizeAnnotations;
import dev.quantgen.quantize.plan.SensitivityAnalysis;
import dev.quantgen.quantize.plan.SensitivityReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Mixed precision for the committed FP32 Fashion-MNIST MLP, post-training: the per-layer
 * sensitivity table (each layer alone at FP16, INT8, INT4, BINARY), then the accuracy-budget plan,
 * its search, its measured size and accuracy, and the {@code @Quantize} annotations to write.
 *
 * <p>Usage: {@code MixedPrecisionFashionMlp [--budget POINTS] [--data DIR] [--embedded]}. By
 * default it calibrates on {@link FashionResults#CALIBRATION} training images and measures on the
 * full test set (the same set plans and reports, see {@link AccuracyBudgetPlanner}); {@code
 * --embedded} needs no dataset: it calibrates on the last 500 of the 2,000 embedded test images and
 * measures on the other 1,500.
 */
public final class MixedPrecisionFashionMlp {
  /** The example budget: at most half a point below FP32. */
  static final double DEFAULT_BUDGET_POINTS = 0.5;

  /** Embedded images 0..1499 are measured, 1500..1999 calibrate. */
  static final int EMBEDDED_EVALUATED = 1500;

  private MixedPrecisionFashionMlp() {}

  public static void main(String[] args) throws IOException {
    double budget = DEFAULT_BUDGET_POINTS;
    Path data = FashionData.DEFAULT_DIR;
    boolean embedded = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--budget" -> budget = Double.parseDouble(value(args, ++i));
        case "--data" -> data = Path.of(value(args, ++i));
        case "--embedded" -> embedded = true;
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; expected --budget POINTS, --data DIR or --embedded");
      }
    }
    Dataset evaluation;
    float[] calibration;
    if (embedded) {
      Dataset subset = embeddedTestSubset();
      evaluation = subset.subset(0, EMBEDDED_EVALUATED);
      calibration = inputs(subset.subset(EMBEDDED_EVALUATED, subset.size()));
    } else {
      evaluation = FashionData.test(data);
      calibration = FashionResults.calibration(FashionData.train(data));
    }
    run(evaluation, calibration, budget, System.out);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + ": expected a value");
    }
    return args[i];
  }

  /** Analyses, plans within {@code budgetPoints} and prints everything to {@code out}. */
  static PlannedModel run(
      Dataset evaluation, float[] calibration, double budgetPoints, PrintStream out)
      throws IOException {
    int count = calibration.length / evaluation.inputSize();
    PlanEvaluator evaluator =
        new PlanEvaluator(
            FashionResults.mlpFloatModel(),
            calibration,
            count,
            AccuracyMetric.topOne(evaluation, 2));
    SensitivityReport report =
        SensitivityAnalysis.run(evaluator, SensitivityAnalysis.DEFAULT_CANDIDATES);
    out.printf(
        Locale.ROOT,
        "Sensitivity of the 784-256-128-10 MLP, one layer quantized at a time (FP32 %.4f on "
            + "%d images, %d calibration images), most sensitive first:%n",
        report.fp32Accuracy(),
        evaluation.size(),
        count);
    out.println(report.table().render());
    PlannedModel planned = AccuracyBudgetPlanner.plan(evaluator, report, budgetPoints);
    out.printf(
        Locale.ROOT,
        "Planner search (budget %.2f points below FP32, least sensitive layer first, lowest "
            + "precision first):%n",
        budgetPoints);
    out.println(planned.stepsTable().render());
    out.println(planned.summary());
    out.println();
    out.println("The @Quantize annotations to write:");
    out.print(QuantizeAnnotations.of(planned.plan()));
    return planned;
  }

  static Dataset embeddedTestSubset() throws IOException {
    return Dataset.of(
        Idx.readImages(FashionResults.resource(ExportFashionTestSubset.IMAGES)),
        Idx.readLabels(FashionResults.resource(ExportFashionTestSubset.LABELS)),
        10);
  }

  private static float[] inputs(Dataset data) {
    float[] x = new float[data.size() * data.inputSize()];
    for (int i = 0; i < data.size(); i++) {
      data.copyInput(i, x, i * data.inputSize());
    }
    return x;
  }
}
