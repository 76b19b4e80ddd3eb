package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.ModelSpec;
import dev.quantgen.processor.model.VariantSpec;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.util.Elements;

/**
 * Writes {@code <Model>_Model}: a builder that picks each layer's precision among its generated
 * variants (a {@code switch}, no reflection, so it runs in a native image), prepares every layer
 * from FP32 weights and calibrated boundary params, and a {@link RuntimeNames#DENSE_CHAIN} that
 * keeps int8 activations between consecutive static layers.
 */
public final class ModelWriter {
  private static final TypeName PRECISIONS =
      ParameterizedTypeName.get(ClassName.get(List.class), RuntimeNames.PRECISION);
  private static final TypeName WEIGHTS =
      ParameterizedTypeName.get(ClassName.get(List.class), RuntimeNames.DENSE_WEIGHTS);
  private static final TypeName BOUNDARIES =
      ParameterizedTypeName.get(ClassName.get(List.class), RuntimeNames.ACTIVATION_PARAMS);

  private ModelWriter() {}

  /** The generated model source; originating elements are the model and every layer it reads. */
  public static JavaFile write(
      ModelSpec model, String processor, Element origin, Elements elements) {
    List<LayerSpec> layers = model.layers();
    ClassName self = ClassName.get(model.packageName(), model.className());
    ClassName builder = self.nestedClass("Builder");
    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(origin)
            .addJavadoc(javadoc(model));
    if (model.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    layers.stream()
        .map(l -> elements.getTypeElement(l.qualifiedName()))
        .distinct()
        .forEach(type::addOriginatingElement);
    fieldsAndConstructor(type, layers);
    accessors(type, builder);
    running(type);
    kernels(type, self);
    type.addType(builder(model, self, builder));
    type.addType(GeneratedKernelsWriter.write(model));
    return GeneratedFile.of(model.packageName(), type.build(), processor, model.qualifiedName());
  }

  /** The size constants, the chain and the precisions, and the private constructor. */
  private static void fieldsAndConstructor(TypeSpec.Builder type, List<LayerSpec> layers) {
    type.addField(
        KernelClass.constant("INPUT_SIZE", layers.get(0).in(), "Inputs of the first layer."));
    type.addField(
        KernelClass.constant(
            "OUTPUT_SIZE", layers.get(layers.size() - 1).out(), "Outputs of the last layer."));
    type.addField(KernelClass.constant("LAYERS", layers.size(), "Number of layers."));
    FieldSpec chain = KernelClass.field(RuntimeNames.DENSE_CHAIN, "chain");
    FieldSpec precisions = KernelClass.field(PRECISIONS, "precisions");
    type.addField(chain);
    type.addField(precisions);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(RuntimeNames.DENSE_CHAIN, "chain")
            .addParameter(PRECISIONS, "precisions")
            .addStatement("this.$N = chain", chain)
            .addStatement("this.$N = precisions", precisions)
            .build());
  }

