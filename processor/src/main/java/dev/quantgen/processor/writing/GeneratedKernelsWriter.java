package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Scheme;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.ModelSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the model's nested {@code Kernels}, its {@link RuntimeNames#GENERATED_KERNELS}: one method
 * per kind of prepared parameters, each a {@code switch} on the layer index whose cases ask the
 * layer's generated variants of that kind, in precision order, whether they {@code accepts} the
 * parameters, and construct the first that does. Direct calls only, no reflection.
 */
final class GeneratedKernelsWriter {
  private static final TypeName OPTIONAL_LAYER =
      ParameterizedTypeName.get(ClassName.get(Optional.class), RuntimeNames.DENSE_LAYER);

  private GeneratedKernelsWriter() {}

  static TypeSpec write(ModelSpec model) {
    TypeSpec.Builder type =
        TypeSpec.classBuilder("Kernels")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(RuntimeNames.GENERATED_KERNELS)
            .addJavadoc(
                "Every layer's generated kernels, chosen by layer index and prepared parameters. Stateless.\n");
    type.addMethod(modelName(model));
    type.addMethod(layers());
    kinds(model, type);
    type.addMethod(variants(model));
    type.addMethod(checkLayer());
    return type.build();
  }

  /** {@code modelName()}: the model interface's qualified name. */
  private static MethodSpec modelName(ModelSpec model) {
    return MethodSpec.methodBuilder("modelName")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(String.class)
        .addStatement("return $S", model.qualifiedName())
        .build();
  }

  /** {@code layers()}: {@code LAYERS}. */
  private static MethodSpec layers() {
    return MethodSpec.methodBuilder("layers")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(int.class)
        .addStatement("return LAYERS")
        .build();
  }

  /** One lookup per kind of prepared parameters: fp32, fp16, quantized (INT8, INT4), binary. */
  private static void kinds(ModelSpec model, TypeSpec.Builder type) {
    type.addMethod(
        kind(
            model,
            "fp32",
            EnumSet.of(Precision.FP32),
            "weights, activation",
            "weights",
            ParameterSpec.builder(RuntimeNames.DENSE_WEIGHTS, "weights").build(),
            ParameterSpec.builder(RuntimeNames.ACTIVATION, "activation").build()));
    type.addMethod(
        kind(
            model,
            "fp16",
            EnumSet.of(Precision.FP16),
            "params",
            "params",
            ParameterSpec.builder(RuntimeNames.FP16_PARAMS, "params").build()));
    type.addMethod(
        kind(
            model,
            "quantized",
            EnumSet.of(Precision.INT8, Precision.INT4),
            "params",
            "params",
            ParameterSpec.builder(RuntimeNames.QUANTIZED_PARAMS, "params").build()));
    type.addMethod(
        kind(
            model,
            "binary",
            EnumSet.of(Precision.BINARY),
            "params",
            "params",
            ParameterSpec.builder(RuntimeNames.BINARY_PARAMS, "params").build()));
  }

  /** {@code checkLayer(layer)}: a layer index in range. */
  private static MethodSpec checkLayer() {
    return MethodSpec.methodBuilder("checkLayer")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(int.class, "layer")
        .beginControlFlow("if (layer < 0 || layer >= LAYERS)")
        .addStatement(
            "throw new IllegalArgumentException($S + (LAYERS - 1) + $S + layer)",
            "layer: expected 0 to ",
            ", got ")
        .endControlFlow()
        .build();
  }

  /**
   * {@code variants(int)}: per layer, what each generated variant accepts, in the words of the
   * runtime's {@code PreparedLayer.describe()}, so a mismatch error shows both side by side.
   */
  private static MethodSpec variants(ModelSpec model) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("variants")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ParameterizedTypeName.get(List.class, String.class))
            .addParameter(int.class, "layer")
            .addStatement("checkLayer(layer)")
            .beginControlFlow("switch (layer)");
    List<LayerSpec> layers = model.layers();
    for (int k = 0; k < layers.size(); k++) {
      LayerSpec layer = layers.get(k);
      List<String> lines = layer.generated().stream().map(v -> describe(layer, v)).toList();
      m.addCode("case $L:\n", k)
          .addCode("$>")
          .addStatement(
              "return $T.of($L)",
              List.class,
              lines.stream()
                  .map(line -> CodeBlock.of("$S", line))
                  .collect(CodeBlock.joining(",\n    ")))
          .addCode("$<");
    }
    return m.addCode("default:\n")
        .addCode("$>")
        .addStatement("return $T.of()", List.class)
        .addCode("$<")
        .endControlFlow()
        .build();
  }

  /**
   * {@code Fc3_Int8: int8 symmetric per-channel static (integer requantization), 128 -> 10, bias,
   * activation NONE}.
   */
  static String describe(LayerSpec layer, VariantSpec v) {
    String scheme;
    switch (v.precision()) {
      case INT8:
      case INT4:
        scheme =
            v.precision().name().toLowerCase(Locale.ROOT)
                + (v.scheme() == Scheme.SYMMETRIC ? " symmetric" : " asymmetric")
                + (v.perChannel() ? " per-channel" : " per-tensor")
                + (v.blockSize() > 0 ? " block " + v.blockSize() : "")
                + (v.activations() == Activations.FLOAT
                    ? " weight-only"
                    : " " + v.activations().name().toLowerCase(Locale.ROOT))
                + (v.activations() == Activations.STATIC
                    ? " (" + v.requantization().name().toLowerCase(Locale.ROOT) + " requantization)"
                    : "");
        break;
      case BINARY:
        scheme =
            "binary"
                + (v.perChannel() ? " per-channel" : " per-tensor")
                + (v.activations() == Activations.BINARY ? " xnor" : " weight-only");
        break;
      default:
        scheme = v.precision().name().toLowerCase(Locale.ROOT);
    }
    return layer.className(v)
        + ": "
        + scheme
        + ", "
        + layer.in()
        + " -> "
        + layer.out()
        + ", "
        + (layer.bias() ? "bias" : "no bias")
        + ", activation "
        + layer.activation();
  }

  /** One question: the layer index (checked), then the matching variants of each layer. */
  private static MethodSpec kind(
      ModelSpec model,
      String name,
      Set<Precision> precisions,
      String acceptsArgs,
      String constructorArgs,
      ParameterSpec... parameters) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(name)
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(OPTIONAL_LAYER)
            .addParameter(int.class, "layer")
            .addParameters(List.of(parameters))
            .addStatement("checkLayer(layer)");
    boolean any = false;
    List<LayerSpec> layers = model.layers();
    for (int k = 0; k < layers.size(); k++) {
      LayerSpec layer = layers.get(k);
      List<VariantSpec> variants =
          layer.generated().stream().filter(v -> precisions.contains(v.precision())).toList();
      if (variants.isEmpty()) {
        continue;
      }
      if (!any) {
        m.beginControlFlow("switch (layer)");
        any = true;
      }
      m.addCode("case $L:\n", k).addCode("$>");
      for (VariantSpec v : variants) {
        ClassName kernel = ClassName.get(layer.packageName(), layer.className(v));
        m.beginControlFlow("if ($T.accepts($L))", kernel, acceptsArgs)
            .addStatement("return $T.of(new $T($L))", Optional.class, kernel, constructorArgs)
            .endControlFlow();
      }
      m.addStatement("break").addCode("$<");
    }
    if (any) {
      m.endControlFlow();
    }
    return m.addStatement("return $T.empty()", Optional.class).build();
  }
}
