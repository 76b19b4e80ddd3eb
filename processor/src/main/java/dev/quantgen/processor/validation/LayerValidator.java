package dev.quantgen.processor.validation;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.annotations.Rounding;
import dev.quantgen.annotations.Scheme;
import dev.quantgen.processor.Diagnostics;
import dev.quantgen.processor.Message;
import dev.quantgen.processor.model.FusedActivation;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Validates one layer class (its layer annotation and its {@code @Quantize} annotations) and builds
 * its {@link LayerSpec}. Reads only the class itself, which keeps the layer processor isolating.
 * Collects every problem it finds instead of stopping at the first.
 */
public final class LayerValidator {
  private final AnnotationReader reader;
  private final ClipBounds clipBounds;
  private final SpatialLayerValidator spatial;

  public LayerValidator(AnnotationReader reader) {
    this.reader = reader;
    this.spatial = new SpatialLayerValidator(reader);
    this.clipBounds = new ClipBounds(reader);
  }

  /** Validates a class that carries {@code @Quantize} or a layer annotation. */
  public ValidationResult validate(TypeElement type) {
    List<Diagnostics> out = new ArrayList<>();
    List<AnnotationMirror> quantize =
        AnnotationReader.findRepeated(
            type, AnnotationNames.QUANTIZE, AnnotationNames.QUANTIZE_LIST);
    List<String> kinds = new ArrayList<>();
    List<AnnotationMirror> layerMirrors = new ArrayList<>();
    for (String name : AnnotationNames.LAYERS) {
      AnnotationReader.find(type, name)
          .ifPresent(
              m -> {
                kinds.add(name);
                layerMirrors.add(m);
              });
    }
    if (layerMirrors.isEmpty()) {
      if (!quantize.isEmpty()) {
        out.add(
            Diagnostics.of(Message.NOT_A_LAYER, type, quantize.get(0), null, type.getSimpleName()));
      }
      return new ValidationResult(out, Optional.empty());
    }
    if (layerMirrors.size() > 1) {
      out.add(
          Diagnostics.of(
              Message.CONFLICTING_LAYERS,
              type,
              layerMirrors.get(1),
              null,
              type.getSimpleName(),
              AnnotationNames.simpleName(kinds.get(0)),
              AnnotationNames.simpleName(kinds.get(1))));
      return new ValidationResult(out, Optional.empty());
    }
    ShadowedJdkTypes.check(type, layerMirrors.get(0), out);
    List<VariantSpec> variants =
        validateVariants(type, quantize, layerInputs(layerMirrors.get(0), kinds.get(0)), out);
    if (!kinds.get(0).equals(AnnotationNames.DENSE)) {
      return validateSpatial(type, layerMirrors.get(0), kinds.get(0), quantize, variants, out);
    }
    AnnotationMirror dense = layerMirrors.get(0);
    int in = positive(type, dense, "in", "a positive number of inputs", out);
    int outputs = positive(type, dense, "out", "a positive number of outputs", out);
    FusedActivation activation = clipBounds.read(type, dense, out);
    ValidationResult result = new ValidationResult(out, Optional.empty());
    if (result.hasErrors()) {
      return result;
    }
    LayerSpec spec =
        new LayerSpec(
            packageOf(type),
            baseName(type),
            type.getQualifiedName().toString(),
            isPublic(type),
            in,
            outputs,
            reader.booleanValue(dense, "bias"),
            activation,
            variants);
    return new ValidationResult(out, Optional.of(spec));
  }

