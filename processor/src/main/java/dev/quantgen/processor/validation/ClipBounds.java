package dev.quantgen.processor.validation;

import dev.quantgen.annotations.Activation;
import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
import dev.quantgen.processor.model.FusedActivation;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Reads a layer's {@code activation} with its {@code clipMin} and {@code clipMax}: CLIP needs both
 * bounds, numbers with {@code clipMin < clipMax} and at least one finite; the other activations
 * take none. Each error ({@code [QuantizeClipBounds]}) sits on the attribute at fault.
 */
final class ClipBounds {
  private static final List<String> BOUNDS = List.of("clipMin", "clipMax");

  private final AnnotationReader reader;

  ClipBounds(AnnotationReader reader) {
    this.reader = reader;
  }

  /** The fused activation of {@code m}; errors go to {@code out} (NONE then stands in). */
  FusedActivation read(Element type, AnnotationMirror m, List<Diagnostics> out) {
    Activation kind = reader.enumValue(m, "activation", Activation.class);
    int before = out.size();
    if (kind != Activation.CLIP) {
      for (String name : BOUNDS) {
        AnnotationValue at = AnnotationReader.explicit(m, name);
        if (at != null) {
          out.add(
              error(
                  type,
                  m,
                  at,
                  name
                      + " = "
                      + at.getValue()
                      + " is only read with activation = Activation.CLIP, got "
                      + kind
                      + ": set activation = Activation.CLIP or remove "
                      + name));
        }
      }
      return out.size() > before ? FusedActivation.NONE : FusedActivation.of(kind);
    }
    for (String name : BOUNDS) {
      AnnotationValue at = AnnotationReader.explicit(m, name);
      if (Float.isNaN(floatValue(m, name))) {
        out.add(
            error(
                type,
                m,
                at != null ? at : AnnotationReader.explicit(m, "activation"),
                "activation = Activation.CLIP needs "
                    + name
                    + (at == null ? "" : ", got NaN")
                    + ": add "
                    + name
                    + " = a number ("
                    + (name.equals("clipMin")
                        ? "Float.NEGATIVE_INFINITY"
                        : "Float.POSITIVE_INFINITY")
                    + " for no bound on that side)"));
      }
    }
    if (out.size() > before) {
      return FusedActivation.NONE;
    }
    float min = floatValue(m, "clipMin");
    float max = floatValue(m, "clipMax");
    if (!(min < max)) {
      out.add(
          error(
              type,
              m,
              AnnotationReader.explicit(m, "clipMax"),
              "clipMax = "
                  + max
                  + " must be above clipMin = "
                  + min
                  + ": swap or widen the bounds"));
      return FusedActivation.NONE;
    }
    if (Float.isInfinite(min) && Float.isInfinite(max)) {
      out.add(
          error(
              type,
              m,
              AnnotationReader.explicit(m, "clipMin"),
              "clipMin = "
                  + min
                  + " and clipMax = "
                  + max
                  + " clamp nothing: use activation = Activation.NONE"));
      return FusedActivation.NONE;
    }
    return FusedActivation.clip(min, max);
  }

  private static Diagnostics error(
      Element type, AnnotationMirror m, AnnotationValue at, String text) {
    return Diagnostics.of(Message.CLIP_BOUNDS, type, m, at, text);
  }

  private float floatValue(AnnotationMirror m, String name) {
    return ((Number) reader.value(m, name).getValue()).floatValue();
  }
}
