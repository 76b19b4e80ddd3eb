package dev.quantgen.onnx;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.Window2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Turns a {@link LoweredModel} into annotated sources a user can commit and edit: one class per
 * layer carrying its layer annotation ({@code @Conv2d}, {@code @Dense}, {@code @MaxPool2d},
 * {@code @AvgPool2d}, {@code @Flatten}) and, for layers with weights, {@code @Quantize(precision =
 * INT8)}; a {@code @Model} interface listing them in order; and a weight binding class mapping each
 * layer to the ONNX initializers its weights and bias come from.
 *
 * <p>The annotations are referenced by name ({@code dev.quantgen.annotations}) so this module does
 * not depend on them. Output is deterministic: the same model gives the same sources.
 */
public final class SourceGenerator {
  private static final String ANNOTATIONS = "dev.quantgen.annotations";

  /**
   * The {@code dev.quantgen.annotations.Precision} constants a generated {@code @Quantize} may
   * name.
   */
  public static final List<String> PRECISIONS = List.of("FP32", "FP16", "INT8", "INT4", "BINARY");

  private SourceGenerator() {}

  /**
   * The sources for {@code model} in package {@code packageName}, the model interface named {@code
   * modelName}; layer classes are named after their first ONNX node ({@link #layerClassNames}).
   * Model text (node, file and initializer names) reaches the sources only through {@link
   * JavaNames}.
   */
  public static List<JavaFile> generate(LoweredModel model, String packageName, String modelName) {
    return generate(model, packageName, modelName, "INT8");
  }