  /**
   * A convolution, pooling or flatten layer: its shapes are checked, then resolved into a {@link
   * SpatialSpec}. Convolutions have a kernel at every precision; integer ones need symmetric
   * per-channel weights without blocks (any other {@code @Quantize} of a convolution warns that
   * FP32 runs instead). Pooling and flatten ignore precision (they move values, they do not
   * multiply them).
   */
  private ValidationResult validateSpatial(
      TypeElement type,
      AnnotationMirror m,
      String kind,
      List<AnnotationMirror> quantize,
      List<VariantSpec> variants,
      List<Diagnostics> out) {
    spatial.validate(type, m, kind, out);
    if (out.stream().anyMatch(d -> d.message().kind() == javax.tools.Diagnostic.Kind.ERROR)) {
      return new ValidationResult(out, Optional.empty());
    }
    List<VariantSpec> kept = new ArrayList<>();
    for (int k = 0; k < variants.size(); k++) {
      VariantSpec v = variants.get(k);
      String missing =
          !kind.equals(AnnotationNames.CONV2D)
              ? v.precision() + " (" + v.activations() + " activations)"
              : convolutionGap(v);
      if (missing == null) {
        kept.add(v);
      } else {
        out.add(
            Diagnostics.of(
                Message.NO_KERNEL_YET,
                type,
                quantize.get(Math.min(k, quantize.size() - 1)),
                null,
                AnnotationNames.simpleName(kind),
                missing,
                type.getSimpleName(),
                kind.equals(AnnotationNames.CONV2D)
                    ? "its FP32 kernel runs instead; use symmetric per-channel weights (the default)"
                    : "its one kernel serves every precision (it moves values, it does not multiply them): remove the "
                        + "@Quantize"));
      }
    }
    return new ValidationResult(
        out,
        Optional.empty(),
        Optional.of(
            spatial.resolve(type, m, kind, packageOf(type), baseName(type), isPublic(type), kept)));
  }

  /** What a convolution kernel cannot do for {@code v}, or null when one is generated. */
  private static String convolutionGap(VariantSpec v) {
    boolean integer = v.precision() == Precision.INT8 || v.precision() == Precision.INT4;
    if (!integer || v.scheme() == Scheme.SYMMETRIC && v.perChannel() && v.blockSize() == 0) {
      return null;
    }
    return v.precision()
        + " with "
        + (v.scheme() == Scheme.ASYMMETRIC
            ? "asymmetric"
            : !v.perChannel() ? "per-tensor" : "blockwise")
        + " weights (convolutions quantize weights symmetric per "
        + "output channel)";
  }

  /**
   * The fan-in the accumulator bound uses; 0 (no bound checked) when the shape is itself invalid.
   */
  private int layerInputs(AnnotationMirror layer, String kind) {
    if (kind.equals(AnnotationNames.CONV2D)) {
      int groups = Math.max(1, reader.intValue(layer, "groups"));
      int[] k = reader.intArray(layer, "kernel");
      int kh = k.length > 0 ? k[0] : 0;
      int kw = k.length > 1 ? k[1] : kh;
      return Math.max(0, reader.intValue(layer, "inChannels") / groups * kh * kw);
    }
    return kind.equals(AnnotationNames.DENSE) ? Math.max(0, reader.intValue(layer, "in")) : 0;
  }

  private int positive(
      Element type, AnnotationMirror mirror, String name, String expected, List<Diagnostics> out) {
    int v = reader.intValue(mirror, name);
    if (v <= 0) {
      out.add(
          Diagnostics.of(
              Message.INVALID_SHAPE, type, mirror, reader.value(mirror, name), name, v, expected));
    }
    return v;
  }

  private List<VariantSpec> validateVariants(
      TypeElement type, List<AnnotationMirror> mirrors, int in, List<Diagnostics> out) {
    List<VariantSpec> variants = new ArrayList<>();
    Map<Precision, AnnotationMirror> seen = new EnumMap<>(Precision.class);
    for (AnnotationMirror m : mirrors) {
      Precision precision = reader.enumValue(m, "precision", Precision.class);
      if (seen.containsKey(precision)) {
        out.add(
            Diagnostics.of(
                Message.DUPLICATE_VARIANT,
                type,
                m,
                at(m, "precision"),
                precision,
                type.getSimpleName(),
                baseName(type) + "_" + suffix(precision)));
        continue;
      }
      seen.put(precision, m);
      validateVariant(type, m, precision, in, out).ifPresent(variants::add);
    }
    return variants;
  }

