package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activation;
import dev.quantgen.processor.model.FusedActivation;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.VariantSpec;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * The parts every generated kernel class shares: the originating element, shape constants, size
 * accessors, argument checks and the fused activation.
 */
final class KernelClass {
  static final int UNROLL = 4;

  /**
   * Layers with at least this many multiply-adds split their rows across cores through {@code
   * Rows.forEach} (which applies the same threshold, {@code Rows.MIN_PARALLEL_MACS}); smaller ones
   * call their row loop directly, so a call allocates nothing.
   */
  static final long PARALLEL_MACS = 1L << 20;

  private KernelClass() {}

  /** A final class named after the layer and variant, public when the layer is. */
  static TypeSpec.Builder start(LayerSpec layer, VariantSpec variant, Element origin) {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(layer.className(variant))
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(origin);
    if (layer.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    type.addField(constant("IN", layer.in(), "Inputs (fan-in {@code K})."));
    type.addField(constant("OUT", layer.out(), "Outputs (channels)."));
    type.addMethod(
        MethodSpec.methodBuilder("inputSize")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addStatement("return IN")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("outputSize")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(int.class)
            .addStatement("return OUT")
            .build());
    return type;
  }

  static FieldSpec constant(String name, int value, String doc) {
    return FieldSpec.builder(int.class, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", value)
        .addJavadoc(doc)
        .build();
  }

  static FieldSpec privateConstant(String name, int value, String doc) {
    return FieldSpec.builder(int.class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", value)
        .addJavadoc(doc)
        .build();
  }

  static FieldSpec field(TypeName type, String name) {
    return FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.FINAL).build();
  }

  /**
   * {@code K}: the run-time chosen bulk inner loops (scalar or Vector API; Lucene's VectorUtil
   * pattern).
   */
  static FieldSpec kernelSupport() {
    return FieldSpec.builder(
            RuntimeNames.KERNEL_SUPPORT, "K", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer("$T.support()", RuntimeNames.KERNELS)
        .addJavadoc("The inner loops, scalar or Vector API as chosen at run time.")
        .build();
  }

  /**
   * Whether a layer's rows are split across cores: at least {@link #PARALLEL_MACS} multiply-adds.
   */
  static boolean parallel(LayerSpec layer) {
    return (long) layer.in() * layer.out() >= PARALLEL_MACS;
  }

  /**
   * Runs {@code rows(args, from, to)} over all output rows, split across cores for a large layer
   * (through {@link #split}, so the split allocates nothing). {@code args} are typed as {@link
   * #split} takes them ({@code "floats x"}).
   */
  static CodeBlock forEachRow(TypeSpec.Builder type, LayerSpec layer, String self, String... args) {
    return parallel(layer)
        ? split(type, self, "ROWS", "IN", rowsCall(args.length), null, null, args)
        : CodeBlock.of("rows($L, 0, OUT);\n", names(args));
  }

  /**
   * Runs a batched product over all output rows, split across cores when {@code Rows.forEach} says
   * so (the batch size is known only at run time). {@code template} is as {@link #split} reads it.
   */
  static CodeBlock forEachBatchRow(
      TypeSpec.Builder type, String self, String template, String... args) {
    return split(type, self, "BATCH", "(long) IN * batch", template, "batch", null, args);
  }

  /**
   * What one packed word of a binary row costs in int8 multiply-adds for the split decision:
   * measured here, an XOR + popcount word takes about 0.6 ns in a row loop and an int8 multiply-add
   * about 0.07 ns, so a word counts as 8. A 1024 x 1024 binary layer (16 K words, about 10 us)
   * stays on one core, where splitting made it three times slower; 8192 x 4096 (512 K words, about
   * 300 us) splits, which measured 1.28x faster on two cores.
   */
  static final long BINARY_WORD_MACS = 8;

  /**
   * As {@link #forEachRow}, for binary rows: {@code WORDS} words of {@link #BINARY_WORD_MACS} each,
   * {@code rows(bits, beta, y, from, to)}.
   */
  static CodeBlock forEachBinaryRow(TypeSpec.Builder type, LayerSpec layer, String self) {
    long words = (layer.in() + 63L) / 64;
    return words * BINARY_WORD_MACS * layer.out() >= PARALLEL_MACS
        ? split(
            type,
            self,
            "ROWS",
            "WORDS * " + BINARY_WORD_MACS + "L",
            "{layer}.rows({0}, {value}, {1}, {from}, {to})",
            null,
            "b",
            "longs bits",
            "floats y")
        : CodeBlock.of("rows(bits, b, y, 0, OUT);\n");
  }

  /**
   * A call split across cores without allocating: the statement {@code SplitCall.of(FIELD, this,
   * args..., count).forEach(OUT, macsPerRow)}, and the static, non-capturing body {@code FIELD} it
   * runs, added to {@code type}. {@code template} is the body's call, with {@code {from}} and
   * {@code {to}} for the rows, {@code {layer}} for this layer, {@code {0}} .. {@code {3}} for
   * {@code args} (each {@code "bytes qx"}, {@code "ints acc"}, {@code "floats y"} or {@code "longs
   * bits"}), {@code {count}} for {@code count} and {@code {value}} for the float {@code value}.
   */
  static CodeBlock split(
      TypeSpec.Builder type,
      String self,
      String field,
      String macsPerRow,
      String template,
      String count,
      String value,
      String... args) {
    String body =
        template
            .replace("{from}", "from")
            .replace("{to}", "to")
            .replace("{layer}", "((" + self + ") call.layer())")
            .replace("{count}", "call.count()")
            .replace("{value}", "call.value()");
    String[] locals = new String[4];
    for (int i = 0; i < args.length; i++) {
      String[] typed = args[i].split(" ");
      body = body.replace("{" + i + "}", "call." + typed[0] + "(" + i + ")");
      locals[i] = typed[1];
    }
    type.addField(
        FieldSpec.builder(
                RuntimeNames.SPLIT_BODY, field, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer("(call, from, to) -> $L", body)
            .build());
    return CodeBlock.of(
        "$T.of($L, this, $L, $L, $L, $L, $L)$L.forEach(OUT, $L);\n",
        RuntimeNames.SPLIT_CALL,
        field,
        locals[0],
        locals[1],
        locals[2],
        locals[3],
        count == null ? "0" : count,
        value == null ? "" : ".withValue(" + value + ")",
        macsPerRow);
  }

  private static String rowsCall(int args) {
    StringBuilder call = new StringBuilder("{layer}.rows(");
    for (int i = 0; i < args; i++) {
      call.append('{').append(i).append("}, ");
    }
    return call.append("{from}, {to})").toString();
  }

  private static String names(String... args) {
    StringBuilder names = new StringBuilder();
    for (String arg : args) {
      names.append(names.length() == 0 ? "" : ", ").append(arg.split(" ")[1]);
    }
    return names.toString();
  }

  /** The file: header comment, no java.lang imports, two-space indent. */
  static JavaFile file(LayerSpec layer, TypeSpec type, String processor) {
    return GeneratedFile.of(layer.packageName(), type, processor, layer.qualifiedName());
  }

  /** Statements checking two buffer lengths. */
  static CodeBlock checkLengths(String x, String xSize, String y, String ySize) {
    return CodeBlock.builder()
        .addStatement("$T.requireLength($S, $L.length, $L)", RuntimeNames.LAYER_MATH, x, x, xSize)
        .addStatement("$T.requireLength($S, $L.length, $L)", RuntimeNames.LAYER_MATH, y, y, ySize)
        .build();
  }

  /** The float activation applied to {@code v}, matching {@code Activation.apply}. */
  static CodeBlock activate(FusedActivation activation, String v) {
    switch (activation.kind()) {
      case RELU:
        return CodeBlock.of("Math.max($L, 0.0f)", v);
      case RELU6:
        return CodeBlock.of("Math.min(Math.max($L, 0.0f), 6.0f)", v);
      case CLIP:
        if (activation.upper() == Float.POSITIVE_INFINITY) {
          return CodeBlock.of("Math.max($L, $L)", v, floatLiteral(activation.lower()));
        }
        if (activation.lower() == Float.NEGATIVE_INFINITY) {
          return CodeBlock.of("Math.min($L, $L)", v, floatLiteral(activation.upper()));
        }
        return CodeBlock.of(
            "Math.min(Math.max($L, $L), $L)",
            v,
            floatLiteral(activation.lower()),
            floatLiteral(activation.upper()));
      default:
        return CodeBlock.of("$L", v);
    }
  }

  /**
   * The activation as the clamp {@code lo, hi} that {@code KernelSupport} epilogues take: {@code
   * min(max(v, lo), hi)} equals {@link #activate} for every non-NaN {@code v}.
   */
  static CodeBlock activationBounds(FusedActivation activation) {
    return CodeBlock.of(
        "$L, $L", floatLiteral(activation.lower()), floatLiteral(activation.upper()));
  }

  /**
   * A float as Java source that reads back to the same bits: {@link Float#toString} (the shortest
   * decimal that does) with an {@code f}, or the infinity constants.
   */
  static String floatLiteral(float f) {
    if (f == Float.POSITIVE_INFINITY) {
      return "Float.POSITIVE_INFINITY";
    }
    if (f == Float.NEGATIVE_INFINITY) {
      return "Float.NEGATIVE_INFINITY";
    }
    return Float.toString(f) + "f";
  }

  /**
   * The activation as a function name for javadoc formulas: {@code relu}, {@code relu6}, {@code
   * clip[min, max]}, or empty for none.
   */
  static String label(FusedActivation activation) {
    switch (activation.kind()) {
      case NONE:
        return "";
      case CLIP:
        return "clip[" + activation.lower() + ", " + activation.upper() + "]";
      default:
        return activation.kind().name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * The runtime constant of an activation: {@code Activation.RELU}, or {@code Activation.clip(min,
   * max)} (one instance per bounds, so {@code ==} still compares).
   */
  static CodeBlock fusedActivation(FusedActivation activation) {
    if (activation.kind() == Activation.CLIP) {
      return CodeBlock.of(
          "$T.clip($L, $L)",
          RuntimeNames.ACTIVATION,
          floatLiteral(activation.lower()),
          floatLiteral(activation.upper()));
    }
    return CodeBlock.of("$T.$L", RuntimeNames.ACTIVATION, activation.kind().name());
  }

  /**
   * {@code public static boolean accepts(params)}: whether this kernel runs {@code params}, the one
   * check its constructor and a model's {@link RuntimeNames#GENERATED_KERNELS} share.
   */
  static MethodSpec accepts(TypeName type, String name, CodeBlock condition) {
    return MethodSpec.methodBuilder("accepts")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .addJavadoc(
            "Whether this kernel runs {@code $L}: they were prepared for this layer's shape and configuration.\n",
            name)
        .returns(boolean.class)
        .addParameter(type, name)
        .addStatement("return $L", condition)
        .build();
  }

  /**
   * The static factory every kernel has, so a model can build any variant the same way: {@code
   * prepare(weights, input, output)}.
   */
  static MethodSpec.Builder prepare(LayerSpec layer, VariantSpec variant) {
    ClassName self = ClassName.get(layer.packageName(), layer.className(variant));
    return MethodSpec.methodBuilder("prepare")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(self)
        .addParameter(RuntimeNames.DENSE_WEIGHTS, "weights")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "input")
        .addParameter(RuntimeNames.ACTIVATION_PARAMS, "output")
        .addStatement("weights.requireShape($S, IN, OUT, $L)", layer.simpleName(), layer.bias());
  }

  /**
   * An unrolled sum of {@code term(i)} for {@code i} in [0, length): {@link #UNROLL} independent
   * accumulators over the largest multiple of {@code UNROLL}, then a scalar tail into the first,
   * then a pairwise combine. With a constant length, empty loops are left out.
   */
  static CodeBlock unrolledSum(
      TypeName acc,
      String zero,
      String lengthExpr,
      Integer constantLength,
      java.util.function.Function<String, CodeBlock> term) {
    return unrolledSum(acc, zero, lengthExpr, constantLength, term, null);
  }

  /** As above, with one more statement (adding into {@code a0}) before the combine. */
  static CodeBlock unrolledSum(
      TypeName acc,
      String zero,
      String lengthExpr,
      Integer constantLength,
      java.util.function.Function<String, CodeBlock> term,
      CodeBlock extra) {
    CodeBlock.Builder b = CodeBlock.builder();
    boolean body = constantLength == null || constantLength >= UNROLL;
    boolean tail = constantLength == null || constantLength % UNROLL != 0;
    if (!body) {
      b.addStatement("$T a0 = $L", acc, zero);
      if (constantLength != 0) {
        b.beginControlFlow("for (int i = 0; i < $L; i++)", lengthExpr);
        b.addStatement("a0 += $L", term.apply("i"));
        b.endControlFlow();
      }
      if (extra != null) {
        b.addStatement(extra);
      }
      b.addStatement("return a0");
      return b.build();
    }
    for (int k = 0; k < UNROLL; k++) {
      b.addStatement("$T a$L = $L", acc, k, zero);
    }
    b.addStatement("int i = 0");
    b.beginControlFlow("for (; i <= $L - $L; i += $L)", lengthExpr, UNROLL, UNROLL);
    for (int k = 0; k < UNROLL; k++) {
      b.addStatement("a$L += $L", k, term.apply(k == 0 ? "i" : "i + " + k));
    }
    b.endControlFlow();
    if (tail) {
      b.beginControlFlow("for (; i < $L; i++)", lengthExpr);
      b.addStatement("a0 += $L", term.apply("i"));
      b.endControlFlow();
    }
    if (extra != null) {
      b.addStatement(extra);
    }
    b.addStatement("return (a0 + a1) + (a2 + a3)");
    return b.build();
  }
}
