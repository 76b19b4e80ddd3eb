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
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.VariantSpec;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes BINARY kernels (XNOR-Net): sign bits 64 per {@code long}, a per-channel (or per-tensor)
 * {@code alpha}. Float activations: a sign-add through {@code KernelSupport} (each input's sign bit
 * flipped where the weight bit is 0); a batch runs on sign panels made once per layer, expanded to
 * {@code +-1.0f} once per call and multiplied by the float panel kernel. Binary activations: XNOR
 * as {@code n - 2 * popcount(a ^ w)} with {@code Long.bitCount}.
 */
final class BinaryKernelWriter {
  private final LayerSpec layer;
  private final VariantSpec variant;
  private final boolean xnor;
  private final boolean perChannel;
  private final String self;
  private final TypeSpec.Builder type;

  /** {@code y[c] * alpha} of row {@code c}: {@code alphas[c]} per channel, else {@code alpha}. */
  private final String alpha;

  /** What adds row {@code c}'s bias, or nothing. */
  private final String bias;

  private BinaryKernelWriter(LayerSpec layer, VariantSpec variant, Element origin) {
    this.layer = layer;
    this.variant = variant;
    this.xnor = variant.activations() == Activations.BINARY;
    this.perChannel = variant.perChannel();
    this.self = layer.className(variant);
    this.alpha = perChannel ? "alphas[c]" : "alpha";
    this.bias = layer.bias() ? " + bias[c]" : "";
    this.type =
        KernelClass.start(layer, variant, origin)
            .addSuperinterface(RuntimeNames.DENSE_LAYER)
            .addJavadoc(javadoc(layer, variant, xnor));
  }

  static JavaFile write(LayerSpec layer, VariantSpec variant, String processor, Element origin) {
    return new BinaryKernelWriter(layer, variant, origin).write(processor);
  }

  private JavaFile write(String processor) {
    int words = (layer.in() + 63) / 64;
    Fields fields = fields(words);
    CodeBlock mode = CodeBlock.of("$T.$L", RuntimeNames.ACTIVATION_MODE, xnor ? "BINARY" : "FLOAT");
    type.addMethod(constructor(fields));
    type.addMethod(accepts(mode));
    type.addMethod(prepare(mode));
    type.addMethod(forward());
    if (!xnor) {
      type.addField(KernelClass.kernelSupport());
      type.addMethod(forwardBatch(fields));
    }
    if (xnor) {
      type.addMethod(xnorRows(words, layer.in() % 64));
      type.addMethod(store());
    }
    return KernelClass.file(layer, type.build(), processor);
  }

  /** The instance fields the constructor sets. */
  private record Fields(FieldSpec weights, FieldSpec panels, FieldSpec alphas, FieldSpec bias) {}

