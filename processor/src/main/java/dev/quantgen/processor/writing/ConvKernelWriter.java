package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.SpatialSpec.Window;
import dev.quantgen.processor.model.VariantSpec;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes one convolution kernel class per precision, every size a constant, each equal to its
 * runtime reference:
 *
 * <ul>
 *   <li>{@code _Fp32}: float weights, {@code Conv2d};
 *   <li>{@code _Fp16}: binary16 weights decoded per tap, {@code Fp16Conv2d};
 *   <li>{@code _Int8}, {@code _Int4} with static activations: int8 in and out, int32 accumulators,
 *       {@code QuantizedConv2d}; with dynamic or weight-only activations: float in and out, {@code
 *       WeightQuantizedConv2d};
 *   <li>{@code _Binary}: sign bits packed in longs; float activations by sign-add or binary ones by
 *       XNOR and popcount, {@code BinaryConv2d}.
 * </ul>
 *
 * <p>The float forms visit taps the way the references do (per output channel, input channel,
 * kernel row, kernel column, then along output rows), so each output sums its products in the same
 * order and float results are equal bit for bit, not just close. The range of output positions a
 * tap reaches without touching padding is computed here, at generation time, and the row loop is
 * unrolled by {@link KernelClass#UNROLL} with a scalar tail. Static integer kernels instead gather
 * the int8 receptive fields (im2col) and run the run-time chosen int8/int4 matrix product over them
 * ({@link StaticConvMembers}): int32 sums are exact in any order. INT4 rows are packed two weights
 * per byte from a byte boundary per output channel; sign rows 64 per long.
 */
final class ConvKernelWriter {
  private static final ClassName CONV_GEOMETRY =
      ClassName.get("dev.quantgen.runtime.conv", "ConvGeometry");
  private static final ClassName CONV_KERNELS =
      ClassName.get("dev.quantgen.runtime.conv", "ConvKernels");
  private static final ClassName FLOAT_CONV =
      ClassName.get("dev.quantgen.runtime.conv", "FloatConv");

  /** How weights are stored and read back at a tap. */
  private enum Storage {
    FLOAT,
    HALF,
    INT8,
    INT4,
    SIGNS
  }

  /** What flows in and out and how an output is finished. */
  private enum Form {
    /** FP32 and FP16: float sums, then bias. */
    FLOAT,
    /** Int8 in and out, int32 accumulators requantized per output channel. */
    STATIC,
    /** Float in, uint8 per sample, int32 accumulators, float out. */
    DYNAMIC,
    /** Float sums of {@code x * qw}, scaled per output channel. */
    WEIGHT_ONLY,
    /** Float sums of {@code +-x}, scaled by alpha. */
    SIGN_ADD,
    /** Receptive fields binarized, XNOR and popcount against the sign rows. */
    XNOR
  }

  private final SpatialSpec layer;
  private final VariantSpec variant;
  private final Storage storage;
  private final Form form;
  private final ClassName self;

  private ConvKernelWriter(SpatialSpec layer, VariantSpec variant) {
    this.layer = layer;
    this.variant = variant;
    this.self = ClassName.get(layer.packageName(), layer.className(variant.suffix()));
    switch (variant.precision()) {
      case FP32:
        storage = Storage.FLOAT;
        form = Form.FLOAT;
        break;
      case FP16:
        storage = Storage.HALF;
        form = Form.FLOAT;
        break;
      case BINARY:
        storage = Storage.SIGNS;
        form = variant.activations() == Activations.BINARY ? Form.XNOR : Form.SIGN_ADD;
        break;
      default:
        storage = variant.precision() == Precision.INT4 ? Storage.INT4 : Storage.INT8;
        form =
            variant.activations() == Activations.STATIC
                ? Form.STATIC
                : variant.activations() == Activations.DYNAMIC ? Form.DYNAMIC : Form.WEIGHT_ONLY;
        break;
    }
  }

  /** The kernel class of {@code variant} (the FP32 baseline included). */
  static TypeSpec write(SpatialSpec layer, VariantSpec variant, Element origin) {
    return new ConvKernelWriter(layer, variant).type(origin);
  }

  private TypeSpec type(Element origin) {
    Window w = layer.window();
    TypeSpec.Builder type =
        SpatialKernelWriter.start(layer, variant.suffix(), origin)
            .addJavadoc(ConvKernelDocs.of(layer, variant, form == Form.XNOR));
    type.addField(
        KernelClass.constant(
            "GROUPS", layer.groups(), "Groups (depthwise when it equals the channels)."));
    type.addField(
        FieldSpec.builder(
                RuntimeNames.ACTIVATION,
                "ACTIVATION",
                Modifier.PUBLIC,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc("The fused activation.\n")
            .initializer(KernelClass.fusedActivation(layer.activation()))
            .build());
    type.addField(KernelClass.privateConstant("DH", w.dilationHeight(), "Vertical dilation."));
    type.addField(KernelClass.privateConstant("DW", w.dilationWidth(), "Horizontal dilation."));
    type.addField(
        KernelClass.privateConstant(
            "CPG", layer.inChannels() / layer.groups(), "Input channels per group."));
    type.addField(
        KernelClass.privateConstant(
            "MPG", layer.outChannels() / layer.groups(), "Output channels per group."));
    type.addField(
        KernelClass.privateConstant(
            "FAN_IN", fanIn(), "Weights per output channel: CPG * KH * KW."));
    if (storage == Storage.INT4) {
      type.addField(
          KernelClass.privateConstant(
              "ROW_BYTES",
              (fanIn() + 1) / 2,
              "Bytes per packed output channel: two int4 weights per byte, low nibble first."));
    }
    if (storage == Storage.SIGNS) {
      type.addField(
          KernelClass.privateConstant(
              "WORDS", (fanIn() + 63) / 64, "Longs per packed sign row, padded with 0 bits."));
    }
    boolean blockedStatic = form == Form.STATIC && StaticConvMembers.blocked(layer);
    if (form != Form.XNOR && form != Form.FLOAT && !blockedStatic) {
      type.addField(
          table(
              "OY_FIRST",
              ranges(
                  w.kernelHeight(),
                  w.dilationHeight(),
                  w.padTop(),
                  w.strideHeight(),
                  layer.inHeight(),
                  layer.outHeight(),
                  true),
              "Per kernel row: the first output row it reaches inside the input."));
      type.addField(
          table(
              "OY_END",
              ranges(
                  w.kernelHeight(),
                  w.dilationHeight(),
                  w.padTop(),
                  w.strideHeight(),
                  layer.inHeight(),
                  layer.outHeight(),
                  false),
              "Per kernel row: one past the last output row it reaches."));
      type.addField(
          table(
              "OX_FIRST",
              ranges(
                  w.kernelWidth(),
                  w.dilationWidth(),
                  w.padLeft(),
                  w.strideWidth(),
                  layer.inWidth(),
                  layer.outWidth(),
                  true),
              "Per kernel column: the first output column it reaches."));
      type.addField(
          table(
              "OX_END",
              ranges(
                  w.kernelWidth(),
                  w.dilationWidth(),
                  w.padLeft(),
                  w.strideWidth(),
                  layer.inWidth(),
                  layer.outWidth(),
                  false),
              "Per kernel column: one past the last output column it reaches."));
    }
    addWeightFields(type);
    switch (form) {
      case FLOAT:
        floatConstructor(type);
        break;
      case STATIC:
        StaticConvMembers.add(layer, variant, self, padded(), type);
        break;
      default:
        referenceConstructor(type);
        break;
    }
    if (form == Form.XNOR) {
      addScratch(
          type,
          FieldSpec.builder(long[].class, "bits", Modifier.FINAL)
              .initializer("new long[WORDS]")
              .addJavadoc("The sign bits of one receptive field.\n")
              .build());
      type.addMethod(xnorForward());
      type.addMethod(mismatches());
    } else if (form == Form.STATIC) {
      if (!blockedStatic) {
        type.addMethod(StaticConvMembers.im2col(padded()));
      }
    } else if (form == Form.FLOAT) {
      type.addMethod(blockedForward());
      type.addField(pooledConstant(layer));
      type.addMethod(blockedMaxPool2());
      type.addMethod(
          MethodSpec.methodBuilder("kernelName")
              .addModifiers(Modifier.PUBLIC)
              .returns(String.class)
              .addJavadoc(
                  "The blocked kernel this layer runs on (vector width and register tile, or scalar).\n")
              .addStatement("return conv.name()")
              .build());
    } else {
      if (form == Form.DYNAMIC) {
        addScratch(
            type,
            FieldSpec.builder(int[].class, "xc", Modifier.FINAL)
                .initializer("new int[IN]")
                .addJavadoc("The sample's uint8 codes minus the zero point, {@code [C, H, W]}.\n")
                .build(),
            FieldSpec.builder(int[].class, "acc", Modifier.FINAL)
                .initializer("new int[PLANE]")
                .addJavadoc("One output channel's exact int32 sums, {@code [OH, OW]}.\n")
                .build());
      }
      type.addMethod(form == Form.DYNAMIC ? dynamicForward() : floatForward());
      type.addMethod(taps());
      type.addMethod(row());
    }
    if (storage == Storage.INT4 && form != Form.STATIC) {
      type.addMethod(nibble());
    }
    if (storage == Storage.INT4 || storage == Storage.INT8) {
      type.addMethod(weightBytes());
    }
    if (storage == Storage.SIGNS && form == Form.SIGN_ADD) {
      type.addMethod(sign());
    }
    return type.build();
  }

  /**
   * Whether some tap of some output reads a padded cell (a range of the tables is not the whole
   * output).
   */
  private boolean padded() {
    Window w = layer.window();
    int[] yFirst =
        ranges(
            w.kernelHeight(),
            w.dilationHeight(),
            w.padTop(),
            w.strideHeight(),
            layer.inHeight(),
            layer.outHeight(),
            true);
    int[] yEnd =
        ranges(
            w.kernelHeight(),
            w.dilationHeight(),
            w.padTop(),
            w.strideHeight(),
            layer.inHeight(),
            layer.outHeight(),
            false);
    int[] xFirst =
        ranges(
            w.kernelWidth(),
            w.dilationWidth(),
            w.padLeft(),
            w.strideWidth(),
            layer.inWidth(),
            layer.outWidth(),
            true);
    int[] xEnd =
        ranges(
            w.kernelWidth(),
            w.dilationWidth(),
            w.padLeft(),
            w.strideWidth(),
            layer.inWidth(),
            layer.outWidth(),
            false);
    for (int k = 0; k < yFirst.length; k++) {
      if (yFirst[k] != 0 || yEnd[k] != layer.outHeight()) {
        return true;
      }
    }
    for (int k = 0; k < xFirst.length; k++) {
      if (xFirst[k] != 0 || xEnd[k] != layer.outWidth()) {
        return true;
      }
    }
    return false;
  }

  private int fanIn() {
    return layer.inChannels()
        / layer.groups()
        * layer.window().kernelHeight()
        * layer.window().kernelWidth();
  }

  private boolean floatSums() {
    return form != Form.STATIC && form != Form.DYNAMIC;
  }

  // ---- weights ----

  private TypeName weightArray() {
    switch (storage) {
      case FLOAT:
        return ArrayTypeName.of(TypeName.FLOAT);
      case HALF:
        return ArrayTypeName.of(TypeName.SHORT);
      case SIGNS:
        return ArrayTypeName.of(TypeName.LONG);
      default:
        return ArrayTypeName.of(TypeName.BYTE);
    }
  }

  /** The weight of output channel {@code m} at row index {@code tap}, as the accumulator's type. */
  private CodeBlock readWeight() {
    switch (storage) {
      case HALF:
        return CodeBlock.of("$T.toFloat(w[m * FAN_IN + tap])", RuntimeNames.HALF);
      case INT4:
        return CodeBlock.of("nibble(w[m * ROW_BYTES + (tap >> 1)], tap)");
      case SIGNS:
        return CodeBlock.of("sign(w[m * WORDS + (tap >> 6)], tap)");
      default:
        return CodeBlock.of("w[m * FAN_IN + tap]");
    }
  }

  private void addWeightFields(TypeSpec.Builder type) {
    if (form == Form.FLOAT) {
      type.addField(
          FieldSpec.builder(
                  CONV_GEOMETRY, "GEOMETRY", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("Every size of this layer, for the blocked kernel's tables.\n")
              .initializer(
                  "new $T(IN_CHANNELS, IN_HEIGHT, IN_WIDTH, OUT_CHANNELS, GROUPS, KH, KW, SH, SW, DH, DW,"
                      + " PAD_TOP, PAD_LEFT, OUT_HEIGHT, OUT_WIDTH)",
                  CONV_GEOMETRY)
              .build());
      type.addField(
          FieldSpec.builder(FLOAT_CONV, "conv", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "The blocked kernel with this layer's weights packed into its panels (Vector API or scalar).\n")
              .build());
      return;
    }
    type.addField(KernelClass.field(weightArray(), "weights"));
    if (form == Form.DYNAMIC || form == Form.WEIGHT_ONLY) {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "scales"));
    }
    if (storage == Storage.SIGNS) {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "alphas"));
    }
    if (form != Form.STATIC && layer.bias()) {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "bias"));
    }
  }

  /** FP32 and FP16: built from the float weights, FP16 rounding them through {@code Fp16Conv2d}. */
  private void floatConstructor(TypeSpec.Builder type) {
    boolean half = storage == Storage.HALF;
    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs FP32 weights$L.\n\n@param weights {@code [OUT_CHANNELS, IN_CHANNELS / GROUPS, KH, KW]}\n"
                    + "@param bias {@code [OUT_CHANNELS]}$L\n"
                    + "@throws IllegalArgumentException if a shape does not fit the layer\n",
                half ? " rounded to binary16 (as {@code Fp16Conv2d} rounds them)" : " as trained",
                layer.bias() ? "" : ", null: the layer has none")
            .addParameter(RuntimeNames.FLOAT_TENSOR, "weights")
            .addParameter(RuntimeNames.FLOAT_TENSOR, "bias")
            .addCode(shapeCheck(layer));
    if (half) {
      ctor.addComment(
              "binary16 weights decoded once, here: the panels hold their exact float values")
          .addStatement(
              "float[] w = $T.of(weights, bias, WINDOW, GROUPS, ACTIVATION).decodedWeights().toArray()",
              RuntimeNames.FP16_CONV);
    } else {
      ctor.addStatement("float[] w = weights.toArray()");
    }
    ctor.addStatement(
        "this.conv = $T.$L(GEOMETRY, w, $L, ACTIVATION)",
        CONV_KERNELS,
        StaticConvMembers.floatKernel(layer),
        layer.bias() ? "bias.toArray()" : "null");
    type.addMethod(ctor.build());
    if (half) {
      type.addMethod(
          prepare()
              .addJavadoc(
                  "The kernel of FP32 weights; {@code input} and {@code output} are unused "
                      + "(float activations).\n")
              .addStatement("return new $T(weights, bias)", self)
              .build());
    }
  }

  /**
   * DYNAMIC, weight-only and BINARY kernels: built from their runtime reference's own quantized
   * weights.
   */
  private void referenceConstructor(TypeSpec.Builder type) {
    boolean binary = storage == Storage.SIGNS;
    ClassName reference = binary ? RuntimeNames.BINARY_CONV : RuntimeNames.WEIGHT_QUANTIZED_CONV;
    String mode = form == Form.DYNAMIC ? "DYNAMIC" : form == Form.XNOR ? "BINARY" : "FLOAT";
    CodeBlock weightShape =
        CodeBlock.of(binary ? "layer.weightShape()" : "layer.quantizedWeights().shape()");
    CodeBlock extra =
        binary
            ? CodeBlock.of(
                "layer.alphas().length == $L", variant.perChannel() ? "OUT_CHANNELS" : "1")
            : CodeBlock.of(
                "layer.weightType() == $T.$L", RuntimeNames.QUANT_TYPE, variant.precision().name());
    type.addMethod(
        MethodSpec.methodBuilder("accepts")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Whether this kernel runs {@code layer}: same weight shape, resolved window, groups, activation,\n"
                    + "bias, activation mode and $L.\n",
                binary ? "alpha granularity" : "weight type")
            .returns(boolean.class)
            .addParameter(reference, "layer")
            .addStatement("$T w = layer.window()", RuntimeNames.WINDOW_2D)
            .addStatement(
                "return $L.equals($T.of(OUT_CHANNELS, CPG, KH, KW))\n"
                    + "&& w.strideHeight() == SH && w.strideWidth() == SW && w.dilationHeight() == DH && w.dilationWidth() == DW\n"
                    + "&& w.resolve(IN_HEIGHT, IN_WIDTH).equals(WINDOW.resolve(IN_HEIGHT, IN_WIDTH))\n"
                    + "&& layer.groups() == GROUPS && layer.activation() == ACTIVATION && layer.bias() $L null\n"
                    + "&& layer.mode() == $T.$L && $L",
                weightShape,
                RuntimeNames.SHAPE,
                layer.bias() ? "!=" : "==",
                RuntimeNames.ACTIVATION_MODE,
                mode,
                extra)
            .build());
    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs a reference layer's own $L.\n\n"
                    + "@throws IllegalArgumentException if it was made for another shape, window, activation, bias or mode\n",
                binary ? "sign bits, alphas and bias" : "quantized weights, scales and bias")
            .addParameter(reference, "layer")
            .beginControlFlow("if (!accepts(layer))")
            .addStatement(
                "throw new IllegalArgumentException($S + $L + $S + layer.window() + $S + layer.groups()"
                    + " + $S + layer.activation() + $S + (layer.bias() != null) + $S + layer.mode() + $S)",
                "layer: weights ",
                weightShape,
                ", window ",
                ", groups ",
                ", activation ",
                ", bias ",
                ", mode ",
                ", expected weights ["
                    + layer.outChannels()
                    + ", "
                    + layer.inChannels() / layer.groups()
                    + ", "
                    + layer.window().kernelHeight()
                    + ", "
                    + layer.window().kernelWidth()
                    + "], bias "
                    + layer.bias()
                    + ", mode "
                    + mode
                    + (binary
                        ? ", " + (variant.perChannel() ? "per-channel" : "per-tensor") + " alphas"
                        : ", " + variant.precision() + " weights")
                    + " and this kernel's WINDOW, GROUPS and ACTIVATION")
            .endControlFlow();
    if (binary) {
      ctor.addStatement("this.weights = layer.packedSigns()")
          .addStatement("this.alphas = layer.alphas()");
    } else {
      ctor.addStatement("this.weights = weightBytes(layer.quantizedWeights().toArray())")
          .addStatement("this.scales = layer.weightScales().toArray()");
    }
    if (layer.bias()) {
      ctor.addStatement("this.bias = layer.bias().toArray()");
    }
    type.addMethod(ctor.build());
    MethodSpec.Builder prepare =
        prepare()
            .addJavadoc(
                "$L FP32 weights$L; {@code input} and {@code output} are unused (float activations).\n",
                binary ? "Binarizes" : "Quantizes",
                binary ? "" : " (symmetric per output channel)")
            .addCode(shapeCheck(layer));
    if (binary) {
      prepare.addStatement(
          "return new $T($T.binarize(weights, bias, WINDOW, GROUPS, ACTIVATION, $L, $T.$L))",
          self,
          reference,
          variant.perChannel(),
          RuntimeNames.ACTIVATION_MODE,
          mode);
    } else {
      prepare.addStatement(
          "return new $T($T.quantize(weights, bias, WINDOW, GROUPS, ACTIVATION, $T.$L, $T.$L))",
          self,
          reference,
          RuntimeNames.QUANT_TYPE,
          variant.precision().name(),
          RuntimeNames.ACTIVATION_MODE,
          mode);
    }
    type.addMethod(prepare.build());
  }

  /**
   * {@code public static <Self> prepare(weights, bias, input, output)}, the signature models call.
   */
  private MethodSpec.Builder prepare() {
    return MethodSpec.methodBuilder("prepare")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(self)
        .addParameter(RuntimeNames.FLOAT_TENSOR, "weights")
        .addParameter(RuntimeNames.FLOAT_TENSOR, "bias")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "input")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "output");
  }

  /** Statements rejecting weights or a bias that do not fit the layer, naming what was expected. */
  static CodeBlock shapeCheck(SpatialSpec layer) {
    return CodeBlock.builder()
        .addStatement(
            "$T expected = $T.of(OUT_CHANNELS, CPG, KH, KW)",
            RuntimeNames.SHAPE,
            RuntimeNames.SHAPE)
        .beginControlFlow("if (!weights.shape().equals(expected))")
        .addStatement(
            "throw new IllegalArgumentException($S + weights.shape() + $S + expected)",
            "weights: shape ",
            " does not fit " + layer.simpleName() + ", expected ")
        .endControlFlow()
        .add(
            layer.bias()
                ? CodeBlock.builder()
                    .beginControlFlow(
                        "if (bias == null || !bias.shape().equals($T.of(OUT_CHANNELS)))",
                        RuntimeNames.SHAPE)
                    .addStatement(
                        "throw new IllegalArgumentException($S + (bias == null ? null : bias.shape()) + $S)",
                        "bias: shape ",
                        ", expected ["
                            + layer.outChannels()
                            + "] ("
                            + layer.simpleName()
                            + " has a bias)")
                    .endControlFlow()
                    .build()
                : CodeBlock.builder()
                    .beginControlFlow("if (bias != null)")
                    .addStatement(
                        "throw new IllegalArgumentException($S + bias.shape() + $S)",
                        "bias: shape ",
                        ", expected null (" + layer.simpleName() + " has bias = false)")
                    .endControlFlow()
                    .build())
        .build();
  }

  // ---- forward ----

  /**
   * FP32, FP16, weight-only and sign-add: float sums per output channel, then scale, bias,
   * activation.
   */
  private MethodSpec floatForward() {
    String scaled =
        form == Form.WEIGHT_ONLY
            ? "y[i] * scales[m]"
            : form == Form.SIGN_ADD
                ? "y[i] * alphas[" + (variant.perChannel() ? "m" : "0") + "]"
                : "y[i]";
    String value = layer.bias() ? scaled + " + bias[m]" : scaled;
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("forward")
            .addJavadoc(
                "One sample: {@code x} is {@code [C, H, W]} row-major, {@code y} receives {@code [M, OH, OW]}.\n")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
            .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
            .addStatement("int yBase = m * PLANE")
            .addStatement("$T.fill(y, yBase, yBase + PLANE, 0.0f)", java.util.Arrays.class)
            .addStatement("taps(weights, m, x, y, yBase)");
    if (!value.equals("y[i]") || !layer.activation().isNone()) {
      b.beginControlFlow("for (int i = yBase; i < yBase + PLANE; i++)")
          .addStatement("y[i] = $L", KernelClass.activate(layer.activation(), value))
          .endControlFlow();
    }
    return b.endControlFlow().build();
  }

  /** FP32 and FP16: the blocked kernel (bias and activation fused into its epilogue). */
  private MethodSpec blockedForward() {
    return MethodSpec.methodBuilder("forward")
        .addJavadoc(
            "One sample: {@code x} is {@code [C, H, W]} row-major, {@code y} receives {@code [M, OH, OW]}.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addStatement("conv.forward(x, y)")
        .build();
  }

  /**
   * {@code POOLED}: the output values per sample of {@code forwardMaxPool2}, {@code [M, OH / 2, OW
   * / 2]}.
   */
  static FieldSpec pooledConstant(SpatialSpec layer) {
    return KernelClass.constant(
        "POOLED",
        layer.outChannels() * (layer.outHeight() / 2) * (layer.outWidth() / 2),
        "Output values per sample after the fused 2x2 max pool, {@code [M, OH / 2, OW / 2]}.\n");
  }

  /**
   * FP32 and FP16: the blocked kernel with the following 2x2 stride-2 max pool fused (a compiled
   * model calls it for a convolution followed by such a pool).
   */
  private MethodSpec blockedMaxPool2() {
    return MethodSpec.methodBuilder("forwardMaxPool2")
        .addJavadoc(
            "One sample followed by a 2x2 max pool of stride 2 without padding, fused: {@code y} receives\n"
                + "{@code [M, OH / 2, OW / 2]}, equal bit for bit to {@code forward} then that pool (bias and\n"
                + "activation are monotone, so the kernel takes each window's maximum of the raw sums first).\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "POOLED"))
        .addStatement("conv.forwardMaxPool2(x, y)")
        .build();
  }

  /**
   * A nested {@code Scratch} class holding {@code fields} and its per-thread {@code SCRATCH}, so a
   * call allocates nothing.
   */
  private void addScratch(TypeSpec.Builder type, FieldSpec... fields) {
    ClassName scratch = self.nestedClass("Scratch");
    type.addType(
        TypeSpec.classBuilder(scratch)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("One thread's buffers, so a call allocates nothing.\n")
            .addFields(List.of(fields))
            .build());
    type.addField(
        FieldSpec.builder(
                ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), scratch),
                "SCRATCH",
                Modifier.PRIVATE,
                Modifier.STATIC,
                Modifier.FINAL)
            .initializer("$T.withInitial($T::new)", ThreadLocal.class, scratch)
            .build());
  }

  /**
   * DYNAMIC: the sample quantized to uint8 as DynamicQuantizeLinear, exact int32 sums, then float.
   */
  private MethodSpec dynamicForward() {
    String value = "acc[i] * s" + (layer.bias() ? " + bias[m]" : "");
    return MethodSpec.methodBuilder("forward")
        .addJavadoc(
            "One float sample: {@code x} is {@code [C, H, W]} row-major, {@code y} receives {@code [M, OH, OW]}.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addComment(
            "ONNX DynamicQuantizeLinear over the sample: the range widened to include 0 (NaN and +-Inf never widen it)")
        .addStatement("float lo = 0.0f")
        .addStatement("float hi = 0.0f")
        .beginControlFlow("for (int i = 0; i < IN; i++)")
        .addStatement("lo = $T.widenLow(lo, x[i])", RuntimeNames.LAYER_MATH)
        .addStatement("hi = $T.widenHigh(hi, x[i])", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .addStatement("float sa = $T.dynamicScale(lo, hi)", RuntimeNames.LAYER_MATH)
        .addStatement("int za = $T.dynamicZeroPoint(lo, sa)", RuntimeNames.LAYER_MATH)
        .addComment(
            "Centred inputs: a padded cell then reads as za, i.e. real 0, as ConvInteger pads.")
        .addStatement("Scratch scratch = SCRATCH.get()")
        .addStatement("int[] xc = scratch.xc")
        .beginControlFlow("for (int i = 0; i < IN; i++)")
        .addStatement("xc[i] = $T.quantize(x[i], sa, za, 0, 255) - za", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .addStatement("int[] acc = scratch.acc")
        .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
        .addStatement("$T.fill(acc, 0)", java.util.Arrays.class)
        .addStatement("taps(weights, m, xc, acc, 0)")
        .addStatement("float s = sa * scales[m]")
        .addStatement("int yBase = m * PLANE")
        .beginControlFlow("for (int i = 0; i < PLANE; i++)")
        .addStatement("y[yBase + i] = $L", KernelClass.activate(layer.activation(), value))
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /**
   * XNOR: each zero-padded receptive field binarized once per group, then popcount against every
   * sign row.
   */
  private MethodSpec xnorForward() {
    String alpha = variant.perChannel() ? "alphas[m]" : "alphas[0]";
    String value = "dot * (" + alpha + " * beta)" + (layer.bias() ? " + bias[m]" : "");
    return MethodSpec.methodBuilder("forward")
        .addJavadoc(
            "One sample: {@code x} is {@code [C, H, W]} row-major, {@code y} receives {@code [M, OH, OW]}.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addStatement("long[] bits = SCRATCH.get().bits")
        .beginControlFlow("for (int g = 0; g < GROUPS; g++)")
        .beginControlFlow("for (int oy = 0; oy < OUT_HEIGHT; oy++)")
        .beginControlFlow("for (int ox = 0; ox < OUT_WIDTH; ox++)")
        .addComment(
            "The field in the order c, ky, kx; a padded cell reads as 0.0 (sign bit 1, |0| adds nothing).")
        .addStatement("$T.fill(bits, 0L)", java.util.Arrays.class)
        .addStatement("float beta = 0.0f")
        .addStatement("int tap = 0")
        .beginControlFlow("for (int c = 0; c < CPG; c++)")
        .addStatement("int xBase = (g * CPG + c) * IN_PLANE")
        .beginControlFlow("for (int ky = 0; ky < KH; ky++)")
        .addStatement("int iy = oy * SH + ky * DH - PAD_TOP")
        .beginControlFlow("for (int kx = 0; kx < KW; kx++, tap++)")
        .addStatement("int ix = ox * SW + kx * DW - PAD_LEFT")
        .addStatement(
            "float v = iy >= 0 && iy < IN_HEIGHT && ix >= 0 && ix < IN_WIDTH ? x[xBase + iy * IN_WIDTH + ix]"
                + " : 0.0f")
        .addStatement("bits[tap >> 6] |= $T.signBit(v) << tap", RuntimeNames.LAYER_MATH)
        .addStatement("beta += $T.betaTerm(v)", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .addStatement("beta /= FAN_IN")
        .beginControlFlow("for (int m = g * MPG; m < (g + 1) * MPG; m++)")
        .addStatement("int dot = FAN_IN - 2 * mismatches(weights, m * WORDS, bits)")
        .addStatement(
            "y[(m * OUT_HEIGHT + oy) * OUT_WIDTH + ox] = $L",
            KernelClass.activate(layer.activation(), value))
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /**
   * popcount(w XOR a) over a sign row; padding bits are 0 in both, and the last word is masked
   * anyway.
   */
  private MethodSpec mismatches() {
    int words = (fanIn() + 63) / 64;
    int tailBits = fanIn() % 64;
    int full = tailBits == 0 ? words : words - 1;
    CodeBlock.Builder b = CodeBlock.builder().addStatement("int n = 0");
    if (full > 0) {
      b.beginControlFlow("for (int k = 0; k < $L; k++)", full)
          .addStatement("n += Long.bitCount(w[off + k] ^ a[k])")
          .endControlFlow();
    }
    if (tailBits != 0) {
      b.addStatement(
          "n += Long.bitCount((w[$L] ^ a[$L]) & 0x$LL)",
          full == 0 ? "off" : "off + " + full,
          full,
          Long.toHexString((1L << tailBits) - 1));
    }
    return MethodSpec.methodBuilder("mismatches")
        .addJavadoc(
            "Positions where the signs differ: {@code popcount(w ^ a)}, the padding bits of the last word\n"
                + "masked off.\n")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(int.class)
        .addParameter(long[].class, "w")
        .addParameter(int.class, "off")
        .addParameter(long[].class, "a")
        .addCode(b.addStatement("return n").build())
        .build();
  }

  /**
   * Adds every tap of output channel {@code m} into {@code acc[accBase ..]}, tap by tap along
   * output rows.
   */
  private MethodSpec taps() {
    TypeName value = floatSums() ? TypeName.FLOAT : TypeName.INT;
    return MethodSpec.methodBuilder("taps")
        .addJavadoc(
            "Adds the products of output channel {@code m} into {@code acc[accBase ..]}, in the order input\n"
                + "channel, kernel row, kernel column; padding is skipped by the precomputed ranges.\n")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(weightArray(), "w")
        .addParameter(int.class, "m")
        .addParameter(ArrayTypeName.of(value), "x")
        .addParameter(ArrayTypeName.of(value), "acc")
        .addParameter(int.class, "accBase")
        .addStatement("int firstChannel = m / MPG * CPG")
        .beginControlFlow("for (int c = 0; c < CPG; c++)")
        .addStatement("int xBase = (firstChannel + c) * IN_PLANE")
        .beginControlFlow("for (int ky = 0; ky < KH; ky++)")
        .addStatement("int tapY = ky * DH - PAD_TOP")
        .beginControlFlow("for (int kx = 0; kx < KW; kx++)")
        .addStatement("int tap = (c * KH + ky) * KW + kx")
        .addStatement("$T wv = $L", value, readWeight())
        .addStatement("int tapX = kx * DW - PAD_LEFT")
        .beginControlFlow("for (int oy = OY_FIRST[ky]; oy < OY_END[ky]; oy++)")
        .addStatement(
            "row(acc, accBase + oy * OUT_WIDTH, x, xBase + (oy * SH + tapY) * IN_WIDTH + tapX, wv, "
                + "OX_FIRST[kx], OX_END[kx])")
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /**
   * {@code acc[at + ox] += x[from + ox * SW] * w} for {@code ox} in {@code [first, end)}, unrolled.
   */
  private MethodSpec row() {
    TypeName value = floatSums() ? TypeName.FLOAT : TypeName.INT;
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("row")
            .addJavadoc(
                "{@code acc[at + ox] += x[from + ox * SW] * w} for {@code ox} in {@code [first, end)}, $L at a time\n"
                    + "then a scalar tail; outputs are independent, so unrolling keeps each output's order.\n",
                KernelClass.UNROLL)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(ArrayTypeName.of(value), "acc")
            .addParameter(int.class, "at")
            .addParameter(ArrayTypeName.of(value), "x")
            .addParameter(int.class, "from")
            .addParameter(value, "w")
            .addParameter(int.class, "first")
            .addParameter(int.class, "end")
            .addStatement("int ox = first")
            .beginControlFlow(
                "for (; ox <= end - $L; ox += $L)", KernelClass.UNROLL, KernelClass.UNROLL);
    for (int k = 0; k < KernelClass.UNROLL; k++) {
      String o = k == 0 ? "ox" : "(ox + " + k + ")";
      b.addStatement("acc[at + $L] += x[from + $L * SW] * w", o, o);
    }
    return b.endControlFlow()
        .beginControlFlow("for (; ox < end; ox++)")
        .addStatement("acc[at + ox] += x[from + ox * SW] * w")
        .endControlFlow()
        .build();
  }

  // ---- weight decoding ----

  private static MethodSpec nibble() {
    return MethodSpec.methodBuilder("nibble")
        .addJavadoc(
            "The int4 weight {@code tap} of its byte: the low nibble for an even tap, the high one for an odd\n"
                + "tap, sign-extended.\n")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(int.class)
        .addParameter(byte.class, "b")
        .addParameter(int.class, "tap")
        .addStatement("return (tap & 1) == 0 ? (byte) (b << 4) >> 4 : b >> 4")
        .build();
  }

  private static MethodSpec sign() {
    return MethodSpec.methodBuilder("sign")
        .addJavadoc(
            "+1 when bit {@code tap % 64} of {@code word} is 1, else -1: {@code x * sign} is then exactly\n"
                + "{@code x} or {@code -x}.\n")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(float.class)
        .addParameter(long.class, "word")
        .addParameter(int.class, "tap")
        .addStatement("return (word >>> tap & 1L) != 0 ? 1.0f : -1.0f")
        .build();
  }

  /** int8: one byte per weight; int4: each output channel's row packed from a byte boundary. */
  private MethodSpec weightBytes() {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("weightBytes")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(byte[].class)
            .addParameter(int[].class, "q");
    if (storage == Storage.INT8) {
      return b.addJavadoc("The int8 weights, one byte each.\n")
          .addStatement("byte[] bytes = new byte[q.length]")
          .beginControlFlow("for (int i = 0; i < q.length; i++)")
          .addStatement("bytes[i] = (byte) q[i]")
          .endControlFlow()
          .addStatement("return bytes")
          .build();
    }
    return b.addJavadoc(
            "The int4 weights packed per output channel (ONNX nibble order), each row from a byte boundary\n"
                + "so an odd FAN_IN leaves the last high nibble of every row 0.\n")
        .addStatement("byte[] packed = new byte[OUT_CHANNELS * ROW_BYTES]")
        .beginControlFlow("for (int m = 0; m < OUT_CHANNELS; m++)")
        .addStatement(
            "byte[] row = $T.pack($T.copyOfRange(q, m * FAN_IN, (m + 1) * FAN_IN), $T.INT4)",
            RuntimeNames.INT4_PACKING,
            java.util.Arrays.class,
            RuntimeNames.QUANT_TYPE)
        .addStatement("System.arraycopy(row, 0, packed, m * ROW_BYTES, ROW_BYTES)")
        .endControlFlow()
        .addStatement("return packed")
        .build();
  }

  // ---- tables ----

  /**
   * Per tap, the output range {@code [first, end)} that reads real cells (as the runtime's {@code
   * OutputRange}).
   */
  private static int[] ranges(
      int kernel, int dilation, int pad, int stride, int in, int out, boolean first) {
    int[] r = new int[kernel];
    for (int k = 0; k < kernel; k++) {
      int tap = k * dilation;
      r[k] =
          first
              ? Math.max(0, -Math.floorDiv(tap - pad, stride))
              : Math.min(out, Math.floorDiv(in - 1 + pad - tap, stride) + 1);
    }
    return r;
  }

  private static FieldSpec table(String name, int[] values, String doc) {
    CodeBlock.Builder init = CodeBlock.builder().add("{");
    for (int i = 0; i < values.length; i++) {
      init.add(i == 0 ? "$L" : ", $L", values[i]);
    }
    return FieldSpec.builder(int[].class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(doc + "\n")
        .initializer(init.add("}").build())
        .build();
  }
}
