package dev.quantgen.processor.writing;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Precision;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.VariantSpec;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * Writes the FP32 baseline and the FP16 kernel: the same loop (float32 accumulation, unrolled dot
 * product, bias and activation fused), with weights stored as float or as binary16 bits. FP32 is
 * built exactly like the quantized kernels so comparisons with it are fair.
 */
final class FloatKernelWriter {
  private FloatKernelWriter() {}

  static JavaFile write(LayerSpec layer, VariantSpec variant, String processor, Element origin) {
    boolean half = variant.precision() == Precision.FP16;
    TypeName weightArray = ArrayTypeName.of(half ? TypeName.SHORT : TypeName.FLOAT);
    TypeSpec.Builder type =
        KernelClass.start(layer, variant, origin)
            .addSuperinterface(RuntimeNames.DENSE_LAYER)
            .addJavadoc(javadoc(layer, half));
    type.addField(KernelClass.field(weightArray, "weights"));
    type.addField(
        FieldSpec.builder(RuntimeNames.WEIGHT_PANELS, "panels", Modifier.PRIVATE, Modifier.FINAL)
            .addJavadoc(
                "The weights in the batched product's layout, made by the first batched call.\n")
            .build());
    if (layer.bias()) {
      type.addField(KernelClass.field(ArrayTypeName.of(TypeName.FLOAT), "bias"));
    }
    type.addMethod(constructor(layer, half));
    type.addMethod(accepts(layer, half));
    type.addMethod(prepare(layer, variant, half));

    type.addField(KernelClass.kernelSupport());
    type.addMethod(forward(type, layer, variant));
    type.addMethod(rows(layer, half));
    type.addMethod(forwardBatch(type, layer, variant, half));
    return KernelClass.file(layer, type.build(), processor);
  }

