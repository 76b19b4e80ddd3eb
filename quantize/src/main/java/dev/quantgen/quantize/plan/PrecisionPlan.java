package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.Precision;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How each layer of a model is quantized, in the model's layer order. Immutable; {@link #with}
 * returns a copy.
 */
public final class PrecisionPlan {
  private static final LayerQuantization FP32 = LayerQuantization.of(Precision.FP32);

  private final Map<String, LayerQuantization> layers;

  private PrecisionPlan(Map<String, LayerQuantization> layers) {
    this.layers = Collections.unmodifiableMap(layers);
  }

  /** Every layer of {@code model} at FP32. */
  public static PrecisionPlan fp32(FloatModel model) {
    return fp32(model.layers().stream().map(FloatLayer::name).toList());
  }

  /**
   * Every layer of {@code layers} (names in model order) at FP32.
   *
   * @throws IllegalArgumentException if {@code layers} is empty or names a layer twice
   */
  public static PrecisionPlan fp32(List<String> layers) {
    Map<String, LayerQuantization> m = new LinkedHashMap<>();
    for (String name : layers) {
      if (m.put(name, FP32) != null) {
        throw new IllegalArgumentException("layers: '" + name + "' appears twice in " + layers);
      }
    }
    if (m.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    return new PrecisionPlan(m);
  }

  /**
   * A copy with layer {@code name} quantized as {@code quantization}.
   *
   * @throws IllegalArgumentException if the plan has no layer {@code name}
   */
  public PrecisionPlan with(String name, LayerQuantization quantization) {
    Objects.requireNonNull(quantization, "quantization");
    requireLayer(name);
    Map<String, LayerQuantization> copy = new LinkedHashMap<>(layers);
    copy.put(name, quantization);
    return new PrecisionPlan(copy);
  }

  /**
   * How layer {@code name} is quantized.
   *
   * @throws IllegalArgumentException if the plan has no layer {@code name}
   */
  public LayerQuantization layer(String name) {
    requireLayer(name);
    return layers.get(name);
  }

  /** The layer names in model order. */
  public List<String> layerNames() {
    return new ArrayList<>(layers.keySet());
  }

  /** The post-training quantization configuration that applies this plan. */
  public PtqConfig toPtqConfig() {
    PtqConfig config = PtqConfig.of(FP32);
    for (Map.Entry<String, LayerQuantization> e : layers.entrySet()) {
      config = config.withLayer(e.getKey(), e.getValue());
    }
    return config;
  }

  private void requireLayer(String name) {
    if (!layers.containsKey(name)) {
      throw new IllegalArgumentException(
          "name: expected one of the layers " + layers.keySet() + ", got '" + name + "'");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrecisionPlan p && p.layers.equals(layers);
  }

  @Override
  public int hashCode() {
    return layers.hashCode();
  }

  /** {@code fc1=int4 dynamic, fc2=int8 static, fc3=fp32}. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    layers.forEach((name, q) -> parts.add(name + "=" + q.label()));
    return String.join(", ", parts);
  }
}
