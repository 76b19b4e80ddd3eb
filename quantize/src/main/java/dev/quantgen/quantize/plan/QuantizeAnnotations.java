package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.numerics.RequantMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code @Quantize} annotation (module {@code annotations}) that asks the processor for the
 * kernel a {@link LayerQuantization} describes, written with only the elements that differ from the
 * annotation's defaults. The runtime does not depend on the annotations module, so this produces
 * source text.
 */
public final class QuantizeAnnotations {
  private QuantizeAnnotations() {}

  /**
   * The annotation source, e.g. {@code @Quantize(precision = Precision.INT4, activations =
   * Activations.DYNAMIC)}; empty for FP32, whose kernel the processor always generates.
   */
  public static String of(LayerQuantization q) {
    if (q.precision() == Precision.FP32) {
      return "";
    }
    List<String> elements = new ArrayList<>();
    elements.add("precision = Precision." + q.precision().name());
    boolean integer = q.precision() == Precision.INT8 || q.precision() == Precision.INT4;
    if (!q.symmetric()) {
      elements.add("scheme = Scheme.ASYMMETRIC");
    }
    if (!q.perChannel() && q.precision() != Precision.FP16) {
      elements.add("perChannel = false");
    }
    // Activations.DEFAULT is STATIC for INT8/INT4 and FLOAT for the others.
    ActivationMode defaultMode = integer ? ActivationMode.STATIC : ActivationMode.FLOAT;
    if (q.mode() != defaultMode) {
      elements.add("activations = Activations." + q.mode().name());
    }
    if (q.blockSize() > 0) {
      elements.add("blockSize = " + q.blockSize());
    }
    if (q.isStatic() && q.requantization() != RequantMode.INTEGER) {
      elements.add("requantization = Requantization." + q.requantization().name());
    }
    return "@Quantize(" + String.join(", ", elements) + ")";
  }

  /**
   * The plan as source: for each layer a comment naming it and its precision, then its annotation
   * (none for FP32).
   */
  public static String of(PrecisionPlan plan) {
    StringBuilder out = new StringBuilder();
    for (String layer : plan.layerNames()) {
      LayerQuantization q = plan.layer(layer);
      out.append("// ").append(layer).append(": ").append(q.label());
      String annotation = of(q);
      if (annotation.isEmpty()) {
        out.append(" (no @Quantize: the FP32 kernel is always generated)\n");
      } else {
        out.append('\n').append(annotation).append('\n');
      }
    }
    return out.toString();
  }
}
