package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.annotations.Scheme;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.VariantSpec;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes INT8 and INT4 kernels in their three activation modes. Specialized at generation time:
 * shapes are constants, symmetric weights drop every weight-zero-point term, a per-tensor scale is
 * one field instead of a table, INT4 nibbles are unpacked in the unrolled loop, and the zero-point
 * correction {@code bq - za * sum(qw)} is folded into one int per channel when weights load.
 */
final class IntegerKernelWriter {
  private final LayerSpec layer;
  private final VariantSpec variant;
  private final boolean int4;
  private final boolean symmetric;
  private final boolean perChannel;
  private final boolean blocked;
  private final Activations mode;
  private final String self;

  /**
   * Whether the row products go through {@code KernelSupport} (int8 activations, one scale per
   * row).
   */
  private final boolean bulk;

  private IntegerKernelWriter(LayerSpec layer, VariantSpec variant) {
    this.layer = layer;
    this.variant = variant;
    this.int4 = variant.precision() == Precision.INT4;
    this.symmetric = variant.scheme() == Scheme.SYMMETRIC;
    this.perChannel = variant.perChannel();
    this.blocked = variant.blockSize() > 0 && variant.blockSize() < layer.in();
    this.mode = variant.activations();
    this.self = layer.className(variant);
    this.bulk = !blocked && mode != Activations.FLOAT;
  }

  static JavaFile write(LayerSpec layer, VariantSpec variant, String processor, Element origin) {
    return new IntegerKernelWriter(layer, variant).write(processor, origin);
  }

  private JavaFile write(String processor, Element origin) {
    TypeSpec.Builder type =
        KernelClass.start(layer, variant, origin)
            .addSuperinterface(
                mode == Activations.STATIC ? RuntimeNames.STATIC_LAYER : RuntimeNames.DENSE_LAYER)
            .addJavadoc(javadoc());
    if (int4) {
      type.addField(
          KernelClass.privateConstant(
              "ROW_BYTES",
              (layer.in() + 1) / 2,
              "Bytes per packed weight row: two int4 values per byte, low nibble first."));
    }
    int groups = 1;
    if (blocked) {
      int size = variant.blockSize();
      groups = (layer.in() + size - 1) / size;
      type.addField(KernelClass.privateConstant("BLOCK", size, "Inputs per scale block."));
      type.addField(
          KernelClass.privateConstant(
              "LAST_BLOCK",
              layer.in() - (groups - 1) * size,
              "Inputs in the last (possibly short) block."));
      type.addField(KernelClass.privateConstant("GROUPS", groups, "Scale blocks per row."));
    }
    type.addField(
        FieldSpec.builder(
                RuntimeNames.QUANTIZED_CONFIG,
                "CONFIG",
                Modifier.PUBLIC,
                Modifier.STATIC,
                Modifier.FINAL)
            .addJavadoc(
                "The configuration this kernel was generated for; it accepts parameters prepared for it only.")
            .initializer(configFactory())
            .build());
    addScratch(type);
    addFields(type);
    type.addMethod(constructor());
    type.addMethod(
        KernelClass.accepts(
            RuntimeNames.QUANTIZED_PARAMS,
            "params",
            CodeBlock.of(
                "CONFIG.equals(params.config()) && params.in() == IN && params.out() == OUT && params.bias() $L null",
                layer.bias() ? "!=" : "==")));
    type.addMethod(
        KernelClass.prepare(layer, variant)
            .addJavadoc(
                "Quantizes FP32 weights$L.\n",
                mode == Activations.STATIC
                    ? " with the calibrated boundary params {@code input} and {@code output} (both required)"
                    : "; {@code input} and {@code output} are unused")
            .addStatement(
                "return new $L($T.prepare($S, weights, CONFIG, input, output))",
                self,
                RuntimeNames.QUANTIZED_PARAMS,
                layer.simpleName())
            .build());
    if (bulk) {
      type.addField(KernelClass.kernelSupport()); // before the split bodies that call it
    }
    if (mode == Activations.STATIC) {
      addStaticMethods(type);
    } else if (bulkDynamic()) {
      type.addMethod(bulkDynamicForward());
      type.addMethod(bulkDynamicBatchForward(type));
    } else {
      type.addMethod(floatForward());
      if (bulk) {
        type.addMethod(dynamicBatchForward(type));
      }
    }
    if (bulk) {
      type.addMethod(accumulate(type));
      type.addMethod(rows());
    } else {
      type.addMethod(dot());
    }
    return KernelClass.file(layer, type.build(), processor);
  }

