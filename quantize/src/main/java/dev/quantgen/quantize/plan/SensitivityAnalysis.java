package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.model.Precision;
import java.util.ArrayList;
import java.util.List;

/**
 * Quantizes one layer at a time at each candidate precision, the rest of the model at FP32, and
 * records the model's accuracy drop and the layer's own SQNR (measured on the FP32 model's input to
 * the layer, over the calibration samples, so earlier layers do not blur it).
 */
public final class SensitivityAnalysis {
  /**
   * The post-training defaults of each lower precision ({@link LayerQuantization#of}), from high to
   * low: FP16, INT8 static, INT4 with dynamic int8 activations, BINARY with float activations.
   */
  public static final List<LayerQuantization> DEFAULT_CANDIDATES =
      List.of(
          LayerQuantization.of(Precision.FP16),
          LayerQuantization.of(Precision.INT8),
          LayerQuantization.of(Precision.INT4),
          LayerQuantization.of(Precision.BINARY));

  private SensitivityAnalysis() {}

  /**
   * Measures every layer at every candidate.
   *
   * @throws IllegalArgumentException if {@code candidates} is empty or holds FP32 (the baseline)
   */
  public static SensitivityReport run(PlanTarget target, List<LayerQuantization> candidates) {
    checkCandidates(candidates);
    PrecisionPlan fp32 = PrecisionPlan.fp32(target.layerNames());
    double base = target.accuracy(fp32);
    List<LayerSensitivity> rows = new ArrayList<>();
    for (String layer : fp32.layerNames()) {
      for (LayerQuantization q : candidates) {
        PrecisionPlan alone = fp32.with(layer, q);
        double accuracy = target.accuracy(alone);
        rows.add(
            new LayerSensitivity(
                layer,
                q,
                accuracy,
                100 * (base - accuracy),
                target.layerSqnrDb(alone, layer),
                target.layerBytes(layer, q)));
      }
    }
    return new SensitivityReport(base, rows);
  }

  static void checkCandidates(List<LayerQuantization> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException(
          "candidates: expected at least one precision below FP32, got none");
    }
    for (LayerQuantization q : candidates) {
      if (q.precision() == Precision.FP32) {
        throw new IllegalArgumentException(
            "candidates: expected precisions below FP32 (FP32 is the baseline), got "
                + candidates.stream().map(LayerQuantization::label).toList());
      }
    }
  }
}
