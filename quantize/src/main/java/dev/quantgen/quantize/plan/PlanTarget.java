package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import java.util.List;

/**
 * A model the mixed-precision search can quantize under any {@link PrecisionPlan} and measure,
 * every plan judged the same way: {@link PlanEvaluator} for dense models quantized by the runtime,
 * or a convolutional model's own evaluator.
 */
public interface PlanTarget {
  /** The quantizable layers in model order. */
  List<String> layerNames();

  /** The accuracy, a fraction in [0, 1], of the model quantized as {@code plan} says. */
  double accuracy(PrecisionPlan plan);

  /** The stored parameter size of layer {@code layer} quantized as {@code quantization}. */
  long layerBytes(String layer, LayerQuantization quantization);

  /**
   * The SQNR in dB of layer {@code layer}'s output under {@code plan} against FP32, on the FP32
   * model's input to the layer; NaN when the target does not measure it.
   */
  default double layerSqnrDb(PrecisionPlan plan, String layer) {
    return Double.NaN;
  }

  /** The whole model's stored parameter size under {@code plan}. */
  default long bytes(PrecisionPlan plan) {
    long total = 0;
    for (String layer : layerNames()) {
      total += layerBytes(layer, plan.layer(layer));
    }
    return total;
  }
}