  private void addScratch(TypeSpec.Builder type) {
    boolean sums = mode == Activations.DYNAMIC && !symmetric && blocked;
    if (mode == Activations.FLOAT) {
      return;
    }
    ClassName scratch = ClassName.get(layer.packageName(), self, "Scratch");
    TypeSpec.Builder s =
        TypeSpec.classBuilder("Scratch")
            .addJavadoc("Per-thread buffers, so a call allocates nothing.\n")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addField(
                FieldSpec.builder(byte[].class, "qx", Modifier.FINAL)
                    .initializer("new byte[IN]")
                    .build());
    if (mode == Activations.STATIC) {
      s.addField(
          FieldSpec.builder(byte[].class, "qy", Modifier.FINAL)
              .initializer("new byte[OUT]")
              .build());
    }
    if (sums) {
      s.addField(
          FieldSpec.builder(int[].class, "sums", Modifier.FINAL)
              .initializer("new int[GROUPS]")
              .build());
    }
    if (bulk) {
      s.addField(
          FieldSpec.builder(int[].class, "acc", Modifier.FINAL)
              .initializer("new int[OUT]")
              .build());
    }
    if (bulk) {
      growable(s, int[].class, "batchProducts", "The products of a batch");
    }
    if (bulk && mode == Activations.DYNAMIC) {
      growable(s, byte[].class, "batchInputs", "The quantized inputs of a batch");
      growable(s, float[].class, "batchScales", "Each sample's activation scale");
      growable(
          s, int[].class, "batchZeroPoints", "Each sample's activation zero point (int8 form)");
      if (!symmetric) {
        growable(s, int[].class, "batchSums", "Each sample's sum of quantized inputs");
      }
    }
    if (bulk && int4) {
      s.addField(
          FieldSpec.builder(byte[].class, "even", Modifier.FINAL)
              .initializer("new byte[ROW_BYTES]")
              .build());
      s.addField(
          FieldSpec.builder(byte[].class, "odd", Modifier.FINAL)
              .initializer("new byte[ROW_BYTES]")
              .build());
    }
    type.addType(s.build());
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

  private void addFields(TypeSpec.Builder type) {
    type.addField(KernelClass.field(ArrayTypeName.of(TypeName.BYTE), "weights"));
    if (panels()) {
      type.addField(
          FieldSpec.builder(RuntimeNames.WEIGHT_PANELS, "panels", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "The weights in the batched product's layout, made by the first batched call.\n")
              .build());
    }
    type.addField(
        perChannel
            ? KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "scales")
            : KernelClass.field(TypeName.FLOAT, "scale"));
    if (!symmetric) {
      type.addField(
          perChannel
              ? KernelClass.field(ArrayTypeName.of(TypeName.INT), "weightZeroPoints")
              : KernelClass.field(TypeName.INT, "weightZeroPoint"));
    }
    if (mode == Activations.STATIC) {
      type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "input"));
      type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "output"));
      type.addField(KernelClass.field(TypeName.INT, "inputZeroPoint"));
      type.addField(KernelClass.field(TypeName.INT, "outputZeroPoint"));
      type.addField(KernelClass.field(TypeName.INT, "outputMin"));
      type.addField(KernelClass.field(TypeName.INT, "outputMax"));
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.INT), "correction"));
      if (variant.requantization() == Requantization.INTEGER) {
        type.addField(
            perChannel
                ? KernelClass.field(ArrayTypeName.of(TypeName.INT), "multipliers")
                : KernelClass.field(TypeName.INT, "multiplier"));
        type.addField(
            perChannel
                ? KernelClass.field(ArrayTypeName.of(TypeName.INT), "shifts")
                : KernelClass.field(TypeName.INT, "shift"));
      } else {
        type.addField(
            perChannel
                ? KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "realMultipliers")
                : KernelClass.field(TypeName.FLOAT, "realMultiplier"));
      }
    } else {
      if (mode == Activations.DYNAMIC) {
        type.addField(KernelClass.field(ArrayTypeName.of(TypeName.INT), "weightSums"));
      }
      if (layer.bias()) {
        type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "bias"));
      }
    }
  }

  private MethodSpec constructor() {
    MethodSpec.Builder m =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs prepared parameters (as a model file stores them).\n\n"
                    + "@throws IllegalArgumentException if they were prepared for another configuration or shape\n")
            .addParameter(RuntimeNames.QUANTIZED_PARAMS, "params")
            .beginControlFlow("if (!accepts(params))")
            .addStatement(
                "throw new IllegalArgumentException($S + CONFIG + $S + IN + $S + OUT + $S + params.config()"
                    + " + $S + params.in() + $S + params.out() + $S + (params.bias() != null))",
                "params: expected ",
                ", in = ",
                ", out = ",
                ", bias = " + layer.bias() + ", got ",
                ", in = ",
                ", out = ",
                ", bias = ")
            .endControlFlow()
            .addStatement("this.weights = params.weights()")
            .addStatement(
                perChannel ? "this.scales = params.scales()" : "this.scale = params.scales()[0]");
    if (panels()) {
      m.addStatement(
          "this.panels = $T.$L(weights, OUT, IN)",
          RuntimeNames.WEIGHT_PANELS,
          int4 ? "int4" : "int8");
    }

    if (!symmetric) {
      m.addStatement(
          perChannel
              ? "this.weightZeroPoints = params.zeroPoints()"
              : "this.weightZeroPoint = params.zeroPoints()[0]");
    }
    if (mode == Activations.STATIC) {
      m.addStatement("$T r = params.requantization()", RuntimeNames.STATIC_REQUANTIZATION)
          .addStatement("this.input = r.input()")
          .addStatement("this.output = r.output()")
          .addStatement("this.inputZeroPoint = input.zeroPoint()")
          .addStatement("this.outputZeroPoint = output.zeroPoint()")
          .addStatement("this.outputMin = r.outputMin()")
          .addStatement("this.outputMax = r.outputMax()");
      if (variant.requantization() == Requantization.INTEGER) {
        m.addStatement(
                perChannel
                    ? "this.multipliers = r.multipliers()"
                    : "this.multiplier = r.multipliers()[0]")
            .addStatement(perChannel ? "this.shifts = r.shifts()" : "this.shift = r.shifts()[0]");
      } else {
        m.addStatement(
            perChannel
                ? "this.realMultipliers = r.realMultipliers()"
                : "this.realMultiplier = r.realMultipliers()[0]");
      }
      m.addComment(
              "acc = sum((qa - za)(qw - zw)) + bq = dot(qa, qw)$L + correction[c], where",
              symmetric ? "" : " - zw * sum(qa)")
          .addComment(
              "correction = bq - za * sum(qw)$L; int32 wraps modulo 2^32, so the folded sum is exact",
              symmetric ? "" : " + IN * za * zw")
          .addComment("whenever the true accumulator fits, which prepare() proves per channel.")
          .addStatement("int[] bias = r.bias()")
          .addStatement("this.correction = new int[OUT]")
          .beginControlFlow("for (int c = 0; c < OUT; c++)")
          .addStatement(
              "correction[c] = bias[c] - inputZeroPoint * params.weightSum(c, 0)$L",
              symmetric ? "" : " + IN * inputZeroPoint * " + zeroPoint("c", "0"))
          .endControlFlow();
    } else {
      if (mode == Activations.DYNAMIC) {
        m.addStatement("this.weightSums = new int[OUT * $L]", blocked ? "GROUPS" : "1")
            .beginControlFlow("for (int c = 0; c < OUT; c++)");
        if (blocked) {
          m.beginControlFlow("for (int g = 0; g < GROUPS; g++)")
              .addStatement("weightSums[c * GROUPS + g] = params.weightSum(c, g)")
              .endControlFlow();
        } else {
          m.addStatement("weightSums[c] = params.weightSum(c, 0)");
        }
        m.endControlFlow();
      }
      if (layer.bias()) {
        m.addStatement("this.bias = params.bias()");
      }
    }
    return m.build();
  }

  private void addStaticMethods(TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.methodBuilder("inputParams")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(RuntimeNames.ACTIVATION_PARAMS)
            .addStatement("return input")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("outputParams")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(RuntimeNames.ACTIVATION_PARAMS)
            .addStatement("return output")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("forward")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
            .addStatement("Scratch s = SCRATCH.get()")
            .addStatement("quantizeInput(x, s.qx)")
            .addStatement("forwardQuantized(s.qx, s.qy)")
            .addStatement("dequantizeOutput(s.qy, y)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("quantizeInput")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(byte[].class, "qx")
            .addCode(KernelClass.checkLengths("x", "IN", "qx", "IN"))
            .addCode(
                bulk
                    ? CodeBlock.builder()
                        .add(
                            "// LayerMath.quantizeInt8 element by element, in vector lanes where the Vector API is on\n")
                        .addStatement("K.quantizeInt8(x, IN, input.scale(), inputZeroPoint, qx)")
                        .build()
                    : CodeBlock.builder()
                        .addStatement("float s = input.scale()")
                        .beginControlFlow("for (int i = 0; i < IN; i++)")
                        .addStatement(
                            "qx[i] = (byte) $T.quantizeInt8(x[i], s, inputZeroPoint)",
                            RuntimeNames.LAYER_MATH)
                        .endControlFlow()
                        .build())
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("dequantizeOutput")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(byte[].class, "qy")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("qy", "OUT", "y", "OUT"))
            .addStatement("float s = output.scale()")
            .beginControlFlow("for (int c = 0; c < OUT; c++)")
            .addStatement(
                "y[c] = $T.dequantize(qy[c], s, outputZeroPoint)", RuntimeNames.LAYER_MATH)
            .endControlFlow()
            .build());
    MethodSpec.Builder q =
        MethodSpec.methodBuilder("forwardQuantized")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(byte[].class, "qx")
            .addParameter(byte[].class, "qy")
            .addCode(KernelClass.checkLengths("qx", "IN", "qy", "OUT"));
    if (!symmetric) {
      q.addStatement("int sumX = 0")
          .beginControlFlow("for (int i = 0; i < IN; i++)")
          .addStatement("sumX += qx[i]")
          .endControlFlow();
    }
    q.addStatement("Scratch s = SCRATCH.get()").addStatement("accumulate(qx, s)");
    if (bulkRequantization()) {
      q.addCode(bulkRequantize("s.acc", "1", "0", "OUT"));
    } else {
      q.beginControlFlow("for (int c = 0; c < OUT; c++)")
          .addStatement(
              "int acc = s.acc[c] + correction[c]$L",
              symmetric ? "" : " - " + zeroPoint("c", "0") + " * sumX")
          .addStatement(requantize("qy[c]"))
          .endControlFlow();
    }
    type.addMethod(q.build());
    if (bulk) {
      type.addMethod(forwardQuantizedBatch(type));
      type.addMethod(batchRows());
    }
  }

  /**
   * {@code lo} and {@code hi}: {@code LayerMath.widenLow}/{@code widenHigh} over {@code x[from ..
   * from + IN)} starting at 0, through {@code KernelSupport} (vector lanes) where the kernel has
   * it.
   */
  private CodeBlock dynamicRange(String from) {
    if (bulk) {
      return CodeBlock.builder()
          .addStatement("float lo = K.dynamicLow(x, $L, IN)", from)
          .addStatement("float hi = K.dynamicHigh(x, $L, IN)", from)
          .build();
    }
    String start = from.equals("0") ? "0" : from;
    return CodeBlock.builder()
        .addStatement("float lo = 0.0f")
        .addStatement("float hi = 0.0f")
        .beginControlFlow(
            "for (int i = $L; i < $L; i++)", start, from.equals("0") ? "IN" : from + " + IN")
        .addStatement("lo = $T.widenLow(lo, x[i])", RuntimeNames.LAYER_MATH)
        .addStatement("hi = $T.widenHigh(hi, x[i])", RuntimeNames.LAYER_MATH)
        .endControlFlow()
        .build();
  }

  /**
   * Whether the batched product reads panels ({@code KernelSupport.int8Panels} or {@code
   * int4Panels}).
   */
  private boolean panels() {
    return bulk;
  }

  /**
   * Whether the requantization runs as one {@code KernelSupport.requantizeInt8} call over whole
   * rows (vector lanes where the Vector API is on): symmetric weights (no per-sample zero-point
   * term), integer-only rounding, one multiplier per channel.
   */
  private boolean bulkRequantization() {
    return bulk && symmetric && perChannel && variant.requantization() == Requantization.INTEGER;
  }

  /**
   * {@code qy = requantize(products + correction)} for channels {@code [from, to)} of {@code batch}
   * samples.
   */
  private static CodeBlock bulkRequantize(String products, String batch, String from, String to) {
    return CodeBlock.builder()
        .add(
            "// $L = (byte) LayerMath.requantize($L + correction[c], multipliers[c], shifts[c],\n",
            batch.equals("1") ? "qy[c]" : "qy[b * OUT + c]",
            batch.equals("1") ? products + "[c]" : products + "[b * OUT + c]")
        .add(
            "//     outputZeroPoint, outputMin, outputMax) for each channel c in [$L, $L)$L, in vector lanes where the\n",
            from,
            to,
            batch.equals("1") ? "" : " and sample b")
        .add("// Vector API is on\n")
        .addStatement(
            "K.requantizeInt8($L, $L, OUT, $L, $L, correction, multipliers, shifts, outputZeroPoint, "
                + "outputMin, outputMax, qy)",
            products,
            batch,
            from,
            to)
        .build();
  }

  /** {@code target = (byte) requantize(acc)} with this variant's multipliers, channel {@code c}. */
  private CodeBlock requantize(String target) {
    if (variant.requantization() == Requantization.INTEGER) {
      return CodeBlock.of(
          "$L = (byte) $T.requantize(acc, multiplier$L, shift$L, outputZeroPoint, outputMin, outputMax)",
          target,
          RuntimeNames.LAYER_MATH,
          perChannel ? "s[c]" : "",
          perChannel ? "s[c]" : "");
    }
    return CodeBlock.of(
        "$L = (byte) $T.requantizeFloat(acc, realMultiplier$L, outputZeroPoint, outputMin, outputMax)",
        target,
        RuntimeNames.LAYER_MATH,
        perChannel ? "s[c]" : "");
  }

  /**
   * The batched integer kernel: one matrix product for the whole batch ({@code
   * KernelSupport.gemm*}, which reuses each weight across the samples), then the same per-channel
   * requantization as {@code forwardQuantized}; rows split across cores when large, each thread
   * requantizing its own rows ({@link #batchRows}).
   */
  private MethodSpec forwardQuantizedBatch(TypeSpec.Builder type) {
    return MethodSpec.methodBuilder("forwardQuantizedBatch")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(byte[].class, "qx")
        .addParameter(byte[].class, "qy")
        .addParameter(int.class, "batch")
        .addStatement("$T.requireBatch($S, qx.length, batch, IN)", RuntimeNames.LAYER_MATH, "qx")
        .addStatement("$T.requireBatch($S, qy.length, batch, OUT)", RuntimeNames.LAYER_MATH, "qy")
        .addStatement("int[] products = SCRATCH.get().batchProducts(batch * OUT)")
        .addStatement("byte[] packed = panels.get()")
        .addCode(
            KernelClass.forEachBatchRow(
                type,
                self,
                "{layer}.batchRows({0}, {1}, {count}, {2}, {3}, {from}, {to})",
                "bytes qx",
                "bytes qy",
                "bytes packed",
                "ints products"))
        .build();
  }

  /**
   * Rows {@code [from, to)} of a batch: their products, then their requantization, on one thread.
   */
  private MethodSpec batchRows() {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("batchRows")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                "Rows {@code [from, to)} of every sample: the int32 products, then the requantization.\n")
            .addParameter(byte[].class, "qx")
            .addParameter(byte[].class, "qy")
            .addParameter(int.class, "batch")
            .addParameter(byte[].class, "packed")
            .addParameter(int[].class, "products")
            .addParameter(int.class, "from")
            .addParameter(int.class, "to")
            .addStatement(
                "K.$L(weights, packed, IN, from, to, qx, batch, products, OUT)",
                int4 ? "gemmInt4" : "gemmInt8");
    if (bulkRequantization()) {
      return m.addCode(bulkRequantize("products", "batch", "from", "to")).build();
    }
    m.beginControlFlow("for (int b = 0; b < batch; b++)").addStatement("int base = b * OUT");
    if (!symmetric) {
      m.addStatement("int sumX = 0")
          .beginControlFlow("for (int i = b * IN; i < (b + 1) * IN; i++)")
          .addStatement("sumX += qx[i]")
          .endControlFlow();
    }
    return m.beginControlFlow("for (int c = from; c < to; c++)")
        .addStatement(
            "int acc = products[base + c] + correction[c]$L",
            symmetric ? "" : " - " + zeroPoint("c", "0") + " * sumX")
        .addStatement(requantize("qy[base + c]"))
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /**
   * {@code QuantizedDenseConfig.of(type, mode).withSymmetric(..)...}: every compile-time choice by
   * name (the blocks last, which need per-channel scales first).
   */
  private CodeBlock configFactory() {
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add(
                "$T.of($T.$L, $T.$L)",
                RuntimeNames.QUANTIZED_CONFIG,
                RuntimeNames.QUANT_TYPE,
                variant.precision().name(),
                RuntimeNames.ACTIVATION_MODE,
                mode.name())
            .add("$Z.withSymmetric($L)$Z.withPerChannel($L)", symmetric, perChannel);
    if (variant.blockSize() > 0) {
      b.add("$Z.withBlockSize($L)", variant.blockSize());
    }
    return b.add(
            "$Z.withRequantization($T.$L)$Z.withActivation($L)",
            RuntimeNames.REQUANT_MODE,
            variant.requantization().name(),
            KernelClass.fusedActivation(layer.activation()))
        .build();
  }

  /**
   * Whether a DYNAMIC layer runs its activation quantization and float epilogue through {@code
   * KernelSupport} (vector lanes): symmetric per-channel weights, the usual choice.
   */
  private boolean bulkDynamic() {
    return mode == Activations.DYNAMIC && bulk && symmetric && perChannel;
  }

  /** One sample of a {@link #bulkDynamic} layer: as the batch of one. */
  private MethodSpec bulkDynamicForward() {
    return MethodSpec.methodBuilder("forward")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addStatement("Scratch s = SCRATCH.get()")
        .addStatement("float[] sampleScales = s.batchScales(1)")
        .addStatement("int[] sampleZeroPoints = s.batchZeroPoints(1)")
        .addCode(quantizeDynamic("1", "s.qx"))
        .addStatement("accumulate(s.qx, s)")
        .addCode(dequantizeDynamic("s.acc", "1"))
        .build();
  }

  /**
   * A batch of a {@link #bulkDynamic} layer: each sample's range, one exact product, the epilogue.
   */
  private MethodSpec bulkDynamicBatchForward(TypeSpec.Builder type) {
    return MethodSpec.methodBuilder("forwardBatch")
        .addAnnotation(Override.class)
        .addJavadoc(
            "The batch as one exact integer product: each sample's output equals {@link #forward}'s, bit for bit.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addParameter(int.class, "batch")
        .addStatement("$T.requireBatch($S, x.length, batch, IN)", RuntimeNames.LAYER_MATH, "x")
        .addStatement("$T.requireBatch($S, y.length, batch, OUT)", RuntimeNames.LAYER_MATH, "y")
        .addStatement("Scratch s = SCRATCH.get()")
        .addStatement("byte[] qx = s.batchInputs(batch * IN)")
        .addStatement("float[] sampleScales = s.batchScales(batch)")
        .addStatement("int[] sampleZeroPoints = s.batchZeroPoints(batch)")
        .addCode(quantizeDynamic("batch", "qx"))
        .addStatement("int[] products = s.batchProducts(batch * OUT)")
        .addStatement("byte[] packed = panels.get()")
        .addCode(
            KernelClass.forEachBatchRow(
                type,
                self,
                "K."
                    + (int4 ? "gemmInt4" : "gemmInt8")
                    + "({layer}.weights, {0}, IN, {from}, {to}, {1}, {count}, {2}, OUT)",
                "bytes packed",
                "bytes qx",
                "ints products"))
        .addCode(dequantizeDynamic("products", "batch"))
        .build();
  }

  private static CodeBlock quantizeDynamic(String batch, String qx) {
    return CodeBlock.builder()
        .add(
            "// ONNX DynamicQuantizeLinear per sample: the range widened to include 0 (NaN and +-Inf never\n")
        .add(
            "// widen it), sa = (hi - lo) / 255, uint8 codes held as int8 q - 128 with the zero point shifted\n")
        .add("// alike, which leaves every (qa - za) unchanged\n")
        .addStatement("K.quantizeDynamic(x, $L, IN, $L, sampleScales, sampleZeroPoints)", batch, qx)
        .build();
  }

  private CodeBlock dequantizeDynamic(String products, String batch) {
    String formula =
        "(float) (acc - za * weightSums[c]) * (sa * scales[c])"
            + (layer.bias() ? " + bias[c]" : "");
    return CodeBlock.builder()
        .add(
            "// y = $L per sample and channel (symmetric weights: no weight zero point)\n",
            layer.activation().isNone()
                ? formula
                : KernelClass.label(layer.activation()) + "(" + formula + ")")
        .addStatement(
            "K.dequantizeDynamic($L, $L, OUT, sampleScales, sampleZeroPoints, weightSums, scales, $L, $L, y)",
            products,
            batch,
            layer.bias() ? "bias" : "null",
            KernelClass.activationBounds(layer.activation()))
        .build();
  }

  private MethodSpec floatForward() {
    boolean dynamic = mode == Activations.DYNAMIC;
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("forward")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"));
    if (dynamic) {
      m.addComment(
              "ONNX DynamicQuantizeLinear: the range widened to include 0 (NaN and +-Inf never widen it); uint8")
          .addComment(
              "values are stored as int8 q - 128 with the zero point shifted alike, which leaves")
          .addComment("every (qa - za) unchanged.")
          .addCode(dynamicRange("0"))
          .addStatement("float sa = $T.dynamicScale(lo, hi)", RuntimeNames.LAYER_MATH)
          .addStatement("int zu = $T.dynamicZeroPoint(lo, sa)", RuntimeNames.LAYER_MATH)
          .addStatement("int za = zu - $T.UINT8_OFFSET", RuntimeNames.LAYER_MATH)
          .addStatement("Scratch s = SCRATCH.get()")
          .addStatement("byte[] qx = s.qx");
      if (!symmetric && !blocked) {
        m.addStatement("int sumX = 0");
      }
      if (bulk) {
        m.addComment(
                "saturate(rint(x / sa) + zu, 0, 255) - 128 is saturate(rint(x / sa) + za, -128, 127): the int8 kernel")
            .addStatement("K.quantizeInt8(x, IN, sa, za, qx)");
        if (!symmetric) {
          m.beginControlFlow("for (int i = 0; i < IN; i++)")
              .addStatement("sumX += qx[i]")
              .endControlFlow();
        }
      } else {
        m.beginControlFlow("for (int i = 0; i < IN; i++)")
            .addStatement(
                "int q = $T.quantize(x[i], sa, zu, 0, 255) - $T.UINT8_OFFSET",
                RuntimeNames.LAYER_MATH,
                RuntimeNames.LAYER_MATH)
            .addStatement("qx[i] = (byte) q");
        if (!symmetric && !blocked) {
          m.addStatement("sumX += q");
        }
        m.endControlFlow();
      }
      if (!symmetric && blocked) {
        m.beginControlFlow("for (int g = 0; g < GROUPS; g++)")
            .addStatement("int sum = 0")
            .beginControlFlow("for (int i = g * BLOCK; i < Math.min(IN, (g + 1) * BLOCK); i++)")
            .addStatement("sum += qx[i]")
            .endControlFlow()
            .addStatement("s.sums[g] = sum")
            .endControlFlow();
      }
    }
    String row = int4 ? "ROW_BYTES" : "IN";
    String xs = dynamic ? "qx" : "x";
    if (bulk) {
      m.addStatement("accumulate(qx, s)");
    }
    m.beginControlFlow("for (int c = 0; c < OUT; c++)");
    if (!blocked) {
      String zw = symmetric || dynamic ? "" : ", " + zeroPoint("c", "0");
      if (dynamic) {
        m.addStatement(
            "int acc = s.acc[c] - za * weightSums[c]$L",
            symmetric
                ? ""
                : " - " + zeroPoint("c", "0") + " * sumX + IN * za * " + zeroPoint("c", "0"));
        m.addStatement(
            "float v = acc * (sa * $L)$L", scale("c", "0"), layer.bias() ? " + bias[c]" : "");
      } else {
        m.addStatement(
            "float v = dot(weights, c * $L, x$L) * $L$L",
            row,
            zw,
            scale("c", "0"),
            layer.bias() ? " + bias[c]" : "");
      }
    } else {
      m.addStatement("float v = 0.0f")
          .beginControlFlow("for (int g = 0; g < GROUPS; g++)")
          .addStatement("int from = g * BLOCK")
          .addStatement("int n = g == GROUPS - 1 ? LAST_BLOCK : BLOCK");
      String call =
          "dot(weights, c * ROW_BYTES + from / 2, "
              + xs
              + ", from, n"
              + (symmetric || dynamic ? "" : ", " + zeroPoint("c", "g"))
              + ")";
      if (dynamic) {
        m.addStatement(
            "int acc = $L - za * weightSums[c * GROUPS + g]$L",
            call,
            symmetric
                ? ""
                : " - " + zeroPoint("c", "g") + " * s.sums[g] + n * za * " + zeroPoint("c", "g"));
        m.addStatement("float t = acc * (sa * $L)", scale("c", "g"));
      } else {
        m.addStatement("float t = $L * $L", call, scale("c", "g"));
      }
      m.addComment("groups are added in order, starting from the first term, as the reference does")
          .addStatement("v = g == 0 ? t : v + t")
          .endControlFlow();
      if (layer.bias()) {
        m.addStatement("v += bias[c]");
      }
    }
    m.addStatement("y[c] = $L", KernelClass.activate(layer.activation(), "v"));
    return m.endControlFlow().build();
  }

  /** A grow-only per-thread buffer and its accessor: at least {@code size} elements. */
  private static void growable(TypeSpec.Builder scratch, Class<?> array, String name, String what) {
    scratch
        .addField(
            FieldSpec.builder(array, name, Modifier.PRIVATE)
                .initializer("new $T[0]", array.getComponentType())
                .build())
        .addMethod(
            MethodSpec.methodBuilder(name)
                .returns(array)
                .addJavadoc("$L: at least {@code size} elements, grown on demand.\n", what)
                .addParameter(int.class, "size")
                .beginControlFlow("if ($L.length < size)", name)
                .addStatement("$L = new $T[size]", name, array.getComponentType())
                .endControlFlow()
                .addStatement("return $L", name)
                .build());
  }

  /**
   * DYNAMIC activations on a batch: each sample quantized with its own range exactly as {@code
   * forward} does, one exact int32 product over the batch (each weight reused across samples), then
   * the same epilogue per sample, so each output equals {@code forward}'s bit for bit.
   */
  private MethodSpec dynamicBatchForward(TypeSpec.Builder type) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("forwardBatch")
            .addAnnotation(Override.class)
            .addJavadoc(
                "The batch as one exact integer product: each sample's output equals {@link #forward}'s, bit for bit.\n")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addParameter(int.class, "batch")
            .addStatement("$T.requireBatch($S, x.length, batch, IN)", RuntimeNames.LAYER_MATH, "x")
            .addStatement("$T.requireBatch($S, y.length, batch, OUT)", RuntimeNames.LAYER_MATH, "y")
            .addStatement("Scratch s = SCRATCH.get()")
            .addStatement("byte[] qx = s.batchInputs(batch * IN)")
            .addStatement("float[] sampleScales = s.batchScales(batch)")
            .addStatement("int[] sampleZeroPoints = s.batchZeroPoints(batch)");
    if (!symmetric) {
      m.addStatement("int[] sampleSums = s.batchSums(batch)");
    }
    m.beginControlFlow("for (int b = 0; b < batch; b++)")
        .addStatement("int base = b * IN")
        .addCode(dynamicRange("base"))
        .addStatement("float sa = $T.dynamicScale(lo, hi)", RuntimeNames.LAYER_MATH)
        .addStatement("int zu = $T.dynamicZeroPoint(lo, sa)", RuntimeNames.LAYER_MATH)
        .addStatement("sampleScales[b] = sa")
        .addStatement("sampleZeroPoints[b] = zu - $T.UINT8_OFFSET", RuntimeNames.LAYER_MATH);
    if (!symmetric) {
      m.addStatement("int sumX = 0");
    }
    m.addStatement(
        "K.quantizeInt8(x, base, IN, sa, zu - $T.UINT8_OFFSET, qx, base)", RuntimeNames.LAYER_MATH);
    if (!symmetric) {
      m.beginControlFlow("for (int i = base; i < base + IN; i++)")
          .addStatement("sumX += qx[i]")
          .endControlFlow();
    }
    if (!symmetric) {
      m.addStatement("sampleSums[b] = sumX");
    }
    m.endControlFlow()
        .addStatement("int[] products = s.batchProducts(batch * OUT)")
        .addStatement("byte[] packed = panels.get()")
        .addCode(
            KernelClass.forEachBatchRow(
                type,
                self,
                "K."
                    + (int4 ? "gemmInt4" : "gemmInt8")
                    + "({layer}.weights, {0}, IN, {from}, {to}, {1}, {count}, {2}, OUT)",
                "bytes packed",
                "bytes qx",
                "ints products"))
        .beginControlFlow("for (int b = 0; b < batch; b++)")
        .addStatement("float sa = sampleScales[b]")
        .addStatement("int za = sampleZeroPoints[b]");
    if (!symmetric) {
      m.addStatement("int sumX = sampleSums[b]");
    }
    m.beginControlFlow("for (int c = 0; c < OUT; c++)")
        .addStatement(
            "int acc = products[b * OUT + c] - za * weightSums[c]$L",
            symmetric
                ? ""
                : " - " + zeroPoint("c", "0") + " * sumX + IN * za * " + zeroPoint("c", "0"))
        .addStatement(
            "float v = acc * (sa * $L)$L", scale("c", "0"), layer.bias() ? " + bias[c]" : "")
        .addStatement("y[b * OUT + c] = $L", KernelClass.activate(layer.activation(), "v"))
        .endControlFlow()
        .endControlFlow();
    return m.build();
  }

  /**
   * The int32 row products of quantized activations into {@code s.acc}, rows split across cores
   * when large.
   */
  private MethodSpec accumulate(TypeSpec.Builder type) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("accumulate")
            .addJavadoc("{@code s.acc[c] = sum_i qx[i] * qw[c][i]} for every row (exact int32).\n")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(byte[].class, "qx")
            .addParameter(ClassName.get(layer.packageName(), self, "Scratch"), "s")
            .addStatement("int[] acc = s.acc");
    if (int4) {
      m.addComment(
              "even and odd inputs apart, so a packed weight byte meets both of its inputs in one lane")
          .addStatement("$T.splitEvenOdd(qx, IN, s.even, s.odd)", RuntimeNames.KERNEL_SUPPORT)
          .addStatement("byte[] even = s.even")
          .addStatement("byte[] odd = s.odd")
          .addCode(
              KernelClass.forEachRow(type, layer, self, "bytes even", "bytes odd", "ints acc"));
    } else {
      m.addCode(KernelClass.forEachRow(type, layer, self, "bytes qx", "ints acc"));
    }
    return m.build();
  }

  /**
   * Rows {@code [from, to)} of the int32 products: four int8 or packed int4 rows per call, then the
   * rest one by one.
   */
  private MethodSpec rows() {
    MethodSpec.Builder m = MethodSpec.methodBuilder("rows").addModifiers(Modifier.PRIVATE);
    if (int4) {
      return m.addJavadoc(
              "Packed int4 rows {@code [from, to)} against the split activations, four per call sharing"
                  + " each activation load.\n")
          .addParameter(byte[].class, "even")
          .addParameter(byte[].class, "odd")
          .addParameter(int[].class, "acc")
          .addParameter(int.class, "from")
          .addParameter(int.class, "to")
          .addStatement("int c = from")
          .beginControlFlow("for (; c <= to - 4; c += 4)")
          .addStatement(
              "K.dotInt4x4(weights, c * ROW_BYTES, ROW_BYTES, even, odd, ROW_BYTES, acc, c)")
          .endControlFlow()
          .beginControlFlow("for (; c < to; c++)")
          .addStatement("acc[c] = K.dotInt4(weights, c * ROW_BYTES, even, odd, ROW_BYTES)")
          .endControlFlow()
          .build();
    }
    boolean restricted = symmetric && variant.maxWeightMagnitude() <= 127;
    return m.addJavadoc(
            "Int8 rows {@code [from, to)}, four per call sharing each activation load$L.\n",
            restricted
                ? "; symmetric weights lie in [-127, 127], so products may pair up in 16 bits"
                : "")
        .addParameter(byte[].class, "qx")
        .addParameter(int[].class, "acc")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addStatement("int c = from")
        .beginControlFlow("for (; c <= to - 4; c += 4)")
        .addStatement(
            "K.$L(weights, c * IN, IN, qx, IN, acc, c)",
            restricted ? "dotInt8x4Restricted" : "dotInt8x4")
        .endControlFlow()
        .beginControlFlow("for (; c < to; c++)")
        .addStatement("acc[c] = K.dotInt8(weights, c * IN, qx, IN)")
        .endControlFlow()
        .build();
  }

  /** The unrolled row-times-activations product (int32, or float32 in weight-only mode). */
  private MethodSpec dot() {
    boolean floatActs = mode == Activations.FLOAT;
    TypeName acc = floatActs ? TypeName.FLOAT : TypeName.INT;
    String zero = floatActs ? "0.0f" : "0";
    boolean withZw = floatActs && !symmetric;
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("dot")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(acc)
            .addParameter(byte[].class, "w")
            .addParameter(int.class, "off")
            .addParameter(floatActs ? float[].class : byte[].class, "x");
    String from = "";
    String length = "IN";
    if (blocked) {
      m.addParameter(int.class, "from").addParameter(int.class, "n");
      from = "from + ";
      length = "n";
    }
    if (withZw) {
      m.addParameter(int.class, "zw");
    }
    m.addJavadoc(
        "$L independent $L accumulators over $L inputs of one $L row, then a scalar tail.\n",
        KernelClass.UNROLL,
        acc,
        blocked ? "{@code n}" : "IN",
        int4 ? "packed int4" : "int8");
    Integer constant = blocked ? null : layer.in();
    String fromPrefix = from;
    String zwTerm = withZw ? " - zw" : "";
    if (!int4) {
      m.addCode(
          KernelClass.unrolledSum(
              acc,
              zero,
              length,
              constant,
              i ->
                  CodeBlock.of(
                      "x[$L$L] * $L",
                      fromPrefix,
                      i,
                      withZw ? "(w[off + " + i + "] - zw)" : "w[off + " + i + "]")));
      return m.build();
    }
    m.addCode(int4Body(acc, zero, length, constant, fromPrefix, zwTerm));
    return m.build();
  }

  /** Two bytes (four nibbles) per unrolled step, sign-extending each int4 with shifts. */
  private static CodeBlock int4Body(
      TypeName acc, String zero, String length, Integer constant, String from, String zw) {
    CodeBlock.Builder b = CodeBlock.builder();
    int unroll = KernelClass.UNROLL;
    boolean body = constant == null || constant >= unroll;
    boolean tail = constant == null || constant % unroll != 0;
    for (int k = 0; k < (body ? unroll : 1); k++) {
      b.addStatement("$T a$L = $L", acc, k, zero);
    }
    b.addStatement("int i = 0");
    if (body) {
      b.beginControlFlow("for (; i <= $L - $L; i += $L)", length, unroll, unroll)
          .addStatement("int b0 = w[off + (i >> 1)]")
          .addStatement("int b1 = w[off + (i >> 1) + 1]")
          .addStatement("a0 += x[$Li] * $L", from, centered("((b0 << 28) >> 28)", zw))
          .addStatement("a1 += x[$Li + 1] * $L", from, centered("(b0 >> 4)", zw))
          .addStatement("a2 += x[$Li + 2] * $L", from, centered("((b1 << 28) >> 28)", zw))
          .addStatement("a3 += x[$Li + 3] * $L", from, centered("(b1 >> 4)", zw))
          .endControlFlow();
    }
    if (tail) {
      b.beginControlFlow("for (; i < $L; i++)", length)
          .addStatement("int b = w[off + (i >> 1)]")
          .addStatement(
              "a0 += x[$Li] * $L", from, centered("((i & 1) == 0 ? (b << 28) >> 28 : b >> 4)", zw))
          .endControlFlow();
    }
    b.addStatement(body ? "return (a0 + a1) + (a2 + a3)" : "return a0");
    return b.build();
  }

  /** A sign-extended nibble expression, minus the zero point when there is one. */
  private static String centered(String nibble, String zw) {
    return zw.isEmpty() ? nibble : "(" + nibble + zw + ")";
  }

  private String scale(String c, String g) {
    return perChannel
        ? (blocked ? "scales[" + c + " * GROUPS + " + g + "]" : "scales[" + c + "]")
        : "scale";
  }

  private String zeroPoint(String c, String g) {
    return perChannel
        ? (blocked
            ? "weightZeroPoints[" + c + " * GROUPS + " + g + "]"
            : "weightZeroPoints[" + c + "]")
        : "weightZeroPoint";
  }

  private CodeBlock javadoc() {
    String p = variant.precision().name();
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add(
                "$L kernel of {@link $L} ($L weights, $L, $L activations): {@code W} is\n",
                p,
                layer.qualifiedName(),
                variant.scheme().name().toLowerCase(java.util.Locale.ROOT),
                blocked
                    ? "one scale per output channel and block of " + variant.blockSize() + " inputs"
                    : perChannel ? "one scale per output channel" : "one scale per tensor",
                mode.name().toLowerCase(java.util.Locale.ROOT))
            .add(
                "{@code [OUT = $L][IN = $L]}$L.\n",
                layer.out(),
                layer.in(),
                int4
                    ? ", two int4 per byte (element 2i in the low nibble), each row starting on a byte"
                    : "")
            .add(
                "\n<p>Weights: {@code w ~= (qw - zw) * sw}, $L.\n",
                symmetric
                    ? "{@code zw = 0} with {@code qw} in the restricted range [-"
                        + variant.maxWeightMagnitude()
                        + ", "
                        + variant.maxWeightMagnitude()
                        + "], so no weight zero-point term appears below"
                    : "{@code qw} and {@code zw} in the full "
                        + (int4 ? "int4" : "int8")
                        + " range");
    switch (mode) {
      case STATIC:
        b.add("Activations: int8 with calibrated {@code (sa, za)} in and {@code (sy, zy)} out.\n")
            .add("{@code acc[c] = sum_i (qa[i] - za) * (qw[c][i] - zw) + bq[c]} in int32, with\n")
            .add(
                "{@code bq[c] = rint(b[c] / (sa * sw[c]))}; {@code |acc| <= IN * 255 * $L = $L} plus the bias\n",
                variant.maxWeightMagnitude(),
                variant.accumulatorBound(layer.in()))
            .add(
                "term that {@code prepare} checks per channel. Output: {@code qy = clamp(zy + M[c] * acc)} with\n")
            .add(
                "{@code M[c] = sa * sw[c] / sy} applied $L; the clamp fuses the activation\n",
                variant.requantization() == Requantization.INTEGER
                    ? "integer-only as a 31-bit fixed-point multiplier and a shift (gemmlowp rounding)"
                    : "as ONNX does, {@code rint(acc * M)} with a float32 {@code M}")
            .add("({@code $L}).\n", layer.activation());
        break;
      case DYNAMIC:
        b.add(
                "Activations: uint8 per call, ONNX DynamicQuantizeLinear ({@code sa}, {@code za} from the input's\n")
            .add(
                "range); {@code acc = sum (qa - za)(qw - zw)} in int32 per $L ({@code |acc| <= $L * 255 * $L = $L}),\n",
                blocked ? "block" : "row",
                variant.accumulatedInputs(layer.in()),
                variant.maxWeightMagnitude(),
                variant.accumulatorBound(layer.in()))
            .add(
                "{@code y = $L(sum acc * (sa * sw)$L)}: exact integers, so bit for bit equal to the reference.\n",
                KernelClass.label(layer.activation()),
                layer.bias() ? " + b" : "");
        break;
      default:
        b.add(
                "Activations: float (weight-only): {@code y = $L(sum_g sw * sum_i x[i] * (qw - zw)$L)} in float32,\n",
                KernelClass.label(layer.activation()),
                layer.bias() ? " + b" : "")
            .add(
                "$L accumulators, so within the reassociation bound of an unrolled float sum.\n",
                KernelClass.UNROLL);
    }
    return b.add(
            "Immutable, thread-safe, allocation-free per call$L$L.\n",
            bulk && KernelClass.parallel(layer)
                ? " except for the hand-over of rows to a second core"
                : "",
            bulk && mode == Activations.STATIC
                ? " (a batch may also hand rows over, and grows its buffer on first use of a larger batch)"
                : "")
        .build();
  }
}