  /** {@code builder()}, {@code precisions()} and {@code layer(k)}. */
  private static void accessors(TypeSpec.Builder type, ClassName builder) {
    type.addMethod(
        MethodSpec.methodBuilder("builder")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "A builder with every layer at its default precision (its first {@code @Quantize}).\n")
            .returns(builder)
            .addStatement("return new $T()", builder)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("precisions")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("The precision each layer runs in, in layer order.\n")
            .returns(PRECISIONS)
            .addStatement("return precisions")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("layer")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Layer {@code k}'s kernel.\n")
            .returns(RuntimeNames.DENSE_LAYER)
            .addParameter(int.class, "k")
            .addStatement("return chain.layer(k)")
            .build());
  }

  /** {@code forward}, {@code forwardBatch} and {@code trace}: the chain runs the layers. */
  private static void running(TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.methodBuilder("forward")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs the model, float in and float out; allocation-free and thread-safe.\n\n"
                    + "@throws IllegalArgumentException if {@code x} or {@code y} has the wrong length\n")
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addStatement("chain.forward(x, y)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("forwardBatch")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Runs the model on {@code batch} inputs stored one after the other in {@code x}, the outputs\n"
                    + "alike in {@code y}; each output equals {@link #forward}'s. Integer layers run one matrix product\n"
                    + "for the whole batch, reusing each weight across the samples. Thread-safe.\n\n"
                    + "@throws IllegalArgumentException if {@code batch < 1} or a buffer is not {@code batch} vectors long\n")
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addParameter(int.class, "batch")
            .addStatement("chain.forwardBatch(x, y, batch)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("trace")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "Every layer's float output for one input (calibration, per-layer SQNR); allocates.\n"
                    + "Build with {@code allLayers(Precision.FP32)} for the FP32 outputs calibration needs.\n")
            .returns(float[][].class)
            .addParameter(float[].class, "x")
            .addStatement("return chain.trace(x)")
            .build());
  }

  /** {@code kernels()}: the model's {@code GeneratedKernels}, one shared instance. */
  private static void kernels(TypeSpec.Builder type, ClassName self) {
    ClassName kernels = self.nestedClass("Kernels");
    type.addField(
        FieldSpec.builder(kernels, "KERNELS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .initializer("new $T()", kernels)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("kernels")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "The generated kernels of every layer, by layer index and prepared parameters: pass them to the\n"
                    + "runtime's post-training quantizer or model-file loader so that each layer runs on its generated\n"
                    + "kernel when one of its variants matches the configuration (no reflection).\n")
            .returns(RuntimeNames.GENERATED_KERNELS)
            .addStatement("return KERNELS")
            .build());
  }

  private static TypeSpec builder(ModelSpec model, ClassName self, ClassName builder) {
    List<LayerSpec> layers = model.layers();
    TypeSpec.Builder b =
        TypeSpec.classBuilder("Builder")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Chooses each layer's precision, then prepares the layers.\n")
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (int k = 0; k < layers.size(); k++) {
      b.addField(precisionField(model, k));
      b.addMethod(setter(model, k, builder));
    }
    b.addMethod(allLayers(model, builder));
    b.addMethod(buildWithoutBoundaries(self));
    b.addMethod(build(model, self));
    b.addMethod(boundary());
    for (int k = 0; k < layers.size(); k++) {
      b.addMethod(prepare(k, layers.get(k)));
    }
    return b.build();
  }

  /** The builder's field of layer {@code k}: its precision, at first the default. */
  private static FieldSpec precisionField(ModelSpec model, int k) {
    LayerSpec layer = model.layers().get(k);
    String name = model.accessorNames().get(k);
    return FieldSpec.builder(RuntimeNames.PRECISION, name, Modifier.PRIVATE)
        .initializer("$T.$L", RuntimeNames.PRECISION, layer.defaultVariant().precision().name())
        .build();
  }

  /** The builder's setter of layer {@code k}'s precision, checked against its variants. */
  private static MethodSpec setter(ModelSpec model, int k, ClassName builder) {
    LayerSpec layer = model.layers().get(k);
    String name = model.accessorNames().get(k);
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PUBLIC)
        .returns(builder)
        .addJavadoc(
            "Runs layer $L ({@link $L}) in one of its generated precisions: $L.\n\n"
                + "@throws IllegalArgumentException for a precision the layer was not generated in\n",
            k,
            layer.qualifiedName(),
            variantList(layer))
        .addParameter(RuntimeNames.PRECISION, "precision")
        .beginControlFlow("if (!$L)", supports(layer, "precision"))
        .addStatement(
            "throw new IllegalArgumentException($S + precision + $S)",
            "precision of " + name + ": expected one of " + variantList(layer) + ", got ",
            "")
        .endControlFlow()
        .addStatement("this.$L = precision", name)
        .addStatement("return this")
        .build();
  }

  /** {@code allLayers(precision)}: every setter in turn. */
  private static MethodSpec allLayers(ModelSpec model, ClassName builder) {
    MethodSpec.Builder all =
        MethodSpec.methodBuilder("allLayers")
            .addModifiers(Modifier.PUBLIC)
            .returns(builder)
            .addJavadoc(
                "Runs every layer in one precision.\n\n"
                    + "@throws IllegalArgumentException naming the first layer not generated in it\n")
            .addParameter(RuntimeNames.PRECISION, "precision");
    for (int k = 0; k < model.layers().size(); k++) {
      all.addStatement("$L(precision)", model.accessorNames().get(k));
    }
    return all.addStatement("return this").build();
  }

  /** {@code build(weights)}: a model with no static-activation layer. */
  private static MethodSpec buildWithoutBoundaries(ClassName self) {
    return MethodSpec.methodBuilder("build")
        .addModifiers(Modifier.PUBLIC)
        .returns(self)
        .addJavadoc(
            "Prepares a model with no static-activation layer.\n\n"
                + "@throws IllegalArgumentException if a chosen variant needs calibrated boundary params\n")
        .addParameter(WEIGHTS, "weights")
        .addStatement("return build(weights, null)")
        .build();
  }

  /** {@code build(weights, boundaries)}: prepares every layer at its chosen precision. */
  private static MethodSpec build(ModelSpec model, ClassName self) {
    List<LayerSpec> layers = model.layers();
    MethodSpec.Builder build =
        MethodSpec.methodBuilder("build")
            .addModifiers(Modifier.PUBLIC)
            .returns(self)
            .addJavadoc(
                "Prepares every layer from its FP32 weights. {@code boundaries} holds {@code LAYERS + 1} int8\n"
                    + "activation params (model input, between layers, model output), as calibration computes them;\n"
                    + "layer {@code k} reads with {@code boundaries.get(k)} and writes with {@code boundaries.get(k + 1)},\n"
                    + "so consecutive static layers pass int8 values unchanged. Only static layers use them; may be\n"
                    + "{@code null} when there are none.\n\n"
                    + "@throws IllegalArgumentException for a wrong number of weights or params, or weights of the\n"
                    + "    wrong shape\n")
            .addParameter(WEIGHTS, "weights")
            .addParameter(BOUNDARIES, "boundaries")
            .addStatement(
                "$T.requireLength($S, weights.size(), LAYERS)", RuntimeNames.LAYER_MATH, "weights")
            .beginControlFlow("if (boundaries != null)")
            .addStatement(
                "$T.requireLength($S, boundaries.size(), LAYERS + 1)",
                RuntimeNames.LAYER_MATH,
                "boundaries")
            .endControlFlow()
            .addStatement(
                "$T[] layers = new $T[LAYERS]", RuntimeNames.DENSE_LAYER, RuntimeNames.DENSE_LAYER);
    for (int k = 0; k < layers.size(); k++) {
      build.addStatement(
          "layers[$L] = prepare$L($L, weights.get($L), boundary(boundaries, $L), boundary(boundaries, $L))",
          k,
          k,
          model.accessorNames().get(k),
          k,
          k,
          k + 1);
    }
    build.addStatement(
        "return new $T(new $T($T.of(layers)), $T.of($L))",
        self,
        RuntimeNames.DENSE_CHAIN,
        List.class,
        List.class,
        String.join(", ", model.accessorNames()));
    return build.build();
  }

  /** {@code boundary(boundaries, k)}: {@code null} when there are none. */
  private static MethodSpec boundary() {
    return MethodSpec.methodBuilder("boundary")
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(RuntimeNames.ACTIVATION_PARAMS)
        .addParameter(BOUNDARIES, "boundaries")
        .addParameter(int.class, "k")
        .addStatement("return boundaries == null ? null : boundaries.get(k)")
        .build();
  }

  /** A switch over the layer's generated variants: each case a direct call, no reflection. */
  private static MethodSpec prepare(int k, LayerSpec layer) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("prepare" + k)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(RuntimeNames.DENSE_LAYER)
            .addParameter(RuntimeNames.PRECISION, "precision")
            .addParameter(RuntimeNames.DENSE_WEIGHTS, "weights")
            .addParameter(RuntimeNames.ACTIVATION_PARAMS, "input")
            .addParameter(RuntimeNames.ACTIVATION_PARAMS, "output")
            .beginControlFlow("switch (precision)");
    for (VariantSpec v : layer.generated()) {
      m.addStatement(
          "case $L: return $T.prepare(weights, input, output)",
          v.precision().name(),
          ClassName.get(layer.packageName(), layer.className(v)));
    }
    return m.addStatement(
            "default: throw new IllegalArgumentException($S + precision)",
            "no generated variant of " + layer.simpleName() + " for ")
        .endControlFlow()
        .build();
  }

  private static CodeBlock supports(LayerSpec layer, String variable) {
    CodeBlock variants =
        layer.generated().stream()
            .map(v -> CodeBlock.of("$T.$L", RuntimeNames.PRECISION, v.precision().name()))
            .collect(CodeBlock.joining(", "));
    return CodeBlock.of("$T.of($L).contains($L)", EnumSet.class, variants, variable);
  }

  private static String variantList(LayerSpec layer) {
    return layer.generated().stream()
        .map(v -> v.precision().name())
        .collect(Collectors.joining(", "));
  }

  private static CodeBlock javadoc(ModelSpec model) {
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add(
                "The model {@link $L}: $L dense layers run in sequence, float in and float out.\n\n<ul>\n",
                model.qualifiedName(),
                model.layers().size());
    for (int k = 0; k < model.layers().size(); k++) {
      LayerSpec l = model.layers().get(k);
      b.add(
          "  <li>$L: {@link $L}, $L -> $L, generated in $L (default $L)\n",
          k,
          l.qualifiedName(),
          l.in(),
          l.out(),
          variantList(l),
          l.defaultVariant().precision());
    }
    return b.add("</ul>\n\n<p>Immutable and thread-safe once built.\n").build();
  }
}