  private Optional<VariantSpec> validateVariant(
      TypeElement type, AnnotationMirror m, Precision precision, int in, List<Diagnostics> out) {
    int before = out.size();
    Scheme scheme = reader.enumValue(m, "scheme", Scheme.class);
    boolean perChannel = reader.booleanValue(m, "perChannel");
    Activations activations =
        VariantSpec.resolve(precision, reader.enumValue(m, "activations", Activations.class));
    int blockSize = reader.intValue(m, "blockSize");
    Rounding rounding = reader.enumValue(m, "rounding", Rounding.class);
    Requantization requantization = reader.enumValue(m, "requantization", Requantization.class);
    boolean integer = precision == Precision.INT8 || precision == Precision.INT4;

    if (scheme == Scheme.ASYMMETRIC && !integer) {
      out.add(
          Diagnostics.of(
              Message.UNSUPPORTED_COMBINATION,
              type,
              m,
              at(m, "scheme"),
              precision,
              "scheme = SYMMETRIC (it has no zero point)",
              "scheme",
              scheme));
    }
    List<Activations> allowed =
        integer
            ? List.of(Activations.STATIC, Activations.DYNAMIC, Activations.FLOAT)
            : precision == Precision.BINARY
                ? List.of(Activations.FLOAT, Activations.BINARY)
                : List.of(Activations.FLOAT);
    if (!allowed.contains(activations)) {
      out.add(
          Diagnostics.of(
              Message.UNSUPPORTED_COMBINATION,
              type,
              m,
              at(m, "activations"),
              precision,
              "activations = " + join(allowed),
              "activations",
              activations));
    }
    if (requantization == Requantization.FLOAT
        && activations != Activations.STATIC
        && allowed.contains(activations)) {
      out.add(
          Diagnostics.of(
              Message.UNSUPPORTED_COMBINATION,
              type,
              m,
              at(m, "requantization"),
              precision,
              "activations = STATIC for requantization = FLOAT (only static layers requantize)",
              "activations",
              activations));
    }
    if (blockSize != 0) {
      String problem =
          precision != Precision.INT4
              ? "only precision = INT4 has blockwise scales; remove blockSize"
              : blockSize < 0
                  ? "expected 0 (no blocks) or a positive even size"
                  : blockSize % 2 != 0
                      ? "expected an even size, so every block starts on a byte of packed nibbles"
                      : !perChannel
                          ? "blockwise scales are per output channel; set perChannel = true"
                          : activations == Activations.STATIC
                              ? "blockwise scales cannot be requantized to int8 with one multiplier "
                                  + "per channel; set activations = FLOAT or DYNAMIC"
                              : null;
      if (problem != null) {
        out.add(
            Diagnostics.of(
                Message.INVALID_BLOCK_SIZE, type, m, at(m, "blockSize"), blockSize, problem));
      }
    }
    VariantSpec variant =
        new VariantSpec(
            precision,
            scheme,
            integer || precision == Precision.BINARY ? perChannel : false,
            activations,
            blockSize,
            rounding,
            requantization);
    if (out.size() == before
        && variant.integerAccumulator()
        && variant.accumulatorBound(in) > Integer.MAX_VALUE) {
      out.add(
          Diagnostics.of(
              Message.ACCUMULATOR_OVERFLOW,
              type,
              m,
              at(m, "precision"),
              precision,
              activations.name().toLowerCase(java.util.Locale.ROOT),
              variant.accumulatedInputs(in),
              variant.maxActivationMagnitude(),
              variant.maxWeightMagnitude(),
              variant.accumulatorBound(in)));
    }
    return out.size() == before ? Optional.of(variant) : Optional.empty();
  }

  /**
   * The written value of an attribute, so the caret lands on it; null (the annotation) if
   * defaulted.
   */
  private static AnnotationValue at(AnnotationMirror m, String name) {
    return AnnotationReader.explicit(m, name);
  }

  private static String join(List<Activations> values) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : i == values.size() - 1 ? " or " : ", ").append(values.get(i));
    }
    return b.toString();
  }

  private static String suffix(Precision p) {
    return p.name().charAt(0) + p.name().substring(1).toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code Outer_Inner} for a nested class, the simple name otherwise. */
  public static String baseName(TypeElement type) {
    String name = type.getSimpleName().toString();
    Element enclosing = type.getEnclosingElement();
    while (type.getNestingKind() == NestingKind.MEMBER && enclosing instanceof TypeElement outer) {
      name = outer.getSimpleName() + "_" + name;
      type = outer;
      enclosing = outer.getEnclosingElement();
    }
    return name;
  }

  /** The package of a (possibly nested) class. */
  public static String packageOf(TypeElement type) {
    Element e = type;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }

  /** Whether the class and every class around it are public. */
  public static boolean isPublic(TypeElement type) {
    Element e = type;
    while (e instanceof TypeElement) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
      e = e.getEnclosingElement();
    }
    return true;
  }
}
