package dev.quantgen.runtime.mixed;

import dev.quantgen.runtime.ptq.FloatModel;
import dev.quantgen.runtime.ptq.PostTrainingQuantizer;
import dev.quantgen.runtime.ptq.QuantizedModel;
import dev.quantgen.runtime.layer.LayerMath;
import java.util.Objects;

/**
 * Quantizes one FP32 model under any {@link PrecisionPlan} (post-training, with fixed calibration
 * samples) and measures the result, so that every plan a search tries is judged the same way.
 */
public final class PlanEvaluator {
  private final FloatModel model;
  private final float[] samples;
  private final int count;
  private final AccuracyMetric metric;

  /**
   * @param samples {@code count} row-major calibration samples (from the training set)
   * @throws IllegalArgumentException if {@code count < 1} or {@code samples} has the wrong length
   */
  public PlanEvaluator(FloatModel model, float[] samples, int count, AccuracyMetric metric) {
    this.model = Objects.requireNonNull(model, "model");
    this.metric = Objects.requireNonNull(metric, "metric");
    if (count < 1) {
      throw new IllegalArgumentException("count: expected >= 1 calibration sample, got " + count);
    }
    LayerMath.requireLength("samples", samples.length, count * model.inputSize());
    this.samples = samples.clone();
    this.count = count;
  }

  public FloatModel model() {
    return model;
  }

  /** The model quantized as {@code plan} says. */
  public QuantizedModel quantize(PrecisionPlan plan) {
    return PostTrainingQuantizer.quantize(model, plan.toPtqConfig(), samples, count);
  }

  /** The accuracy of {@code model} (quantized by {@link #quantize}). */
  public double accuracy(QuantizedModel quantized) {
    return metric.accuracy(quantized);
  }

  /** The calibration samples (a copy), also used to measure layer SQNR. */
  float[] samples() {
    return samples.clone();
  }

  int count() {
    return count;
  }
}