  /**
   * The constructor: FP16 over prepared parameters (checked by {@code accepts}), FP32 over weights.
   */
  private static MethodSpec constructor(LayerSpec layer, boolean half) {
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC);
    if (half) {
      ctor.addJavadoc(
              "Runs prepared FP16 parameters (as a model file stores them).\n\n"
                  + "@throws IllegalArgumentException if they were prepared for another shape or activation\n")
          .addParameter(RuntimeNames.FP16_PARAMS, "params")
          .beginControlFlow("if (!accepts(params))")
          .addStatement(
              "throw new IllegalArgumentException($S + IN + $S + OUT + $S + params.in() + $S + params.out()"
                  + " + $S + params.activation())",
              "params: expected in = ",
              ", out = ",
              ", activation " + layer.activation() + ", bias = " + layer.bias() + ", got in = ",
              ", out = ",
              ", activation ")
          .endControlFlow()
          .addStatement("this.weights = params.weights()")
          .addStatement("this.panels = $T.fp16(this.weights, OUT, IN)", RuntimeNames.WEIGHT_PANELS);
      if (layer.bias()) {
        ctor.addStatement("this.bias = params.bias()");
      }
    } else {
      ctor.addJavadoc(
              "Runs FP32 weights as trained.\n\n"
                  + "@throws IllegalArgumentException if their shape or bias differs from the layer's\n")
          .addParameter(RuntimeNames.DENSE_WEIGHTS, "weights")
          .addStatement("weights.requireShape($S, IN, OUT, $L)", layer.simpleName(), layer.bias())
          .addStatement("this.weights = weights.weights()")
          .addStatement("this.panels = $T.fp32(this.weights, OUT, IN)", RuntimeNames.WEIGHT_PANELS);
      if (layer.bias()) {
        ctor.addStatement("this.bias = weights.bias()");
      }
    }
    return ctor.build();
  }

  /** {@code accepts}: FP16 parameters, or FP32 weights and an activation, of this layer. */
  private static MethodSpec accepts(LayerSpec layer, boolean half) {
    if (half) {
      return KernelClass.accepts(
          RuntimeNames.FP16_PARAMS,
          "params",
          CodeBlock.of(
              "params.in() == IN && params.out() == OUT && params.activation() == $L && params.bias() $L null",
              KernelClass.fusedActivation(layer.activation()),
              layer.bias() ? "!=" : "=="));
    } else {
      return MethodSpec.methodBuilder("accepts")
          .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
          .addJavadoc(
              "Whether this kernel runs {@code weights} with {@code activation}: this layer's shape, bias and\n"
                  + "activation.\n")
          .returns(boolean.class)
          .addParameter(RuntimeNames.DENSE_WEIGHTS, "weights")
          .addParameter(RuntimeNames.ACTIVATION, "activation")
          .addStatement(
              "return weights.in() == IN && weights.out() == OUT && $Lweights.hasBias() && activation == $L",
              layer.bias() ? "" : "!",
              KernelClass.fusedActivation(layer.activation()))
          .build();
    }
  }

  /** {@code prepare(weights, input, output)}: FP32 weights as they are, or converted to FP16. */
  private static MethodSpec prepare(LayerSpec layer, VariantSpec variant, boolean half) {
    MethodSpec.Builder prepare =
        KernelClass.prepare(layer, variant)
            .addJavadoc(
                "Prepares FP32 weights; {@code input} and {@code output} are unused (float activations).\n");
    if (half) {
      prepare.addStatement(
          "return new $L($T.prepare(weights, $L))",
          layer.className(variant),
          RuntimeNames.FP16_PARAMS,
          KernelClass.fusedActivation(layer.activation()));
    } else {
      prepare.addStatement("return new $L(weights)", layer.className(variant));
    }
    return prepare.build();
  }

  /** {@code forward(x, y)}: all rows, split across cores for a large layer. */
  private static MethodSpec forward(TypeSpec.Builder type, LayerSpec layer, VariantSpec variant) {
    return MethodSpec.methodBuilder("forward")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addCode(KernelClass.checkLengths("x", "IN", "y", "OUT"))
        .addCode(
            KernelClass.forEachRow(type, layer, layer.className(variant), "floats x", "floats y"))
        .build();
  }

  /** {@code rows(x, y, from, to)}: four rows at a time sharing each load of {@code x}. */
  private static MethodSpec rows(LayerSpec layer, boolean half) {
    String dot = half ? "dotHalf" : "dotFloat";
    CodeBlock value = CodeBlock.of(layer.bias() ? "y[c] + bias[c]" : "y[c]");
    MethodSpec.Builder rows =
        MethodSpec.methodBuilder("rows")
            .addJavadoc(
                "Rows {@code [from, to)}: four at a time sharing each load of {@code x}, then bias and activation.\n")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addParameter(int.class, "from")
            .addParameter(int.class, "to")
            .addStatement("int c = from")
            .beginControlFlow("for (; c <= to - 4; c += 4)")
            .addStatement("K.$L4(weights, c * IN, IN, x, IN, y, c)", dot)
            .endControlFlow()
            .beginControlFlow("for (; c < to; c++)")
            .addStatement(
                half
                    ? "y[c] = K.dotHalf(weights, c * IN, x, IN)"
                    : "y[c] = K.dotFloat(weights, c * IN, x, 0, IN)")
            .endControlFlow();
    if (layer.bias() || !layer.activation().isNone()) {
      rows.beginControlFlow("for (c = from; c < to; c++)")
          .addStatement("y[c] = $L", KernelClass.activate(layer.activation(), value.toString()))
          .endControlFlow();
    }
    return rows.build();
  }

  /** {@code forwardBatch(x, y, batch)}: one product over all samples. */
  private static MethodSpec forwardBatch(
      TypeSpec.Builder type, LayerSpec layer, VariantSpec variant, boolean half) {
    // The batch: one product over all samples on the weights packed into panels (each weight load
    // feeding several samples, a panel of halves decoded once per call), each sum within the
    // reassociation bound of forward()'s, then the same epilogue.
    MethodSpec.Builder batch =
        MethodSpec.methodBuilder("forwardBatch")
            .addAnnotation(Override.class)
            .addJavadoc(
                "The batch as one product on the packed weights: each sum is within {@code 2 * gamma(IN) *\n"
                    + "sum|w x|} of {@link #forward}'s (another order of the same float32 additions), then the\n"
                    + "same bias and activation.\n")
            .addModifiers(Modifier.PUBLIC)
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addParameter(int.class, "batch")
            .addStatement("$T.requireBatch($S, x.length, batch, IN)", RuntimeNames.LAYER_MATH, "x")
            .addStatement("$T.requireBatch($S, y.length, batch, OUT)", RuntimeNames.LAYER_MATH, "y")
            .addStatement(
                half ? "short[] packed = panels.halves()" : "float[] packed = panels.floats()")
            .addCode(
                KernelClass.forEachBatchRow(
                    type,
                    layer.className(variant),
                    "K."
                        + (half ? "gemmHalf" : "gemmFloat")
                        + "({layer}.weights, {2}, IN, {from}, {to}, {0}, {count}, {1}, OUT)",
                    "floats x",
                    "floats y",
                    half ? "shorts packed" : "floats packed"));
    if (layer.bias() || !layer.activation().isNone()) {
      CodeBlock element = CodeBlock.of(layer.bias() ? "y[base + c] + bias[c]" : "y[base + c]");
      batch
          .beginControlFlow("for (int base = 0; base < y.length; base += OUT)")
          .beginControlFlow("for (int c = 0; c < OUT; c++)")
          .addStatement(
              "y[base + c] = $L", KernelClass.activate(layer.activation(), element.toString()))
          .endControlFlow()
          .endControlFlow();
    }
    return batch.build();
  }

  private static CodeBlock javadoc(LayerSpec layer, boolean half) {
    return CodeBlock.builder()
        .add(
            "$L kernel of {@link $L}: {@code y[c] = $L(sum_i w[c][i] * x[i]$L)}, {@code w} of shape\n",
            half ? "FP16" : "FP32 baseline",
            layer.qualifiedName(),
            KernelClass.label(layer.activation()),
            layer.bias() ? " + b[c]" : "")
        .add(
            "{@code [OUT = $L][IN = $L]} row-major$L. Accumulation is float32 in {@code KernelSupport}\n",
            layer.out(),
            layer.in(),
            half ? ", stored as IEEE binary16 and decoded exactly per use" : "")
        .add(
            "(four rows per pass, scalar or Vector API with fused multiply-adds, chosen at run time), so sums\n")
        .add("are reassociated relative to a sequential loop: the\n")
        .add("result is within {@code 2 * gamma(IN) * sum|w x|} of {@code DenseReference}.\n")
        .add(
            "Immutable, thread-safe, allocation-free per call$L; the first batched call packs the\n"
                + "weights into panels once.\n",
            KernelClass.parallel(layer) ? " except for the hand-over of rows to a second core" : "")
        .build();
  }
}
