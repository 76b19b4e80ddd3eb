package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.calibrate.TextTable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the {@link AccuracyBudgetPlanner} chose, with the figures of the final plan measured after
 * the search (not predicted from the steps).
 *
 * @param plan the precision of every layer
 * @param budgetPoints the accuracy budget the plan was searched under, in percentage points
 * @param fp32Accuracy the all-FP32 accuracy
 * @param accuracy the final plan's measured accuracy
 * @param bytes the final plan's stored parameter size
 * @param fp32Bytes the all-FP32 parameter size
 * @param steps every move considered, in search order
 */
public record PlannedModel(
    PrecisionPlan plan,
    double budgetPoints,
    double fp32Accuracy,
    double accuracy,
    long bytes,
    long fp32Bytes,
    List<PlannerStep> steps) {
  public PlannedModel {
    Objects.requireNonNull(plan, "plan");
    steps = List.copyOf(steps);
  }

  /** FP32 accuracy minus the plan's, in percentage points. */
  public double dropPoints() {
    return 100 * (fp32Accuracy - accuracy);
  }

  /** Whether the measured plan keeps within the budget. */
  public boolean withinBudget() {
    return AccuracyBudgetPlanner.withinBudget(fp32Accuracy, accuracy, budgetPoints);
  }

  /** The search, one row per move: layer, precision, outcome, accuracy. */
  public TextTable stepsTable() {
    TextTable table =
        new TextTable()
            .column("step", TextTable.Align.RIGHT)
            .column("layer", TextTable.Align.LEFT)
            .column("try", TextTable.Align.LEFT)
            .column("outcome", TextTable.Align.LEFT)
            .column("accuracy", TextTable.Align.RIGHT);
    int i = 1;
    for (PlannerStep s : steps) {
      table.row(
          Integer.toString(i++),
          s.layer(),
          s.quantization().label(),
          s.outcome().name().toLowerCase(Locale.ROOT),
          Double.isNaN(s.accuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", s.accuracy()));
    }
    return table;
  }

  /**
   * {@code plan fc1=..., accuracy 0.8990 (-0.15 points, budget 0.50), 55,000 of 242,000 bytes (4.4x
   * smaller)}.
   */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "plan %s: accuracy %.4f (FP32 %.4f, drop %.2f points, budget %.2f), "
            + "%,d bytes of FP32's %,d (%.1fx smaller)",
        plan,
        accuracy,
        fp32Accuracy,
        dropPoints(),
        budgetPoints,
        bytes,
        fp32Bytes,
        (double) fp32Bytes / bytes);
  }
}
