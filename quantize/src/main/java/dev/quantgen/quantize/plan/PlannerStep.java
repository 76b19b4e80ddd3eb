package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import java.util.Objects;

/**
 * One move the {@link AccuracyBudgetPlanner} considered: lowering {@code layer} to {@code
 * quantization} on top of the moves accepted before it.
 *
 * @param accuracy the model's accuracy with the move, or NaN when the move was skipped unevaluated
 */
public record PlannerStep(
    String layer, LayerQuantization quantization, Outcome outcome, double accuracy) {
  /** What became of the move. */
  public enum Outcome {
    /** Within the budget: the plan keeps it. */
    ACCEPTED,
    /** Evaluated and over the budget. */
    REJECTED,
    /** Not evaluated: the layer alone at this precision already exceeds the budget. */
    SKIPPED
  }

  public PlannerStep {
    Objects.requireNonNull(layer, "layer");
    Objects.requireNonNull(quantization, "quantization");
    Objects.requireNonNull(outcome, "outcome");
  }
}
