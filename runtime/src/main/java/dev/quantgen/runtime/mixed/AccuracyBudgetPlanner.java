package dev.quantgen.runtime.mixed;

import dev.quantgen.runtime.ptq.LayerQuantization;
import dev.quantgen.runtime.ptq.QuantizedModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the lowest precision per layer that keeps the model within an accuracy budget, in the
 * spirit of accuracy-driven tuning (Intel Neural Compressor, HAWQ's greedy variant): layers are
 * visited least sensitive first (smallest accuracy drop at the lowest candidate precision, then
 * highest SQNR), and each tries the candidates from the lowest precision up; a move is kept if the
 * model with it and every move kept before stays within the budget. Moves whose layer alone already
 * exceeds the budget are skipped without evaluation (quantizing more layers rarely wins back
 * accuracy). The final plan is quantized and evaluated once more, so the reported figures are
 * measured, not predicted.
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
  public static PlannedModel plan(PlanEvaluator evaluator, SensitivityReport report, double budgetPoints) {
    if (!(budgetPoints >= 0) || Double.isInfinite(budgetPoints)) {
      throw new IllegalArgumentException("budgetPoints: expected a finite number of points >= 0, got " + budgetPoints);
    }
    PrecisionPlan plan = PrecisionPlan.fp32(evaluator.model());
    List<LayerQuantization> lowestFirst = candidatesLowestFirst(report);
    double base = report.fp32Accuracy();
    List<PlannerStep> steps = new ArrayList<>();
    for (String layer : leastSensitiveFirst(plan.layerNames(), report, lowestFirst.get(0))) {
      for (LayerQuantization q : lowestFirst) {
        if (report.row(layer, q).dropPoints() > budgetPoints + EPSILON_POINTS) {
          steps.add(new PlannerStep(layer, q, PlannerStep.Outcome.SKIPPED, Double.NaN));
          continue;
        }
        PrecisionPlan trial = plan.with(layer, q);
        double accuracy = evaluator.accuracy(evaluator.quantize(trial));
        boolean ok = withinBudget(base, accuracy, budgetPoints);
        steps.add(new PlannerStep(layer, q, ok ? PlannerStep.Outcome.ACCEPTED : PlannerStep.Outcome.REJECTED, accuracy));
        if (ok) {
          plan = trial;
          break;
        }
      }
    }
    QuantizedModel chosen = evaluator.quantize(plan);
    long fp32Bytes = evaluator.quantize(PrecisionPlan.fp32(evaluator.model())).parameterBytes();
    return new PlannedModel(plan, budgetPoints, base, evaluator.accuracy(chosen), chosen.parameterBytes(), fp32Bytes,
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

  private static List<String> leastSensitiveFirst(List<String> layers, SensitivityReport report,
      LayerQuantization lowest) {
    List<String> order = new ArrayList<>(layers);
    order.sort(Comparator.comparing((String l) -> report.row(l, lowest), SensitivityReport.MOST_SENSITIVE_FIRST)
        .reversed());
    return order;
  }
}
