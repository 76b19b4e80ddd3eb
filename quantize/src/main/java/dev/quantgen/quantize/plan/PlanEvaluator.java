package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.calibrate.LayerErrorReport;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerErrors;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.model.QuantizedModel;
import java.util.List;
import java.util.Objects;

/**
 * Quantizes one FP32 model under any {@link PrecisionPlan} (post-training, with fixed calibration
 * samples) and measures the result, so that every plan a search tries is judged the same way. Not
 * thread-safe: it keeps the last quantized plan.
 */
public final class PlanEvaluator implements PlanTarget {
  private final FloatModel model;
  private final float[] samples;
  private final int count;
  private final AccuracyMetric metric;

  /**
   * The last plan quantized, and its model: the search asks for accuracy and SQNR of one plan in
   * turn.
   */
  private PrecisionPlan lastPlan;

  private QuantizedModel lastModel;

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
    if (!plan.equals(lastPlan)) {
      lastModel = PostTrainingQuantizer.quantize(model, plan.toPtqConfig(), samples, count);
      lastPlan = plan;
    }
    return lastModel;
  }

  /** The accuracy of {@code model} (quantized by {@link #quantize}). */
  public double accuracy(QuantizedModel quantized) {
    return metric.accuracy(quantized);
  }

  @Override
  public List<String> layerNames() {
    return model.layers().stream().map(FloatLayer::name).toList();
  }

  @Override
  public double accuracy(PrecisionPlan plan) {
    return accuracy(quantize(plan));
  }

  @Override
  public long layerBytes(String layer, LayerQuantization quantization) {
    PrecisionPlan plan = PrecisionPlan.fp32(model).with(layer, quantization);
    return quantize(plan).layer(layerNames().indexOf(layer)).parameterBytes();
  }

  @Override
  public double layerSqnrDb(PrecisionPlan plan, String layer) {
    LayerErrorReport errors = LayerErrors.measure(model, quantize(plan), samples, count);
    return errors.rows().get(layerNames().indexOf(layer)).sqnrDb();
  }

  @Override
  public long bytes(PrecisionPlan plan) {
    return quantize(plan).parameterBytes();
  }
}
