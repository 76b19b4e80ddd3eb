package dev.quantgen.processor.validation;

import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.ModelLayer;
import dev.quantgen.processor.model.ModelSpec;
import dev.quantgen.processor.model.SpatialSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;

/**
 * Validates a {@code @Model}: at least one layer, every entry a valid layer, and each layer taking
 * the shape the previous one produces. Errors land on the {@code layers} attribute. A layer's own
 * errors are reported by the layer processor; here they only stop the model from being generated.
 */
public final class ModelValidator {
  private static final Set<String> RESERVED = Set.of("build", "allLayers", "builder");

  private final AnnotationReader reader;
  private final LayerValidator layers;

  public ModelValidator(AnnotationReader reader) {
    this.reader = reader;
    this.layers = new LayerValidator(reader);
  }

  /** The diagnostics of a model (empty when valid) and its spec. */
  public Optional<ModelSpec> validate(TypeElement model, List<Diagnostics> out) {
    AnnotationMirror mirror = AnnotationReader.find(model, AnnotationNames.MODEL).orElseThrow();
    AnnotationValue value = reader.value(mirror, "layers");
    List<TypeMirror> types = reader.classArray(mirror, "layers");
    int before = out.size();
    ShadowedJdkTypes.check(model, mirror, out);
    if (out.size() > before) {
      return Optional.empty();
    }
    if (types.isEmpty()) {
      out.add(Diagnostics.of(Message.EMPTY_MODEL, model, mirror, value));
      return Optional.empty();
    }
    List<ModelLayer> specs = new ArrayList<>();
    for (int k = 0; k < types.size(); k++) {
      TypeElement type = (TypeElement) ((DeclaredType) types.get(k)).asElement();
      String kind =
          AnnotationNames.LAYERS.stream()
              .filter(n -> AnnotationReader.find(type, n).isPresent())
              .findFirst()
              .orElse(null);
      if (kind == null) {
        out.add(
            Diagnostics.of(
                Message.MODEL_NOT_A_LAYER, model, mirror, value, k, type.getSimpleName()));
        continue;
      }
      ValidationResult result = layers.validate(type);
      if (result.hasErrors() || result.spec().isEmpty() && result.spatial().isEmpty()) {
        out.add(
            Diagnostics.of(
                Message.MODEL_INVALID_LAYER,
                model,
                mirror,
                value,
                k,
                type.getSimpleName(),
                type.getQualifiedName()));
        continue;
      }
      specs.add(result.spec().isPresent() ? result.spec().get() : result.spatial().get());
    }
    if (out.size() > before) {
      return Optional.empty();
    }
    for (int k = 1; k < specs.size(); k++) {
      checkChain(model, mirror, value, k, specs.get(k - 1), specs.get(k), out);
    }
    for (int k = 0; k < specs.size(); k++) {
      checkGraph(model, mirror, value, k, specs, out);
    }
    if (out.size() > before) {
      return Optional.empty();
    }
    List<LayerSpec> dense = new ArrayList<>();
    specs.forEach(
        s -> {
          if (s instanceof LayerSpec d) {
            dense.add(d);
          }
        });
    boolean allDense = dense.size() == specs.size();
    return Optional.of(
        new ModelSpec(
            LayerValidator.packageOf(model),
            LayerValidator.baseName(model),
            model.getQualifiedName().toString(),
            LayerValidator.isPublic(model),
            allDense ? dense : List.of(),
            accessorNames(specs),
            specs));
  }

  /**
   * Whether {@code next} takes what {@code prev} produces: equal {@code [C, H, W]} between spatial
   * layers, equal sizes from a dense or flatten layer into a dense layer. A spatial output reaches
   * a dense layer only through {@code @Flatten}, and a vector never feeds a spatial layer.
   */
  private static void checkChain(
      TypeElement model,
      AnnotationMirror mirror,
      AnnotationValue value,
      int k,
      ModelLayer prev,
      ModelLayer next,
      List<Diagnostics> out) {
    String produced = produced(prev);
    String taken = taken(next);
    if (!produced.equals(taken)) {
      if (prev instanceof LayerSpec p && next instanceof LayerSpec n) {
        out.add(
            Diagnostics.of(
                Message.SHAPE_MISMATCH,
                model,
                mirror,
                value,
                k,
                n.simpleName(),
                n.in(),
                k - 1,
                p.simpleName(),
                p.out()));
      } else {
        out.add(
            Diagnostics.of(
                Message.SPATIAL_SHAPE_MISMATCH,
                model,
                mirror,
                value,
                k,
                next.simpleName(),
                taken,
                k - 1,
                prev.simpleName(),
                produced));
      }
    }
  }