  /**
   * As {@link #generate(LoweredModel, String, String)}, with {@code precision} (the name of a
   * {@code dev.quantgen.annotations.Precision} constant, e.g. {@code "FP32"}) in every
   * {@code @Quantize} instead of INT8.
   *
   * @throws IllegalArgumentException if {@code precision} is not one of {@link #PRECISIONS}, or the
   *     package or model name cannot hold generated sources ({@link JavaNames#packageNameProblem},
   *     {@link JavaNames#typeNameProblem})
   */
  public static List<JavaFile> generate(
      LoweredModel model, String packageName, String modelName, String precision) {
    if (!PRECISIONS.contains(precision)) {
      throw new IllegalArgumentException(
          "precision: \"" + precision + "\", expected one of " + PRECISIONS);
    }
    JavaNames.packageNameProblem(packageName)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException("package \"" + packageName + "\": " + problem);
            });
    List<String> classNames = layerClassNames(model, modelName); // checks modelName
    String source = JavaNames.docText(model.source().replace('\\', '/').replaceAll(".*/", ""));
    List<JavaFile> files = new ArrayList<>();
    List<ClassName> layers = new ArrayList<>();
    CodeBlock.Builder weights = CodeBlock.builder().add("$T.ofEntries(\n$>", Map.class);
    boolean first = true;
    for (int k = 0; k < model.layers().size(); k++) {
      LoweredLayer layer = model.layers().get(k);
      ClassName name = ClassName.get(packageName, classNames.get(k));
      layers.add(name);
      TypeSpec.Builder type =
          TypeSpec.classBuilder(name)
              .addModifiers(Modifier.FINAL)
              .addJavadoc(
                  "Layer $L of $L, from ONNX nodes $L.\n",
                  layers.size(),
                  source,
                  String.join(", ", layer.sources().stream().map(JavaNames::docText).toList()))
              .addAnnotation(
                  layerAnnotation(
                      layer,
                      layer instanceof JoinSpec j
                          ? (j.from() < 0
                              ? ClassName.get(ANNOTATIONS, "Model", "Input")
                              : layers.get(j.from()))
                          : null));
      if (layer instanceof ConvSpec || layer instanceof DenseSpec) {
        type.addAnnotation(
            AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Quantize"))
                .addMember("precision", "$T.$L", ClassName.get(ANNOTATIONS, "Precision"), precision)
                .build());
        String w = layer instanceof ConvSpec c ? c.weightName() : ((DenseSpec) layer).weightName();
        String b = layer instanceof ConvSpec c ? c.biasName() : ((DenseSpec) layer).biasName();
        // initializer names are model text: written as escaped literals, never through the format
        // string
        weights
            .add(first ? "" : ",\n")
            .add(
                "$T.entry($S, $T.of($L, $L))",
                Map.class,
                name.simpleName(),
                List.class,
                JavaNames.stringLiteral(w),
                JavaNames.stringLiteral(b == null ? "" : b));
        first = false;
      }
      files.add(JavaFile.builder(packageName, type.build()).skipJavaLangImports(true).build());
    }
    weights.add("$<)");
    AnnotationSpec.Builder modelAnnotation =
        AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Model"));
    for (ClassName layer : layers) {
      modelAnnotation.addMember("layers", "$T.class", layer);
    }
    files.add(
        JavaFile.builder(
                packageName,
                TypeSpec.interfaceBuilder(modelName)
                    .addJavadoc("The layers of $L in execution order.\n", source)
                    .addAnnotation(modelAnnotation.build())
                    .build())
            .skipJavaLangImports(true)
            .build());
    files.add(
        JavaFile.builder(
                packageName,
                TypeSpec.classBuilder(modelName + "Weights")
                    .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                    .addJavadoc(
                        "Which ONNX initializers hold each layer's weights and bias ({@code \"\"}: none). Dense\n"
                            + "weights are stored {@code [in, out]} in ONNX and transposed to {@code [out, in]} at load time. A name\n"
                            + "joined with {@code +} or {@code *} marks values folded at load time (bias Add, BatchNormalization).\n")
                    .addField(
                        FieldSpec.builder(
                                ParameterizedTypeName.get(
                                    ClassName.get(Map.class),
                                    ClassName.get(String.class),
                                    ParameterizedTypeName.get(List.class, String.class)),
                                "INITIALIZERS",
                                Modifier.PUBLIC,
                                Modifier.STATIC,
                                Modifier.FINAL)
                            .initializer(weights.build())
                            .build())
                    .addMethod(
                        com.palantir.javapoet.MethodSpec.constructorBuilder()
                            .addModifiers(Modifier.PRIVATE)
                            .build())
                    .build())
            .skipJavaLangImports(true)
            .build());
    return files;
  }

  /**
   * The class name of each layer of {@code model}, in order, when the model interface is {@code
   * modelName}: from the layer's name through {@link JavaNames#typeNames}, so every name is a safe
   * identifier and distinct, ignoring case, from the others, from {@code modelName} and from every
   * class derived from them ({@code Conv_1} for {@code conv_1}; {@code fc} and {@code Fc} give
   * {@code Fc} and {@code Fc_2}; a node named {@code Math} gives {@code MathLayer}).
   *
   * @throws IllegalArgumentException if {@code modelName} cannot name a type
   */
  public static List<String> layerClassNames(LoweredModel model, String modelName) {
    return JavaNames.typeNames(model.layers().stream().map(LoweredLayer::name).toList(), modelName);
  }

  private static AnnotationSpec layerAnnotation(LoweredLayer layer, ClassName from) {
    if (layer instanceof ConvSpec c) {
      AnnotationSpec.Builder a =
          AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Conv2d"))
              .addMember("inChannels", "$L", c.inputShape().dim(0))
              .addMember("outChannels", "$L", c.outputShape().dim(0))
              .addMember("inHeight", "$L", c.inputShape().dim(1))
              .addMember("inWidth", "$L", c.inputShape().dim(2));
      window(a, c.window(), true);
      if (c.groups() != 1) {
        a.addMember("groups", "$L", c.groups());
      }
      if (c.bias() == null) {
        a.addMember("bias", "false");
      }
      activation(a, c.activation());
      return a.build();
    }
    if (layer instanceof DenseSpec d) {
      AnnotationSpec.Builder a =
          AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Dense"))
              .addMember("in", "$L", d.in())
              .addMember("out", "$L", d.out());
      if (d.bias() == null) {
        a.addMember("bias", "false");
      }
      activation(a, d.activation());
      return a.build();
    }
    if (layer instanceof PoolSpec p) {
      AnnotationSpec.Builder a =
          AnnotationSpec.builder(
                  ClassName.get(
                      ANNOTATIONS, p.kind() == PoolSpec.Kind.MAX ? "MaxPool2d" : "AvgPool2d"))
              .addMember("channels", "$L", p.inputShape().dim(0))
              .addMember("inHeight", "$L", p.inputShape().dim(1))
              .addMember("inWidth", "$L", p.inputShape().dim(2));
      window(a, p.window(), false);
      return a.build();
    }
    if (layer instanceof SoftmaxSpec) {
      return AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Softmax"))
          .addMember("size", "$L", layer.inputShape().dim(0))
          .build();
    }
    if (layer instanceof JoinSpec j) {
      boolean add = j.kind() == JoinSpec.Kind.ADD;
      AnnotationSpec.Builder a =
          AnnotationSpec.builder(ClassName.get(ANNOTATIONS, add ? "Add" : "Concat"));
      if (add) {
        a.addMember("channels", "$L", j.inputShape().dim(0));
      } else {
        a.addMember("channels", "{$L, $L}", j.inputShape().dim(0), j.fromShape().dim(0));
      }
      return a.addMember("height", "$L", j.inputShape().dim(1))
          .addMember("width", "$L", j.inputShape().dim(2))
          .addMember("from", "$T.class", from)
          .build();
    }
    return AnnotationSpec.builder(ClassName.get(ANNOTATIONS, "Flatten"))
        .addMember("channels", "$L", layer.inputShape().dim(0))
        .addMember("height", "$L", layer.inputShape().dim(1))
        .addMember("width", "$L", layer.inputShape().dim(2))
        .build();
  }

  /**
   * Kernel, stride, padding and dilation members. The annotations pad symmetrically or SAME
   * (upper); a window they cannot express (SAME_LOWER, asymmetric pads) is rejected.
   */
  private static void window(AnnotationSpec.Builder a, Window2d w, boolean conv) {
    a.addMember("kernel", "$L", pair(w.kernelHeight(), w.kernelWidth()));
    if (w.strideHeight() != 1 || w.strideWidth() != 1 || !conv) {
      a.addMember("stride", "$L", pair(w.strideHeight(), w.strideWidth()));
    }
    if (w.padMode() == PadMode.SAME_UPPER) {
      a.addMember("paddingMode", "$T.SAME", ClassName.get(ANNOTATIONS, "Padding"));
    } else if (w.padMode() == PadMode.SAME_LOWER
        || w.padTop() != w.padBottom()
        || w.padLeft() != w.padRight()) {
      throw new UnsupportedOperatorException(
          "window "
              + w
              + ": the layer annotations take symmetric or SAME_UPPER"
              + " padding, expected one of those");
    } else if (w.padTop() != 0 || w.padLeft() != 0) {
      a.addMember("padding", "$L", pair(w.padTop(), w.padLeft()));
    }
    if (w.dilationHeight() != 1 || w.dilationWidth() != 1) {
      a.addMember("dilation", "$L", pair(w.dilationHeight(), w.dilationWidth()));
    }
  }

  private static String pair(int height, int width) {
    return height == width ? Integer.toString(height) : "{" + height + ", " + width + "}";
  }

  private static void activation(
      AnnotationSpec.Builder a, dev.quantgen.runtime.numerics.Activation activation) {
    if (activation != dev.quantgen.runtime.numerics.Activation.NONE) {
      a.addMember(
          "activation", "$T.$L", ClassName.get(ANNOTATIONS, "Activation"), activation.name());
    }
    if (activation.kind() == dev.quantgen.runtime.numerics.Activation.Kind.CLIP) {
      a.addMember("clipMin", "$L", floatLiteral(activation.lower()));
      a.addMember("clipMax", "$L", floatLiteral(activation.upper()));
    }
  }

  /** A float as source that reads back to the same bits (infinities as Float's constants). */
  private static String floatLiteral(float f) {
    if (Float.isInfinite(f)) {
      return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
    }
    return Float.toString(f) + "f";
  }
}
