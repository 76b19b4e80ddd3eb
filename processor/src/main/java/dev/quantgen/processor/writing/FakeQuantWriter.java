package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Rounding;
import dev.quantgen.annotations.Scheme;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Layer>_<Precision>FakeQuant}, the quantization-aware-training operator of one
 * INT8, INT4 or BINARY variant of a dense or convolution layer, with the variant's precision,
 * scheme, granularity, block size and ranges as constants:
 *
 * <ul>
 *   <li>the weight operator, a {@code WeightTransform}: forward quantize-dequantize with scales
 *       chosen as the kernel's prepare chooses them, the straight-through mask of
 *       docs/numerics.md#8-training, and stochastic rounding from a seeded generator in training
 *       only (INT8, INT4); {@code alpha * sign(w)} with the clip mask {@code |w| <= 1} (BINARY);
 *   <li>the activation operator of the variant's activation mode: {@code ACTIVATIONS}, an {@code
 *       ActivationFakeQuant} for static int8 boundaries (calibrated or LSQ scales, kept by the
 *       runtime's {@code ActivationQuant}); {@code dynamicActivations} for per-call uint8
 *       activations; {@code binaryActivations} for sign activations.
 * </ul>
 *
 * <p>A weight row is an output channel: {@code [out][in]} of a dense layer, {@code [M][C/groups *
 * kh * kw]} of a convolution (blocks, if any, run along that flattened row).
 */
public final class FakeQuantWriter {
  private static final String QAT = "dev.quantgen.training.qat";
  private static final ClassName WEIGHT_TRANSFORM =
      ClassName.get("dev.quantgen.training.network", "WeightTransform");
  private static final ClassName INTEGER_WEIGHTS = ClassName.get(QAT, "IntegerWeightTransform");
  private static final ClassName BINARY_WEIGHTS = ClassName.get(QAT, "BinaryWeightTransform");
  private static final ClassName ACTIVATION_FAKE_QUANT = ClassName.get(QAT, "ActivationFakeQuant");
  private static final ClassName RANDOM = ClassName.get("java.util", "SplittableRandom");
  private static final int ACT_MIN = -128;
  private static final int ACT_MAX = 127;

  /**
   * What the operator needs of a layer: its names and the weight matrix as rows of output channels.
   */
  private record Target(
      String packageName,
      String className,
      String qualifiedName,
      boolean isPublic,
      int rows,
      int cols,
      String shape,
      boolean dense) {}

  private FakeQuantWriter() {}

  /** Whether a variant gets a fake-quant operator: INT8, INT4 and BINARY do. */
  public static boolean applies(VariantSpec variant) {
    return variant.precision() == Precision.INT8
        || variant.precision() == Precision.INT4
        || variant.precision() == Precision.BINARY;
  }

  /** The operator of a dense layer's variant. */
  public static JavaFile write(
      LayerSpec layer, VariantSpec variant, String processor, Element origin) {
    Target t =
        new Target(
            layer.packageName(),
            className(layer.className(variant)),
            layer.qualifiedName(),
            layer.isPublic(),
            layer.out(),
            layer.in(),
            "{@code [OUT = " + layer.out() + "][IN = " + layer.in() + "]}",
            true);
    return file(t, variant, processor, origin);
  }

  /** The operator of a convolution's variant. */
  public static JavaFile write(
      SpatialSpec layer, VariantSpec variant, String processor, Element origin) {
    SpatialSpec.Window w = layer.window();
    int cols = layer.inChannels() / layer.groups() * w.kernelHeight() * w.kernelWidth();
    Target t =
        new Target(
            layer.packageName(),
            className(layer.className(variant.suffix())),
            layer.qualifiedName(),
            layer.isPublic(),
            layer.outChannels(),
            cols,
            "{@code [M = " + layer.outChannels() + "][C / groups * kh * kw = " + cols + "]}",
            false);
    return file(t, variant, processor, origin);
  }

  /** {@code <kernel class>FakeQuant}, e.g. {@code Hidden_Int4FakeQuant}. */
  public static String className(String kernelClass) {
    return kernelClass + "FakeQuant";
  }

  private static JavaFile file(Target t, VariantSpec variant, String processor, Element origin) {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(t.className())
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(origin);
    if (t.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    type.addField(KernelClass.constant("ROWS", t.rows(), "Weight rows: the output channels."));
    type.addField(KernelClass.constant("COLS", t.cols(), "Weights per row."));
    if (variant.precision() == Precision.BINARY) {
      binary(t, variant, type);
    } else {
      integer(t, variant, type);
    }
    boolean rowOperator =
        t.dense()
            && (variant.activations() == Activations.DYNAMIC
                || variant.activations() == Activations.BINARY);
    if (variant.activations() == Activations.STATIC) {
      staticActivations(type);
    } else if (rowOperator) {
      type.addMethod(
          variant.activations() == Activations.DYNAMIC
              ? dynamicActivations()
              : binaryActivations());
    }
    type.addMethod(checkShape());
    if (rowOperator) {
      type.addMethod(checkRow());
    }
    return GeneratedFile.of(t.packageName(), type.build(), processor, t.qualifiedName());
  }

  // ---- INT8 / INT4 ----

  /** The integer grid of a variant as the operator's constants and helpers need it. */
  private record Grid(
      boolean symmetric, int qmin, int qmax, int block, int groups, boolean perChannel) {
    static Grid of(Target t, VariantSpec v) {
      boolean symmetric = v.scheme() == Scheme.SYMMETRIC;
      boolean int8 = v.precision() == Precision.INT8;
      int qmax = int8 ? 127 : 7;
      int qmin = symmetric ? -qmax : int8 ? -128 : -8;
      int block = v.blockSize() == 0 ? t.cols() : Math.min(v.blockSize(), t.cols());
      int groups = (t.cols() + block - 1) / block;
      return new Grid(symmetric, qmin, qmax, block, groups, v.perChannel());
    }

    /** Whether rows split into several scale blocks. */
    boolean blocked() {
      return perChannel && groups > 1;
    }

    /** The kernels' STATIC form, and so IntegerConversion, takes symmetric per-row scales only. */
    boolean kernelWeights() {
      return symmetric && perChannel && !blocked();
    }
  }

  private static void integer(Target t, VariantSpec v, TypeSpec.Builder type) {
    Grid g = Grid.of(t, v);
    type.addSuperinterface(g.kernelWeights() ? INTEGER_WEIGHTS : WEIGHT_TRANSFORM)
        .addJavadoc(integerDoc(t, v, g.qmin(), g.qmax(), g.block(), g.groups()));
    FieldSpec random = integerFields(t, g, type);
    integerFactories(t, v, g, random, type);
    MethodSpec from = groupStart(g);
    MethodSpec to = groupEnd(g, from);
    MethodSpec range = range();
    MethodSpec scale = scale(g);
    MethodSpec zeroPoint = g.symmetric() ? null : zeroPoint();
    MethodSpec fakeQuantize = fakeQuantize(g, range, scale, zeroPoint);
    type.addMethod(scales(v, g, from, to, range, scale));
    if (!g.symmetric()) {
      type.addMethod(zeroPoints(from, to, range, scale, zeroPoint));
    }
    type.addMethod(apply(random, from, to, fakeQuantize));
    type.addMethod(fakeQuantize);
    type.addMethod(from);
    type.addMethod(to);
    type.addMethod(range);
    type.addMethod(scale);
    if (zeroPoint != null) {
      type.addMethod(zeroPoint);
    }
  }

  /** {@code QMIN}, {@code QMAX}, the block constants, {@code GROUPS}; returns {@code random}. */
  private static FieldSpec integerFields(Target t, Grid g, TypeSpec.Builder type) {
    type.addField(
        KernelClass.privateConstant(
            "QMIN",
            g.qmin(),
            "Smallest weight code"
                + (g.symmetric() ? " (restricted range: {@code -QMAX})." : ".")));
    type.addField(KernelClass.privateConstant("QMAX", g.qmax(), "Largest weight code."));
    if (g.blocked()) {
      type.addField(
          KernelClass.privateConstant("BLOCK", g.block(), "Weights per scale block of a row."));
      type.addField(
          KernelClass.privateConstant(
              "LAST_BLOCK",
              t.cols() - (g.groups() - 1) * g.block(),
              "Weights in the last (possibly short) block of a row."));
    }
    type.addField(
        KernelClass.privateConstant(
            "GROUPS",
            g.perChannel() ? t.rows() * g.groups() : 1,
            "Scale groups of the whole matrix."));
    FieldSpec random =
        FieldSpec.builder(RANDOM, "random", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc(
                "The generator of stochastic rounding, or {@code null} to round to nearest.\n")
            .build();
    type.addField(random);
    return random;
  }

  /**
   * The private constructor, {@code nearest}, {@code stochastic}, {@code training}, {@code type}.
   */
  private static void integerFactories(
      Target t, VariantSpec v, Grid g, FieldSpec random, TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(RANDOM, "random")
            .addStatement("this.$N = random", random)
            .build());
    ClassName me = ClassName.get(t.packageName(), t.className());
    MethodSpec nearest =
        MethodSpec.methodBuilder("nearest")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(me)
            .addJavadoc("Rounds to nearest, ties to even, as the kernel quantizes.\n")
            .addStatement("return new $T(null)", me)
            .build();
    MethodSpec stochastic =
        MethodSpec.methodBuilder("stochastic")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(me)
            .addJavadoc(
                "Rounds {@code floor(w / s + u)} while training, {@code u} drawn in weight order from a\n"
                    + "{@link $T} seeded with {@code seed}, so a run is reproducible; evaluation rounds to nearest.\n",
                RANDOM)
            .addParameter(long.class, "seed")
            .addStatement("return new $T(new $T(seed))", me, RANDOM)
            .build();
    boolean stochasticRounding = v.rounding() == Rounding.STOCHASTIC;
    MethodSpec chosen = stochasticRounding ? stochastic : nearest;
    type.addMethod(nearest);
    type.addMethod(stochastic);
    type.addMethod(
        MethodSpec.methodBuilder("training")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(me)
            .addJavadoc(
                "The rounding the layer's {@code @Quantize} asks for ($L): {@link #$N}.\n",
                v.rounding(),
                chosen)
            .addParameter(long.class, "seed")
            .addStatement(stochasticRounding ? "return $N(seed)" : "return $N()", chosen)
            .build());
    if (g.kernelWeights()) {
      type.addMethod(
          MethodSpec.methodBuilder("type")
              .addAnnotation(Override.class)
              .addModifiers(Modifier.PUBLIC)
              .returns(RuntimeNames.QUANT_TYPE)
              .addStatement("return $T.$L", RuntimeNames.QUANT_TYPE, v.precision())
              .build());
    }
  }

  /** {@code scales(w, rows, cols)}: the scale of each group. */
  private static MethodSpec scales(
      VariantSpec v, Grid g, MethodSpec from, MethodSpec to, MethodSpec range, MethodSpec scale) {
    MethodSpec.Builder scales =
        MethodSpec.methodBuilder("scales")
            .addModifiers(Modifier.PUBLIC)
            .returns(float[].class)
            .addJavadoc(
                "The scale of each group ($L), as the kernel's prepare chooses them.\n\n"
                    + "@throws IllegalArgumentException for another shape or a weight that is not finite\n",
                v.perChannel()
                    ? g.blocked() ? "row-major by row, then block" : "one per row"
                    : "one for the tensor")
            .addParameter(float[].class, "w")
            .addParameter(int.class, "rows")
            .addParameter(int.class, "cols")
            .addStatement("checkShape(w, rows, cols)")
            .addStatement("float[] scales = new float[GROUPS]")
            .beginControlFlow("for (int k = 0; k < GROUPS; k++)")
            .addStatement("float[] range = $N(w, $N(k), $N(k))", range, from, to)
            .addStatement("scales[k] = $N(range[0], range[1])", scale)
            .endControlFlow()
            .addStatement("return scales");
    if (g.kernelWeights()) {
      scales.addAnnotation(Override.class);
    }
    return scales.build();
  }

  /** {@code zeroPoints(w, rows, cols)}: the zero point of each group (asymmetric only). */
  private static MethodSpec zeroPoints(
      MethodSpec from, MethodSpec to, MethodSpec range, MethodSpec scale, MethodSpec zeroPoint) {
    return MethodSpec.methodBuilder("zeroPoints")
        .addModifiers(Modifier.PUBLIC)
        .returns(int[].class)
        .addJavadoc(
            "The zero point of each group, in the order of {@link #scales}.\n\n"
                + "@throws IllegalArgumentException for another shape or a weight that is not finite\n")
        .addParameter(float[].class, "w")
        .addParameter(int.class, "rows")
        .addParameter(int.class, "cols")
        .addStatement("checkShape(w, rows, cols)")
        .addStatement("int[] zeroPoints = new int[GROUPS]")
        .beginControlFlow("for (int k = 0; k < GROUPS; k++)")
        .addStatement("float[] range = $N(w, $N(k), $N(k))", range, from, to)
        .addStatement(
            "zeroPoints[k] = $N(range[0], range[1], $N(range[0], range[1]))", zeroPoint, scale)
        .endControlFlow()
        .addStatement("return zeroPoints")
        .build();
  }

  /**
   * The start every weight transform's {@code apply} shares: its signature, its javadoc ({@code
   * what} and the exception) and the shape check.
   */
  private static MethodSpec.Builder applyStart(String what) {
    return MethodSpec.methodBuilder("apply")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc(
            what
                + "\n"
                + "@throws IllegalArgumentException for another shape or a weight that is not finite\n")
        .addParameter(float[].class, "w")
        .addParameter(int.class, "rows")
        .addParameter(int.class, "cols")
        .addParameter(float[].class, "effective")
        .addParameter(float[].class, "mask")
        .addParameter(boolean.class, "training")
        .addStatement("checkShape(w, rows, cols)");
  }

  /** {@code apply}: the forward weights and the straight-through mask, group by group. */
  private static MethodSpec apply(
      FieldSpec random, MethodSpec from, MethodSpec to, MethodSpec fakeQuantize) {
    return applyStart(
            "Writes {@code (saturate(round(w / s) + z) - z) * s} and the straight-through mask.\n")
        .addStatement("$T u = training ? $N : null", RANDOM, random)
        .beginControlFlow("for (int k = 0; k < GROUPS; k++)")
        .addStatement("$N(w, $N(k), $N(k), effective, mask, u)", fakeQuantize, from, to)
        .endControlFlow()
        .build();
  }

  /** {@code fakeQuantize(w, from, to, ...)}: one group, with the parameters of its own range. */
  private static MethodSpec fakeQuantize(
      Grid g, MethodSpec range, MethodSpec scale, MethodSpec zeroPoint) {
    CodeBlock maths =
        CodeBlock.builder()
            .add(
                "// The maths (quantgen's docs/numerics.md#8-training): s (and z) from the group's range widened\n")
            .add(
                "// to include 0, as the kernel's prepare chooses them; the forward pass is the kernel's\n")
            .add(
                "// dequantized weight (saturate(rint(w / s) + z) - z) * s (a float32 division, ties to even, z\n")
            .add(
                "// added after rounding, clamped), or floor(w / s + u) in place of rint when rounding\n")
            .add(
                "// stochastically; the gradient passes where the nearest code lies in [QMIN, QMAX].\n")
            .build();
    return MethodSpec.methodBuilder("fakeQuantize")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addJavadoc("Fake-quantizes {@code w[from, to)} with the parameters of its own range.\n")
        .addParameter(float[].class, "w")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addParameter(float[].class, "effective")
        .addParameter(float[].class, "mask")
        .addParameter(RANDOM, "random")
        .addCode(maths)
        .addStatement("float[] range = $N(w, from, to)", range)
        .addStatement("float s = $N(range[0], range[1])", scale)
        .addStatement(
            g.symmetric()
                ? CodeBlock.of("int z = 0")
                : CodeBlock.of("int z = $N(range[0], range[1], s)", zeroPoint))
        .beginControlFlow("for (int i = from; i < to; i++)")
        .addStatement("float v = w[i] / s")
        .addStatement("double nearest = $T.rint(v) + z", Math.class)
        .addStatement("mask[i] = nearest >= QMIN && nearest <= QMAX ? 1.0f : 0.0f")
        .addStatement(
            "double r = random == null ? nearest : $T.floor(v + random.nextDouble()) + z",
            Math.class)
        .addStatement("int q = r <= QMIN ? QMIN : r >= QMAX ? QMAX : (int) r")
        .addStatement("effective[i] = (q - z) * s")
        .endControlFlow()
        .build();
  }

  /** {@code from(k)}: the first weight of group {@code k}. */
  private static MethodSpec groupStart(Grid g) {
    MethodSpec.Builder from =
        MethodSpec.methodBuilder("from")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(int.class)
            .addParameter(int.class, "k")
            .addJavadoc("The first weight of group {@code k}.\n");
    if (!g.perChannel()) {
      from.addStatement("return 0");
    } else if (g.blocked()) {
      from.addStatement("return k / $L * COLS + k % $L * BLOCK", g.groups(), g.groups());
    } else {
      from.addStatement("return k * COLS");
    }
    return from.build();
  }

  /** {@code to(k)}: one past the last weight of group {@code k}. */
  private static MethodSpec groupEnd(Grid g, MethodSpec from) {
    MethodSpec.Builder to =
        MethodSpec.methodBuilder("to")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(int.class)
            .addParameter(int.class, "k")
            .addJavadoc("One past the last weight of group {@code k}.\n");
    if (!g.perChannel()) {
      to.addStatement("return ROWS * COLS");
    } else if (g.blocked()) {
      to.addStatement(
          "return $N(k) + (k % $L == $L ? LAST_BLOCK : BLOCK)", from, g.groups(), g.groups() - 1);
    } else {
      to.addStatement("return (k + 1) * COLS");
    }
    return to.build();
  }

  /** {@code range(w, from, to)}: the group's range widened to include 0; rejects non-finite. */
  private static MethodSpec range() {
    return MethodSpec.methodBuilder("range")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(float[].class)
        .addJavadoc(
            "{@code [min(0, min w), max(0, max w)]} over {@code w[from, to)}.\n\n"
                + "@throws IllegalArgumentException for a weight that is not finite (an error, as at weight import)\n")
        .addParameter(float[].class, "w")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addStatement("float lo = 0.0f")
        .addStatement("float hi = 0.0f")
        .beginControlFlow("for (int i = from; i < to; i++)")
        .beginControlFlow("if (!$T.isFinite(w[i]))", Float.class)
        .addStatement(
            "throw new $T($S + i + $S + w[i])",
            IllegalArgumentException.class,
            "w[",
            "]: expected a finite value, got ")
        .endControlFlow()
        .addStatement("lo = $T.min(lo, w[i])", Math.class)
        .addStatement("hi = $T.max(hi, w[i])", Math.class)
        .endControlFlow()
        .addStatement("return new float[] {lo, hi}")
        .build();
  }

  /** {@code scale(lo, hi)}: symmetric {@code max|w| / QMAX}, asymmetric the range over the grid. */
  private static MethodSpec scale(Grid g) {
    MethodSpec.Builder scale =
        MethodSpec.methodBuilder("scale")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(float.class)
            .addParameter(float.class, "lo")
            .addParameter(float.class, "hi")
            .beginControlFlow("if (lo == hi)")
            .addStatement("return 1.0f")
            .endControlFlow();
    return g.symmetric()
        ? scale
            .addJavadoc("{@code max|w| / QMAX}; 1 for an all-zero group.\n")
            .addStatement("return $T.max(-lo, hi) / QMAX", Math.class)
            .build()
        : scale
            .addJavadoc("{@code (hi - lo) / (QMAX - QMIN)}; 1 for an all-zero group.\n")
            .addStatement("return (hi - lo) / (QMAX - QMIN)")
            .build();
  }

  /** {@code zeroPoint(lo, hi, scale)}: {@code saturate(QMIN - rint(lo / s))} (asymmetric only). */
  private static MethodSpec zeroPoint() {
    return MethodSpec.methodBuilder("zeroPoint")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(int.class)
        .addParameter(float.class, "lo")
        .addParameter(float.class, "hi")
        .addParameter(float.class, "scale")
        .addJavadoc("{@code saturate(QMIN - rint(lo / s))}; 0 for an all-zero group.\n")
        .beginControlFlow("if (lo == hi)")
        .addStatement("return 0")
        .endControlFlow()
        .addStatement(
            "return (int) $T.max(QMIN, $T.min(QMAX, QMIN - $T.rint(lo / scale)))",
            Math.class,
            Math.class,
            Math.class)
        .build();
  }

  private static CodeBlock integerDoc(
      Target t, VariantSpec v, int qmin, int qmax, int block, int groups) {
    String granularity =
        !v.perChannel()
            ? "one scale for the tensor"
            : groups > 1
                ? "one scale per output channel and block of " + block + " weights"
                : "one scale per output channel";
    return CodeBlock.builder()
        .add(
            "Fake quantization of {@link $L} at $L for quantization-aware training: weights $L in\n",
            t.qualifiedName(),
            v.precision(),
            t.shape())
        .add(
            "[$L, $L] ($L, $L), quantized and dequantized exactly as the generated kernel prepares them;\n",
            qmin,
            qmax,
            v.scheme().name().toLowerCase(Locale.ROOT),
            granularity)
        .add(
            "the straight-through estimator passes the gradient where the nearest code is in range.\n")
        .add("Layer rounding: $L. $L\n\n", v.rounding(), activationDoc(v))
        .add(
            "<p>Deterministic: nothing random happens outside training with {@link #stochastic}.\n")
        .build();
  }

  private static String activationDoc(VariantSpec v) {
    switch (v.activations()) {
      case STATIC:
        return "Activations: static int8, {@link #ACTIVATIONS}.";
      case DYNAMIC:
        return "Activations: uint8 per call, {@link #dynamicActivations}.";
      case BINARY:
        return "Activations: signs, {@link #binaryActivations}.";
      default:
        return "Activations: float (weight-only).";
    }
  }

  // ---- activations ----

  private static void staticActivations(TypeSpec.Builder type) {
    type.addType(int8Activations());
    type.addField(
        FieldSpec.builder(
                ACTIVATION_FAKE_QUANT,
                "ACTIVATIONS",
                Modifier.PUBLIC,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc(
                "The int8 fake quantization of the layer's static activation boundaries (pass it to\n"
                    + "{@code ActivationQuant}, which keeps the calibrated or learned scale).\n")
            .initializer("new Int8Activations()")
            .build());
  }

  /**
   * {@code Int8Activations}: the kernel's int8 input quantization, its gradient mask and LSQ scale
   * gradient.
   */
  private static TypeSpec int8Activations() {
    return TypeSpec.classBuilder("Int8Activations")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(ACTIVATION_FAKE_QUANT)
        .addJavadoc(
            "Int8 activations as the kernel quantizes its input: {@code LayerMath.quantize} on [$L, $L].\n",
            ACT_MIN,
            ACT_MAX)
        .addMethod(
            MethodSpec.methodBuilder("apply")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(float.class)
                .addParameter(float.class, "x")
                .addParameter(float.class, "scale")
                .addParameter(int.class, "zeroPoint")
                .addStatement(
                    "return ($T.quantize(x, scale, zeroPoint, $L, $L) - zeroPoint) * scale",
                    RuntimeNames.LAYER_MATH,
                    ACT_MIN,
                    ACT_MAX)
                .build())
        .addMethod(
            MethodSpec.methodBuilder("passes")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(boolean.class)
                .addParameter(float.class, "x")
                .addParameter(float.class, "scale")
                .addParameter(int.class, "zeroPoint")
                .addComment("NaN fails both comparisons: no gradient")
                .addStatement("double q = $T.rint(x / scale) + zeroPoint", Math.class)
                .addStatement("return q >= $L && q <= $L", ACT_MIN, ACT_MAX)
                .build())
        .addMethod(
            MethodSpec.methodBuilder("scaleGradient")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(float.class)
                .addParameter(float.class, "x")
                .addParameter(float.class, "scale")
                .addParameter(int.class, "zeroPoint")
                .addComment(
                    "LSQ: rint(v) - v inside the range, the clamped code's offset outside it")
                .addStatement("float v = x / scale")
                .addStatement("double q = $T.rint(v) + zeroPoint", Math.class)
                .beginControlFlow("if (q < $L)", ACT_MIN)
                .addStatement("return $L - zeroPoint", ACT_MIN)
                .endControlFlow()
                .beginControlFlow("if (q > $L)", ACT_MAX)
                .addStatement("return $L - zeroPoint", ACT_MAX)
                .endControlFlow()
                .addStatement("return (float) ($T.rint(v) - v)", Math.class)
                .build())
        .build();
  }

  private static MethodSpec dynamicActivations() {
    return MethodSpec.methodBuilder("dynamicActivations")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc(
            "Fake-quantizes one input row {@code x[from, from + COLS)} as the kernel quantizes it per call\n"
                + "(ONNX DynamicQuantizeLinear: uint8, the row's range widened to include 0, NaN never widening it)\n"
                + "into {@code y[from, from + COLS)}, and writes the straight-through mask {@code 0 <= rint(x / s) + z <=\n"
                + "255} into {@code mask} (0 for NaN, which reads as 0).\n\n"
                + "@throws IllegalArgumentException if a buffer ends before {@code from + COLS}\n")
        .addParameter(float[].class, "x")
        .addParameter(int.class, "from")
        .addParameter(float[].class, "y")
        .addParameter(float[].class, "mask")
        .addStatement("checkRow(from, x.length, y.length, mask.length)")
        .addStatement("float lo = 0.0f")
        .addStatement("float hi = 0.0f")
        .beginControlFlow("for (int i = from; i < from + COLS; i++)")
        .addStatement("lo = $T.widenLow(lo, x[i])", RuntimeNames.LAYER_MATH)
        .addStatement("hi = $T.widenHigh(hi, x[i])", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .addStatement("float s = $T.dynamicScale(lo, hi)", RuntimeNames.LAYER_MATH)
        .addStatement("int z = $T.dynamicZeroPoint(lo, s)", RuntimeNames.LAYER_MATH)
        .beginControlFlow("for (int i = from; i < from + COLS; i++)")
        .addStatement("y[i] = ($T.quantize(x[i], s, z, 0, 255) - z) * s", RuntimeNames.LAYER_MATH)
        .addStatement("double q = $T.rint(x[i] / s) + z", Math.class)
        .addStatement("mask[i] = q >= 0 && q <= 255 ? 1.0f : 0.0f")
        .endControlFlow()
        .build();
  }

  private static MethodSpec binaryActivations() {
    return MethodSpec.methodBuilder("binaryActivations")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc(
            "Binarizes one input row {@code x[from, from + COLS)} as the XNOR kernel does: {@code beta *\n"
                + "sign(x)} with {@code sign(0) = +1} and {@code beta = mean|x|} summed in float in index order; the\n"
                + "mask is the hard-tanh clip {@code |x| <= clip} of the straight-through estimator.\n\n"
                + "@throws IllegalArgumentException if a buffer ends before {@code from + COLS}, or for a clip that is\n"
                + "    not positive\n")
        .addParameter(float[].class, "x")
        .addParameter(int.class, "from")
        .addParameter(float.class, "clip")
        .addParameter(float[].class, "y")
        .addParameter(float[].class, "mask")
        .addStatement("checkRow(from, x.length, y.length, mask.length)")
        .beginControlFlow("if (!(clip > 0))")
        .addStatement(
            "throw new $T($S + clip)",
            IllegalArgumentException.class,
            "clip: expected a value > 0, got ")
        .endControlFlow()
        .addStatement("float beta = 0.0f")
        .beginControlFlow("for (int i = from; i < from + COLS; i++)")
        .addStatement("beta += $T.betaTerm(x[i])", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .addStatement("beta /= COLS")
        .beginControlFlow("for (int i = from; i < from + COLS; i++)")
        .addStatement("y[i] = $T.signBit(x[i]) == 1L ? beta : -beta", RuntimeNames.LAYER_MATH)
        .addStatement("mask[i] = $T.abs(x[i]) <= clip ? 1.0f : 0.0f", Math.class)
        .endControlFlow()
        .build();
  }

  // ---- BINARY weights ----

  private static void binary(Target t, VariantSpec v, TypeSpec.Builder type) {
    boolean perChannel = v.perChannel();
    type.addSuperinterface(BINARY_WEIGHTS)
        .addJavadoc(
            "Binary weights of {@link $L} for quantization-aware training (XNOR-Net, BinaryConnect):\n",
            t.qualifiedName())
        .addJavadoc(
            "weights $L become {@code alpha * sign(w)} with {@code sign(0) = +1} and {@code alpha = mean|w|}\n",
            t.shape())
        .addJavadoc(
            "$L, summed in double and rounded once, exactly as the kernel's prepare computes it;\n",
            perChannel ? "per output channel" : "of the whole tensor")
        .addJavadoc(
            "the gradient reaches the latent float weights where {@code |w| <= 1}. $L\n",
            activationDoc(v));
    type.addField(
        FieldSpec.builder(float.class, "CLIP", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The straight-through clip of the latent weights.\n")
            .initializer("1.0f")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("perChannel")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(boolean.class)
            .addStatement("return $L", perChannel)
            .build());
    type.addMethod(binaryAlphas(perChannel));
    type.addMethod(binaryApply(perChannel));
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Stateless: one instance may serve any number of layers of this shape.\n")
            .build());
  }

  /** {@code alphas(w)}: {@code mean|w|} per row or for the tensor, as the kernel computes it. */
  private static MethodSpec binaryAlphas(boolean perChannel) {
    return MethodSpec.methodBuilder("alphas")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(float[].class)
        .addJavadoc(
            "The scales {@code mean|w|}: $L.\n\n"
                + "@throws IllegalArgumentException for a weight that is not finite or another length\n",
            perChannel ? "one per row" : "one for the tensor")
        .addParameter(float[].class, "w")
        .addStatement("checkShape(w, ROWS, COLS)")
        .addStatement("float[] alphas = new float[$L]", perChannel ? "ROWS" : "1")
        .addCode(perChannel ? CodeBlock.of("") : CodeBlock.of("double total = 0;\n"))
        .beginControlFlow("for (int r = 0; r < ROWS; r++)")
        .addStatement("double sum = 0")
        .beginControlFlow("for (int i = r * COLS; i < (r + 1) * COLS; i++)")
        .beginControlFlow("if (!$T.isFinite(w[i]))", Float.class)
        .addStatement(
            "throw new $T($S + i + $S + w[i])",
            IllegalArgumentException.class,
            "w[",
            "]: expected a finite value, got ")
        .endControlFlow()
        .addStatement("sum += $T.abs(w[i])", Math.class)
        .endControlFlow()
        .addCode(
            perChannel
                ? CodeBlock.of("alphas[r] = (float) (sum / COLS);\n")
                : CodeBlock.of("total += sum;\n"))
        .endControlFlow()
        .addCode(
            perChannel
                ? CodeBlock.of("")
                : CodeBlock.of("alphas[0] = (float) (total / ((double) COLS * ROWS));\n"))
        .addStatement("return alphas")
        .build();
  }

  /** {@code apply}: {@code alpha * sign(w)} and the clip mask. */
  private static MethodSpec binaryApply(boolean perChannel) {
    return applyStart(
            "Writes {@code alpha * sign(w)} and the clip mask; nothing random, so {@code training} is unused.\n")
        .addComment(
            "The maths: the forward pass is the kernel's +-alpha; d/dw of sign is taken as 1 inside the clip")
        .addStatement("float[] alphas = alphas(w)")
        .beginControlFlow("for (int r = 0; r < ROWS; r++)")
        .addStatement("float alpha = alphas[$L]", perChannel ? "r" : "0")
        .beginControlFlow("for (int i = r * COLS; i < (r + 1) * COLS; i++)")
        .addStatement(
            "effective[i] = $T.signBit(w[i]) == 1L ? alpha : -alpha", RuntimeNames.LAYER_MATH)
        .addStatement("mask[i] = $T.abs(w[i]) <= CLIP ? 1.0f : 0.0f", Math.class)
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  private static MethodSpec checkRow() {
    return MethodSpec.methodBuilder("checkRow")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(int.class, "from")
        .addParameter(int.class, "x")
        .addParameter(int.class, "y")
        .addParameter(int.class, "mask")
        .beginControlFlow("if (from < 0 || Math.min(x, Math.min(y, mask)) - COLS < from)")
        .addStatement(
            "throw new $T($S + COLS + $S + from + $S + x + $S + y + $S + mask)",
            IllegalArgumentException.class,
            "from: expected a row start in [0, length - ",
            "], got ",
            "; lengths x ",
            ", y ",
            ", mask ")
        .endControlFlow()
        .build();
  }

  private static MethodSpec checkShape() {
    return MethodSpec.methodBuilder("checkShape")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(float[].class, "w")
        .addParameter(int.class, "rows")
        .addParameter(int.class, "cols")
        .beginControlFlow("if (rows != ROWS || cols != COLS || w.length < ROWS * COLS)")
        .addStatement(
            "throw new $T($S + ROWS + $S + COLS + $S + rows + $S + cols + $S + w.length)",
            IllegalArgumentException.class,
            "w: expected rows = ",
            ", cols = ",
            " and at least rows * cols values, got rows = ",
            ", cols = ",
            ", length ")
        .endControlFlow()
        .build();
  }
}