  /** {@code WORDS}, the packed weights, the scale(s), the bias and, for XNOR, the scratch. */
  private Fields fields(int words) {
    type.addField(
        KernelClass.privateConstant("WORDS", words, "Longs per packed row: ceil(IN / 64)."));
    FieldSpec weights = KernelClass.field(ArrayTypeName.of(TypeName.LONG), "weights");
    FieldSpec alphas =
        perChannel
            ? KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "alphas")
            : KernelClass.field(TypeName.FLOAT, "alpha");
    FieldSpec bias =
        layer.bias() ? KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "bias") : null;
    type.addField(weights);
    FieldSpec panels = null;
    if (!xnor) {
      panels =
          FieldSpec.builder(RuntimeNames.WEIGHT_PANELS, "panels", Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc(
                  "The sign rows in the batched product's layout, made by the first batched call.\n")
              .build();
      type.addField(panels);
    }
    type.addField(alphas);
    if (bias != null) {
      type.addField(bias);
    }
    if (xnor) {
      scratch();
    }
    return new Fields(weights, panels, alphas, bias);
  }

  /** {@code Scratch} (the packed input signs) and its per-thread instance {@code SCRATCH}. */
  private void scratch() {
    ClassName scratch = ClassName.get(layer.packageName(), self, "Scratch");
    type.addType(
        TypeSpec.classBuilder("Scratch")
            .addJavadoc("Per-thread buffers, so a call allocates nothing.\n")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addField(
                FieldSpec.builder(long[].class, "bits", Modifier.FINAL)
                    .initializer("new long[WORDS]")
                    .build())
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
   * The constructor over prepared parameters: checks them with {@code accepts}, then keeps them.
   */
  private MethodSpec constructor(Fields fields) {
    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs prepared parameters (as a model file stores them).\n\n"
                    + "@throws IllegalArgumentException if they were prepared for another configuration or shape\n")
            .addParameter(RuntimeNames.BINARY_PARAMS, "params")
            .beginControlFlow("if (!accepts(params))")
            .addStatement(
                "throw new IllegalArgumentException($S + params.in() + $S + params.out() + $S + params.mode()"
                    + " + $S + params.activation() + $S + params.alphas().length + $S + (params.bias() != null))",
                "params: expected in = "
                    + layer.in()
                    + ", out = "
                    + layer.out()
                    + ", mode "
                    + (xnor ? "BINARY" : "FLOAT")
                    + ", activation "
                    + layer.activation()
                    + ", "
                    + (perChannel ? layer.out() : 1)
                    + " alphas, bias = "
                    + layer.bias()
                    + ", got in = ",
                ", out = ",
                ", mode ",
                ", activation ",
                ", alphas ",
                ", bias = ")
            .endControlFlow()
            .addStatement("this.$N = params.weights()", fields.weights());
    if (fields.panels() != null) {
      ctor.addStatement(
          "this.$N = $T.binary(this.$N, OUT, IN)",
          fields.panels(),
          RuntimeNames.WEIGHT_PANELS,
          fields.weights());
    }
    ctor.addStatement(
        perChannel ? "this.$N = params.alphas()" : "this.$N = params.alphas()[0]", fields.alphas());
    if (fields.bias() != null) {
      ctor.addStatement("this.$N = params.bias()", fields.bias());
    }
    return ctor.build();
  }

  /** {@code accepts(params)}: shape, mode, activation, scale count and bias all match. */
  private MethodSpec accepts(CodeBlock mode) {
    return KernelClass.accepts(
        RuntimeNames.BINARY_PARAMS,
        "params",
        CodeBlock.of(
            "params.in() == IN && params.out() == OUT && params.mode() == $L && params.activation() == $L"
                + " && params.alphas().length == $L && params.bias() $L null",
            mode,
            KernelClass.fusedActivation(layer.activation()),
            perChannel ? "OUT" : "1",
            layer.bias() ? "!=" : "=="));
  }

  /** {@code prepare(weights, input, output)}: binarizes FP32 weights. */
  private MethodSpec prepare(CodeBlock mode) {
    return KernelClass.prepare(layer, variant)
        .addJavadoc("Binarizes FP32 weights; {@code input} and {@code output} are unused.\n")
        .addStatement(
            "return new $L($T.prepare(weights, $L, $L, $L))",
            self,
            RuntimeNames.BINARY_PARAMS,
            perChannel,
            mode,
            KernelClass.fusedActivation(layer.activation()))
        .build();
  }

  /** {@code forward(x, y)}: XNOR over packed input signs, or a sign-add over float inputs. */
  private MethodSpec forward() {
    MethodSpec.Builder forward =
        MethodSpec.methodBuilder("forward")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"));
    if (xnor) {
      forward
          .addComment(
              "sign bits of x (bit 1 for x >= 0, NaN included) and beta = mean|x| (NaN and +-Inf left out), summed in index order")
          .addStatement("long[] bits = SCRATCH.get().bits")
          .addStatement("float beta = 0.0f")
          .beginControlFlow("for (int w = 0; w < WORDS; w++)")
          .addStatement("long word = 0L")
          .addStatement("int base = w * 64")
          .beginControlFlow("for (int j = 0; j < Math.min(64, IN - base); j++)")
          .addStatement("word |= $T.signBit(x[base + j]) << j", RuntimeNames.LAYER_MATH)
          .addStatement("beta += $T.betaTerm(x[base + j])", RuntimeNames.LAYER_MATH)
          .endControlFlow()
          .addStatement("bits[w] = word")
          .endControlFlow()
          .addStatement("beta /= IN")
          .addStatement("float b = beta")
          .addCode(KernelClass.forEachBinaryRow(type, layer, self));
    } else {
      forward
          .addComment("four rows per pass sharing each load of x; then scale, bias and activation")
          .addStatement("int c = 0")
          .beginControlFlow("for (; c <= OUT - 4; c += 4)")
          .addStatement("K.dotSigns4(weights, c * WORDS, WORDS, x, 0, IN, y, c)")
          .endControlFlow()
          .beginControlFlow("for (; c < OUT; c++)")
          .addStatement("y[c] = K.dotSigns(weights, c * WORDS, x, 0, IN)")
          .endControlFlow()
          .beginControlFlow("for (c = 0; c < OUT; c++)")
          .addStatement(
              "y[c] = $L", KernelClass.activate(layer.activation(), "y[c] * " + alpha + bias))
          .endControlFlow();
    }
    return forward.build();
  }

  /**
   * {@code forwardBatch(x, y, batch)} of float activations: one sign product for the batch on the
   * sign panels.
   */
  private MethodSpec forwardBatch(Fields fields) {
    // The batch: the sign panels expanded to +-1 floats once per call and run through the float
    // panel kernel (each weight load feeding several samples), each sum another order of the same
    // exact terms as forward()'s, then the same epilogue.
    return MethodSpec.methodBuilder("forwardBatch")
        .addAnnotation(Override.class)
        .addJavadoc(
            "The batch as one product on the sign panels: each sum is within {@code 2 * gamma(IN) *\n"
                + "sum|x|} of {@link #forward}'s (another order of the same exact sign-flipped terms), then\n"
                + "the same scale, bias and activation.\n")
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addParameter(int.class, "batch")
        .addStatement("$T.requireBatch($S, x.length, batch, IN)", RuntimeNames.LAYER_MATH, "x")
        .addStatement("$T.requireBatch($S, y.length, batch, OUT)", RuntimeNames.LAYER_MATH, "y")
        .addStatement("int[] packed = $N.signs()", fields.panels())
        .addCode(
            KernelClass.forEachBatchRow(
                type,
                self,
                "K.gemmSigns({layer}."
                    + fields.weights().name()
                    + ", {2}, WORDS, IN, {from}, {to}, {0},"
                    + " {count}, {1}, OUT)",
                "floats x",
                "floats y",
                "ints packed"))
        .beginControlFlow("for (int base = 0; base < y.length; base += OUT)")
        .beginControlFlow("for (int c = 0; c < OUT; c++)")
        .addStatement(
            "y[base + c] = $L",
            KernelClass.activate(layer.activation(), "y[base + c] * " + alpha + bias))
        .endControlFlow()
        .endControlFlow()
        .build();
  }

  /** {@code store(c, mismatches, beta, y)}: row {@code c} of an XNOR product. */
  private MethodSpec store() {
    return MethodSpec.methodBuilder("store")
        .addJavadoc(
            "Row {@code c} from its mismatch count: the exact XNOR dot product, then scale, bias and\n"
                + "activation.\n")
        .addModifiers(Modifier.PRIVATE)
        .addParameter(int.class, "c")
        .addParameter(int.class, "mismatches")
        .addParameter(float.class, "beta")
        .addParameter(float[].class, "y")
        .addStatement("int dot = IN - 2 * mismatches")
        .addStatement("float v = dot * ($L * beta)$L", alpha, bias)
        .addStatement("y[c] = $L", KernelClass.activate(layer.activation(), "v"))
        .build();
  }

  /**
   * Rows of at most this many words go four per pass, sharing each activation word; longer rows go
   * one per pass. Measured on 8192 x 4096 (128 words a row): one row per pass 312 us, two 355, four
   * 446 (the JIT unrolls the one-row loop further); on 1024 x 1024 (16 words) four rows per pass
   * were 1.33x faster than one.
   */
  static final int MAX_WORDS_FOUR_ROWS = 32;

  /**
   * Rows {@code [from, to)}: the word count is a compile-time constant (so the JIT unrolls short
   * rows completely), the popcounts inline as {@code POPCNT} without a call, and short rows go four
   * per pass ({@link #MAX_WORDS_FOUR_ROWS}). The padding bits of a last partial word are masked
   * off.
   */
  private static MethodSpec xnorRows(int words, int tailBits) {
    int full = tailBits == 0 ? words : words - 1;
    String mask = "0x" + Long.toHexString(tailBits == 0 ? 0 : (1L << tailBits) - 1) + "L";
    CodeBlock.Builder b = CodeBlock.builder().addStatement("int c = from");
    if (words > MAX_WORDS_FOUR_ROWS) {
      return rowsMethod(oneRowPerPass(b, full, tailBits, mask).build(), "one row per pass");
    }
    b.beginControlFlow("for (; c <= to - 4; c += 4)")
        .addStatement("int o0 = c * WORDS")
        .addStatement("int o1 = o0 + WORDS")
        .addStatement("int o2 = o1 + WORDS")
        .addStatement("int o3 = o2 + WORDS")
        .addStatement("int m0 = 0")
        .addStatement("int m1 = 0")
        .addStatement("int m2 = 0")
        .addStatement("int m3 = 0");
    if (full > 0) {
      b.beginControlFlow("for (int j = 0; j < $L; j++)", full).addStatement("long a = bits[j]");
      for (int k = 0; k < 4; k++) {
        b.addStatement("m$L += Long.bitCount(weights[o$L + j] ^ a)", k, k);
      }
      b.endControlFlow();
    }
    if (tailBits != 0) {
      b.addStatement("long last = bits[$L]", full);
      for (int k = 0; k < 4; k++) {
        b.addStatement("m$L += Long.bitCount((weights[o$L + $L] ^ last) & $L)", k, k, full, mask);
      }
    }
    for (int k = 0; k < 4; k++) {
      b.addStatement("store(c$L, m$L, beta, y)", k == 0 ? "" : " + " + k, k);
    }
    b.endControlFlow();
    return rowsMethod(
        oneRowPerPass(b, full, tailBits, mask).build(), "four rows sharing each activation word");
  }

  /** The loop over the remaining rows {@code [c, to)}, one row per pass. */
  private static CodeBlock.Builder oneRowPerPass(
      CodeBlock.Builder b, int full, int tailBits, String mask) {
    b.beginControlFlow("for (; c < to; c++)")
        .addStatement("int o = c * WORDS")
        .addStatement("int m = 0");
    if (full > 0) {
      b.beginControlFlow("for (int j = 0; j < $L; j++)", full)
          .addStatement("m += Long.bitCount(weights[o + j] ^ bits[j])")
          .endControlFlow();
    }
    if (tailBits != 0) {
      b.addStatement("m += Long.bitCount((weights[o + $L] ^ bits[$L]) & $L)", full, full, mask);
    }
    return b.addStatement("store(c, m, beta, y)").endControlFlow();
  }

  private static MethodSpec rowsMethod(CodeBlock body, String how) {
    return MethodSpec.methodBuilder("rows")
        .addJavadoc(
            "Rows {@code [from, to)}: {@code popcount(w ^ a)} per row, $L, the padding bits of the\n"
                + "last word masked off.\n",
            how)
        .addModifiers(Modifier.PRIVATE)
        .addParameter(long[].class, "bits")
        .addParameter(float.class, "beta")
        .addParameter(float[].class, "y")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addCode(body)
        .build();
  }

  private static CodeBlock javadoc(LayerSpec layer, VariantSpec variant, boolean xnor) {
    return CodeBlock.builder()
        .add(
            "BINARY kernel of {@link $L} (XNOR-Net): {@code b = sign(w)} of {@code [OUT = $L][IN = $L]}, bit 1\n",
            layer.qualifiedName(),
            layer.out(),
            layer.in())
        .add(
            "for +1 ({@code sign(0) = +1}), 64 per {@code long}, rows padded with 0 bits; {@code alpha = mean|w|}\n")
        .add("$L.\n", variant.perChannel() ? "per output channel" : "for the tensor")
        .add(
            xnor
                ? "Binary activations: {@code beta = mean|x|}, {@code dot = IN - 2 * popcount(sign(x) XOR b)} (exact),\n"
                    + "{@code y = $L(dot * (alpha * beta)$L)}: bit for bit equal to the reference.\n"
                : "Float activations: {@code y = $L(alpha * sum_i sign(w[i]) * x[i]$L)}, each term {@code x} with its\n"
                    + "sign bit flipped or not (exact), summed in float32 by {@code KernelSupport} (Vector API lanes or\n"
                    + "scalar, chosen at run time): within the reassociation bound of the sequential sum.\n",
            KernelClass.label(layer.activation()),
            layer.bias() ? " + b" : "")
        .add("Immutable, thread-safe, allocation-free per call.\n")
        .build();
  }
}
