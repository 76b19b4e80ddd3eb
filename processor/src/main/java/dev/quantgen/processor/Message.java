package dev.quantgen.processor;

import java.util.Locale;
import javax.tools.Diagnostic;

/**
 * Every diagnostic the processors print, each opening with a stable tag users can search for and
 * tests can pin. Each message names the attribute at fault and the fix.
 */
public enum Message {
  /** {@code @Quantize} on a class without a layer annotation. */
  NOT_A_LAYER(
      "QuantizeNotALayer",
      "@Quantize on %s, which has no layer annotation: add @Dense (or @Conv2d, "
          + "@MaxPool2d, @AvgPool2d, @Flatten, @GlobalAvgPool2d, @Softmax, @Add, @Concat) to the class, or remove @Quantize"),
  /** More than one layer annotation on one class. */
  CONFLICTING_LAYERS(
      "QuantizeConflictingLayers",
      "%s carries both @%s and @%s: a class is one layer; " + "keep one layer annotation"),
  /** A non-positive or otherwise impossible shape attribute. */
  INVALID_SHAPE("QuantizeInvalidShape", "%s = %s: expected %s"),
  /** Clip bounds that are missing, NaN, out of order, or given without CLIP. */
  CLIP_BOUNDS("QuantizeClipBounds", "%s"),
  /** A combination of @Quantize attributes no kernel implements. */
  UNSUPPORTED_COMBINATION(
      "QuantizeUnsupportedCombination", "precision = %s requires %s, got %s = %s"),
  /** A bad blockSize. */
  INVALID_BLOCK_SIZE("QuantizeInvalidBlockSize", "blockSize = %d: %s"),
  /** Two @Quantize asking for the same precision. */
  DUPLICATE_VARIANT(
      "QuantizeDuplicateVariant",
      "precision = %s is requested twice on %s; each precision "
          + "generates one class (%s): remove one of the @Quantize annotations"),
  /** The compile-time int32 accumulator bound fails. */
  ACCUMULATOR_OVERFLOW(
      "QuantizeAccumulatorOverflow",
      "the int32 accumulator of precision = %s with %s "
          + "activations could overflow: in = %d inputs x max|qa - za| = %d x max|qw - zw| = %d = %d > 2^31 - 1; "
          + "use scheme = SYMMETRIC, a smaller blockSize (INT4), activations = FLOAT, or split the layer"),
  /**
   * A {@code @Quantize} a layer kind has no kernel for: pooling and flatten at any precision (they
   * move values; one kernel serves all), a convolution with asymmetric, per-tensor or blockwise
   * integer weights.
   */
  NO_KERNEL_YET(
      "QuantizeNoKernel",
      "@%s layers have no %s kernel yet: no class is generated for this " + "@Quantize of %s; %s"),
  /** An empty @Model. */
  EMPTY_MODEL("QuantizeEmptyModel", "layers = {}: a model needs at least one layer class"),
  /** A @Model entry that is not a layer. */
  MODEL_NOT_A_LAYER(
      "QuantizeNotALayer",
      "layers[%d] = %s has no layer annotation: add @Dense to it or " + "remove it from the model"),
  /** Consecutive spatial layers of a @Model whose [channels, height, width] shapes do not chain. */
  SPATIAL_SHAPE_MISMATCH(
      "QuantizeShapeMismatch",
      "layers[%d] = %s takes input %s, but layers[%d] = %s "
          + "produces %s: make the shapes equal (a @Flatten goes between a spatial layer and a @Dense layer)"),
  /** Consecutive layers of a @Model whose shapes do not chain. */
  SHAPE_MISMATCH(
      "QuantizeShapeMismatch",
      "layers[%d] = %s has in = %d, but layers[%d] = %s has out = %d: " + "make the sizes equal"),
  /** An @Add or @Concat whose {@code from} is not a layer of the model (nor Model.Input). */
  JOIN_UNKNOWN_SOURCE(
      "QuantizeUnknownSource",
      "layers[%d] = %s reads from = %s, which is not in this model: "
          + "list it before layers[%d], or use Model.Input.class for the model's input"),
  /** An @Add or @Concat whose {@code from} runs at or after it. */
  JOIN_CYCLE(
      "QuantizeCycle",
      "layers[%d] = %s reads from = %s, which runs at layers[%d], not before it: "
          + "that would make a cycle; from must name an earlier layer (or Model.Input.class)"),
  /** An @Add or @Concat whose {@code from} appears more than once in the model. */
  JOIN_LAYER_USED_TWICE(
      "QuantizeLayerUsedTwice",
      "layers[%d] = %s reads from = %s, which appears %d times in "
          + "this model (layers %s): the output it means is ambiguous; declare another class for the repeat"),
  /** An @Add or @Concat whose {@code from} output does not have the branch's shape. */
  JOIN_SHAPE_MISMATCH(
      "QuantizeShapeMismatch",
      "layers[%d] = %s expects from = %s to produce %s, but it produces "
          + "%s: make the branch shapes equal"),
  /** A @Softmax that is not the last layer. */
  SOFTMAX_NOT_LAST(
      "QuantizeSoftmaxNotLast",
      "layers[%d] = %s is a @Softmax but layers[%d] = %s follows it: "
          + "softmax is a final layer; move it to the end of the model"),
  /** A @Model entry whose own annotations are invalid (reported on the layer itself). */
  MODEL_INVALID_LAYER(
      "QuantizeInvalidLayer",
      "layers[%d] = %s has errors of its own (see them on %s): "
          + "no model class is generated until they are fixed"),
  /**
   * A type in the generated package named like a java.lang type the generated code calls by simple
   * name.
   */
  SHADOWED_JDK_TYPE(
      "QuantizeShadowedJdkType",
      "%s hides java.lang.%s, which the kernels generated for %s call "
          + "by its simple name: rename that class, or move the layers and model to a package without it"),
  /**
   * {@code quantgen-runtime} is not on the compile class path: the generated kernels could not
   * compile, so nothing is generated and this one error replaces hundreds in generated sources.
   */
  MISSING_RUNTIME(
      "QuantizeMissingRuntime",
      "quantgen-runtime is not on the compile class path (%s is "
          + "missing), and the generated kernels need it: no kernels were generated. Add it as a dependency, the same "
          + "version as quantgen-processor. Maven: <dependency><groupId>dev.quantgen</groupId>"
          + "<artifactId>quantgen-runtime</artifactId><version>%s</version></dependency>; "
          + "Gradle: implementation(\"dev.quantgen:quantgen-runtime:%s\")"),
  /** A processor option ({@code -A}) with a value it does not take. */
  INVALID_OPTION("QuantizeInvalidOption", "-A%s=%s: expected %s"),
  /** An exception inside the processor: a bug, reported instead of crashing javac. */
  EXCEPTION(
      "QuantizeException",
      "unexpected error while processing %s; please report it with this " + "stack trace:%n%s");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag, without brackets. */
  public String tag() {
    return tag;
  }

  /** The diagnostic kind: all errors except {@link #NO_KERNEL_YET}, a warning. */
  public Diagnostic.Kind kind() {
    return this == NO_KERNEL_YET ? Diagnostic.Kind.WARNING : Diagnostic.Kind.ERROR;
  }

  /** The full text: {@code [Tag] } followed by the formatted message. */
  public String format(Object... args) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, args);
  }
}