  /**
   * A softmax must be last; a join's {@code from} must name the model's input or a layer that runs
   * earlier, exactly once, producing {@code [fromChannels, H, W]}.
   */
  private static void checkGraph(
      TypeElement model,
      AnnotationMirror mirror,
      AnnotationValue value,
      int k,
      List<ModelLayer> specs,
      List<Diagnostics> out) {
    if (!(specs.get(k) instanceof SpatialSpec s)) {
      return;
    }
    if (s.kind() == SpatialSpec.Kind.SOFTMAX && k + 1 < specs.size()) {
      out.add(
          Diagnostics.of(
              Message.SOFTMAX_NOT_LAST,
              model,
              mirror,
              value,
              k,
              s.simpleName(),
              k + 1,
              specs.get(k + 1).simpleName()));
    }
    if (!s.joins()) {
      return;
    }
    String from = AnnotationNames.simpleName(s.from());
    String expected = "[" + s.fromChannels() + ", " + s.inHeight() + ", " + s.inWidth() + "]";
    if (s.from().equals(AnnotationNames.MODEL_INPUT)) {
      String input = taken(specs.get(0));
      if (!input.equals(expected)) {
        out.add(
            Diagnostics.of(
                Message.JOIN_SHAPE_MISMATCH,
                model,
                mirror,
                value,
                k,
                s.simpleName(),
                "Model.Input",
                expected,
                input));
      }
      return;
    }
    List<Integer> at = new ArrayList<>();
    for (int j = 0; j < specs.size(); j++) {
      if (specs.get(j).qualifiedName().equals(s.from())) {
        at.add(j);
      }
    }
    if (at.isEmpty()) {
      out.add(
          Diagnostics.of(
              Message.JOIN_UNKNOWN_SOURCE, model, mirror, value, k, s.simpleName(), from, k));
    } else if (at.size() > 1) {
      out.add(
          Diagnostics.of(
              Message.JOIN_LAYER_USED_TWICE,
              model,
              mirror,
              value,
              k,
              s.simpleName(),
              from,
              at.size(),
              at));
    } else if (at.get(0) >= k) {
      out.add(
          Diagnostics.of(
              Message.JOIN_CYCLE, model, mirror, value, k, s.simpleName(), from, at.get(0)));
    } else if (!produced(specs.get(at.get(0))).equals(expected)) {
      out.add(
          Diagnostics.of(
              Message.JOIN_SHAPE_MISMATCH,
              model,
              mirror,
              value,
              k,
              s.simpleName(),
              from,
              expected,
              produced(specs.get(at.get(0)))));
    }
  }

  /** The index of a join's {@code from} layer in a validated model, or -1 for the model's input. */
  public static int source(List<ModelLayer> sequence, SpatialSpec join) {
    for (int j = 0; j < sequence.size(); j++) {
      if (sequence.get(j).qualifiedName().equals(join.from())) {
        return j;
      }
    }
    return -1;
  }

  private static String produced(ModelLayer layer) {
    if (layer instanceof LayerSpec d) {
      return "[" + d.out() + "]";
    }
    SpatialSpec s = (SpatialSpec) layer;
    return s.kind() == SpatialSpec.Kind.FLATTEN || s.kind() == SpatialSpec.Kind.SOFTMAX
        ? "[" + s.outSize() + "]"
        : "[" + s.outChannels() + ", " + s.outHeight() + ", " + s.outWidth() + "]";
  }

  private static String taken(ModelLayer layer) {
    if (layer instanceof LayerSpec d) {
      return "[" + d.in() + "]";
    }
    SpatialSpec s = (SpatialSpec) layer;
    return s.kind() == SpatialSpec.Kind.SOFTMAX
        ? "[" + s.inSize() + "]"
        : "[" + s.inChannels() + ", " + s.inHeight() + ", " + s.inWidth() + "]";
  }

  /** Builder method names: the layer's name in lower camel case, numbered when a layer repeats. */
  private static List<String> accessorNames(List<ModelLayer> specs) {
    Map<String, Integer> counts = new HashMap<>();
    for (ModelLayer s : specs) {
      counts.merge(base(s), 1, Integer::sum);
    }
    List<String> names = new ArrayList<>();
    for (int k = 0; k < specs.size(); k++) {
      String base = base(specs.get(k));
      names.add(counts.get(base) > 1 ? base + k : base);
    }
    return names;
  }

  private static String base(ModelLayer s) {
    String simple = s.baseName();
    String name = simple.substring(0, 1).toLowerCase(Locale.ROOT) + simple.substring(1);
    return SourceVersion.isKeyword(name) || RESERVED.contains(name) ? name + "Layer" : name;
  }
}
