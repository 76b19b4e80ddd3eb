package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.plan.PlanTarget;
import dev.quantgen.quantize.plan.PrecisionPlan;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.training.network.Convolution;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.WeightTransform;
import dev.quantgen.training.qat.ActivationQuant;
import dev.quantgen.training.qat.BinaryWeights;
import dev.quantgen.training.qat.PerChannelWeightQuant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link FashionCnn} under a per-layer precision plan, measured by simulated quantization (as
 * accuracy-driven tuners measure candidate plans): each conv and dense layer's weights are seen as
 * their precision stores them (binary16; INT8 or INT4 per-channel symmetric, exactly as the integer
 * kernels quantize; sign and mean |w|), and an INT8 or INT4 layer reads its input through an int8
 * quantize-dequantize with the range the FP32 network showed on the calibration images (static
 * activations). FP16 and BINARY layers read float activations. The uniform INT8 and INT4 plans are
 * also run on the integer convolutions in the results table.
 */
final class CnnPlanTarget implements PlanTarget {
  private final Network fp32;
  private final Dataset evaluation;
  private final Map<String, float[]> inputRanges = new HashMap<>();
  private final List<String> layers = new ArrayList<>();

  /**
   * @param calibration the images whose FP32 activations give each layer's input range
   * @param evaluation the images whose top-1 accuracy judges a plan
   */
  CnnPlanTarget(Network fp32, Dataset calibration, Dataset evaluation) {
    this.fp32 = fp32;
    this.evaluation = evaluation;
    float[] x = new float[calibration.size() * calibration.inputSize()];
    for (int i = 0; i < calibration.size(); i++) {
      calibration.copyInput(i, x, i * calibration.inputSize());
    }
    List<Layer> all = fp32.layers();
    float[] a = x;
    for (int k = 0; k < all.size(); k++) {
      Layer layer = all.get(k);
      if (layer instanceof Convolution || layer instanceof Linear) {
        String name = layer instanceof Convolution c ? c.name() : ((Linear) layer).name();
        layers.add(name);
        inputRanges.put(name, range(a));
      }
      a = Network.of(List.of(layer)).outputs(a, calibration.size());
    }
  }

  private static float[] range(float[] a) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : a) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new float[] {lo, hi};
  }

  @Override
  public List<String> layerNames() {
    return List.copyOf(layers);
  }

  @Override
  public double accuracy(PrecisionPlan plan) {
    return network(plan).accuracy(evaluation, 2);
  }

  /** The simulated network of {@code plan}. */
  Network network(PrecisionPlan plan) {
    List<Layer> out = new ArrayList<>();
    for (Layer layer : fp32.layers()) {
      if (!(layer instanceof Convolution) && !(layer instanceof Linear)) {
        out.add(layer);
        continue;
      }
      String name = layer instanceof Convolution c ? c.name() : ((Linear) layer).name();
      LayerQuantization q = plan.layer(name);
      Precision p = q.precision();
      if ((p == Precision.INT8 || p == Precision.INT4) && !q.isStatic()) {
        throw new IllegalArgumentException(
            "plan: "
                + name
                + " = "
                + q.label()
                + ", expected static activations for INT8 and INT4 (what the integer convolutions run)");
      }
      if (p == Precision.INT8 || p == Precision.INT4) {
        float[] r = inputRanges.get(name);
        out.add(ActivationQuant.fixedRange(layer.inputSize(), r[0], r[1]));
      }
      WeightTransform t = transform(p);
      out.add(
          layer instanceof Convolution c ? c.withTransform(t) : ((Linear) layer).withTransform(t));
    }
    return Network.of(out);
  }

  private static WeightTransform transform(Precision p) {
    return switch (p) {
      case FP32 -> WeightTransform.IDENTITY;
      case FP16 -> FashionCnnResults::halfWeights;
      case INT8 -> PerChannelWeightQuant.nearest(QuantType.INT8);
      case INT4 -> PerChannelWeightQuant.nearest(QuantType.INT4);
      case BINARY -> new BinaryWeights();
    };
  }

  @Override
  public long layerBytes(String layer, LayerQuantization quantization) {
    for (Layer l : fp32.layers()) {
      if (l instanceof Convolution c && c.name().equals(layer)) {
        return FashionCnnResults.layerBytes(
            c.filters(), c.channels() * c.kernel() * c.kernel(), bits(quantization.precision()));
      }
      if (l instanceof Linear d && d.name().equals(layer)) {
        return FashionCnnResults.layerBytes(
            d.outputSize(), d.inputSize(), bits(quantization.precision()));
      }
    }
    throw new IllegalArgumentException(
        "layer: expected one of " + layers + ", got '" + layer + "'");
  }

  private static int bits(Precision p) {
    return switch (p) {
      case FP32 -> 32;
      case FP16 -> 16;
      case INT8 -> 8;
      case INT4 -> 4;
      case BINARY -> 1;
    };
  }
}
