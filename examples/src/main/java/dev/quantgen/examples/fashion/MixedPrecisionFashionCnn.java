package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.plan.AccuracyBudgetPlanner;
import dev.quantgen.quantize.plan.PlannedModel;
import dev.quantgen.quantize.plan.QuantizeAnnotations;
import dev.quantgen.quantize.plan.SensitivityAnalysis;
import dev.quantgen.quantize.plan.SensitivityReport;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.training.network.Network;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Mixed precision for the committed FP32 Fashion-MNIST CNN, post-training: the per-layer
 * sensitivity table (each of conv1, conv2, fc1, fc2 alone at FP16, INT8, INT4, BINARY, measured by
 * {@link CnnPlanTarget}'s simulated quantization), then the accuracy-budget plan, its search, its
 * size and accuracy, and the {@code @Quantize} annotations to write.
 *
 * <p>Usage: {@code MixedPrecisionFashionCnn [--budget POINTS] [--data DIR]}: calibrates on {@link
 * FashionResults#CALIBRATION} training images and measures on the full test set (the same set plans
 * and reports, see {@link AccuracyBudgetPlanner}).
 */
public final class MixedPrecisionFashionCnn {
  /**
   * FP16, INT8 and INT4 with static int8 activations (what the integer convolutions run), and
   * binary weights with float activations, from high to low.
   */
  static final List<LayerQuantization> CANDIDATES =
      List.of(
          LayerQuantization.of(Precision.FP16),
          LayerQuantization.of(Precision.INT8),
          LayerQuantization.of(Precision.INT4).withMode(ActivationMode.STATIC),
          LayerQuantization.of(Precision.BINARY));

  private MixedPrecisionFashionCnn() {}

  public static void main(String[] args) throws IOException {
    double budget = MixedPrecisionFashionMlp.DEFAULT_BUDGET_POINTS;
    Path data = FashionData.DEFAULT_DIR;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--budget" -> budget = Double.parseDouble(args[i + 1]);
        case "--data" -> data = Path.of(args[i + 1]);
        default ->
            throw new IllegalArgumentException(
                "unknown argument " + args[i] + "; expected --budget POINTS or --data DIR");
      }
    }
    Dataset train = FashionData.train(data);
    run(
        FashionData.test(data),
        train.shuffled(QatFashionMlp.SEED).subset(0, FashionResults.CALIBRATION),
        budget,
        System.out);
  }

  /** Analyses, plans within {@code budgetPoints} and prints everything to {@code out}. */
  static PlannedModel run(
      Dataset evaluation, Dataset calibration, double budgetPoints, PrintStream out)
      throws IOException {
    Network fp32 = FashionCnn.load(FashionResults.resource(QatFashionCnn.CNN_FP32));
    CnnPlanTarget target = new CnnPlanTarget(fp32, calibration, evaluation);
    SensitivityReport report = SensitivityAnalysis.run(target, CANDIDATES);
    out.printf(
        Locale.ROOT,
        "Sensitivity of the Fashion-MNIST CNN, one layer quantized at a time (FP32 %.4f on %d "
            + "images, %d calibration images; simulated quantization, no layer SQNR), most sensitive first:%n",
        report.fp32Accuracy(),
        evaluation.size(),
        calibration.size());
    out.println(report.table().render());
    PlannedModel planned = AccuracyBudgetPlanner.plan(target, report, budgetPoints);
    out.printf(
        Locale.ROOT,
        "Planner search (budget %.2f points below FP32, least sensitive layer per byte first, "
            + "lowest precision first):%n",
        budgetPoints);
    out.println(planned.stepsTable().render());
    out.println(planned.summary());
    out.println();
    out.println("The @Quantize annotations to write:");
    out.print(QuantizeAnnotations.of(planned.plan()));
    return planned;
  }
}
