package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.model.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the lowest precision per layer that keeps the model within an accuracy budget, in the
 * spirit of accuracy-driven tuning (Intel Neural Compressor; HAWQ weighs sensitivity by size the
 * same way): each layer's sensitivity is the accuracy it costs alone at the lowest candidate that
 * alone fits the budget, divided by the bytes that candidate saves against FP32, and layers are
 * visited least sensitive per byte first. Without the division a tiny last layer that costs a
 * little would spend the budget that the large first layer needs (measured on the Fashion MLP: fc3
 * at INT4 saves 800 bytes and cost fc1 its INT4, 100 KB). Each visited layer tries the candidates
 * from the lowest precision up, and a move is kept if the model with it and every move kept before
 * stays within the budget. Moves whose layer alone already exceeds the budget are skipped without
 * evaluation (quantizing more layers rarely wins back accuracy). The final plan is quantized and
 * evaluated once more, so the reported figures are measured, not predicted.
 *
 * <p>The evaluator's data decides the accuracy; planning and reporting on the same set (as the
 * examples do on the test set) flatters the plan slightly, a held-out set avoids it.
 */
public final class AccuracyBudgetPlanner {
  /** Rounding slack when comparing drops in points, far below one sample of any real test set. */
  private static final double EPSILON_POINTS = 1e-9;

  private AccuracyBudgetPlanner() {}

  /**
   * Searches a plan within {@code budgetPoints} percentage points of FP32 accuracy.
   *
   * @param report the layers' sensitivities measured by {@link SensitivityAnalysis} with the same
   *     evaluator; its candidates are the precisions the planner may choose
   * @throws IllegalArgumentException if {@code budgetPoints} is negative, NaN or infinite, or the
   *     report does not cover the evaluator's layers
   */
  public static PlannedModel plan(
      PlanTarget target, SensitivityReport report, double budgetPoints) {
    if (!(budgetPoints >= 0) || Double.isInfinite(budgetPoints)) {
      throw new IllegalArgumentException(
          "budgetPoints: expected a finite number of points >= 0, got " + budgetPoints);
    }
    PrecisionPlan fp32 = PrecisionPlan.fp32(target.layerNames());
    PrecisionPlan plan = fp32;
    List<LayerQuantization> lowestFirst = candidatesLowestFirst(report);
    double base = report.fp32Accuracy();
    List<PlannerStep> steps = new ArrayList<>();
    for (String layer : leastSensitivePerByteFirst(target, report, lowestFirst, budgetPoints)) {
      for (LayerQuantization q : lowestFirst) {
        if (report.row(layer, q).dropPoints() > budgetPoints + EPSILON_POINTS) {
          steps.add(new PlannerStep(layer, q, PlannerStep.Outcome.SKIPPED, Double.NaN));
          continue;
        }
        PrecisionPlan trial = plan.with(layer, q);
        double accuracy = target.accuracy(trial);
        boolean ok = withinBudget(base, accuracy, budgetPoints);
        steps.add(
            new PlannerStep(
                layer,
                q,
                ok ? PlannerStep.Outcome.ACCEPTED : PlannerStep.Outcome.REJECTED,
                accuracy));
        if (ok) {
          plan = trial;
          break;
        }
      }
    }
    return new PlannedModel(
        plan,
        budgetPoints,
        base,
        target.accuracy(plan),
        target.bytes(plan),
        target.bytes(fp32),
        steps);
  }

  static boolean withinBudget(double base, double accuracy, double budgetPoints) {
    return 100 * (base - accuracy) <= budgetPoints + EPSILON_POINTS;
  }

  /** The report's candidates in the reverse of their measured order (which is high to low). */
  private static List<LayerQuantization> candidatesLowestFirst(SensitivityReport report) {
    List<LayerQuantization> candidates = new ArrayList<>();
    String first = report.rows().get(0).layer();
    for (LayerSensitivity r : report.rows()) {
      if (r.layer().equals(first)) {
        candidates.add(0, r.quantization());
      }
    }
    return candidates;
  }

  private static List<String> leastSensitivePerByteFirst(
      PlanTarget target,
      SensitivityReport report,
      List<LayerQuantization> lowestFirst,
      double budgetPoints) {
    List<String> layers = target.layerNames();
    LayerQuantization fp32 = LayerQuantization.of(Precision.FP32);
    Map<String, Double> costPerByte = new HashMap<>();
    Map<String, Double> sqnr = new HashMap<>();
    for (int k = 0; k < layers.size(); k++) {
      String layer = layers.get(k);
      costPerByte.put(layer, Double.POSITIVE_INFINITY); // no candidate fits alone: visit last
      sqnr.put(layer, Double.NEGATIVE_INFINITY);
      for (LayerQuantization q : lowestFirst) {
        LayerSensitivity row = report.row(layer, q);
        if (row.dropPoints() <= budgetPoints + EPSILON_POINTS) {
          long saved = Math.max(1, target.layerBytes(layer, fp32) - row.layerBytes());
          // A negative drop (the layer helped) counts as free, not as a gain that could be spent.
          costPerByte.put(layer, Math.max(0, row.dropPoints()) / saved);
          sqnr.put(layer, row.sqnrDb());
          break;
        }
      }
    }
    List<String> order = new ArrayList<>(layers);
    order.sort(
        Comparator.comparingDouble((String l) -> costPerByte.get(l))
            .thenComparing(Comparator.comparingDouble((String l) -> sqnr.get(l)).reversed()));
    return order;
  }
}
