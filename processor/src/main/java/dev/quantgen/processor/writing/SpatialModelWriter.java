package dev.quantgen.processor.writing;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Precision;
import dev.quantgen.processor.model.LayerSpec;
import dev.quantgen.processor.model.ModelLayer;
import dev.quantgen.processor.model.ModelSpec;
import dev.quantgen.processor.model.SpatialSpec;
import dev.quantgen.processor.model.VariantSpec;
import dev.quantgen.processor.validation.ModelValidator;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.util.Elements;

/**
 * Writes {@code <Model>_Model} for a model with convolution, pooling or flatten layers. It runs one
 * sample at a time, {@code [C, H, W]} row-major in and a vector out, in two forms:
 *
 * <ul>
 *   <li>{@code Fp32}: every layer's FP32 kernel;
 *   <li>{@code Floats}: every layer's default variant where it takes float activations (FP16,
 *       BINARY, dynamic and weight-only INT8/INT4), FP32 where the default is static;
 *   <li>{@code Int8}: the input is quantized once and int8 values flow between layers that can take
 *       them (static INT8 and INT4 convolutions and dense layers, max pooling and flatten, which
 *       pass their input's parameters through); any other layer (a float-activation convolution or
 *       dense layer, average pooling) dequantizes its input, runs its default variant in float and
 *       quantizes its output to its own calibrated parameters. The last output is dequantized.
 *       Joins ({@code @Add}, {@code @Concat}) read the earlier output in place and requantize both
 *       inputs with {@code Int8Join}; a final {@code @Softmax} writes float probabilities. Its
 *       per-thread int8 buffers are reused: one whose value has no reader left holds a later output
 *       of the same size.
 * </ul>
 *
 * <p>Weights are bound by name: {@code "<Layer>.weight"} and {@code "<Layer>.bias"} with the
 * layer's simple class name; dense weights are {@code [out, in]}, convolution weights {@code [M, C
 * / groups, kh, kw]}.
 */
public final class SpatialModelWriter {
  private static final TypeName WEIGHTS =
      ParameterizedTypeName.get(
          ClassName.get(Map.class), ClassName.get(String.class), RuntimeNames.FLOAT_TENSOR);
  private static final TypeName PARAMS =
      ParameterizedTypeName.get(ClassName.get(List.class), RuntimeNames.ACTIVATION_PARAMS);
  private static final TypeName SAMPLES =
      ParameterizedTypeName.get(ClassName.get(Iterable.class), TypeName.get(float[].class));

  private static final ClassName CONV_KERNELS =
      ClassName.get("dev.quantgen.runtime.conv", "ConvKernels");
  private static final ClassName INT8_ROWS = ClassName.get("dev.quantgen.runtime.conv", "Int8Rows");
  private static final ClassName GRAPH_OPS = ClassName.get("dev.quantgen.runtime.conv", "GraphOps");
  private static final ClassName INT8_JOIN = ClassName.get("dev.quantgen.runtime.conv", "Int8Join");
  private static final ClassName SAMPLE_BATCH =
      ClassName.get("dev.quantgen.runtime.conv", "SampleBatch");

  private SpatialModelWriter() {}

  /** The generated model source; originating elements are the model and every layer it reads. */
  public static JavaFile write(
      ModelSpec model, String processor, Element origin, Elements elements) {
    List<ModelLayer> layers = model.sequence();
    ClassName self = ClassName.get(model.packageName(), model.className());
    TypeSpec.Builder type =
        TypeSpec.classBuilder(self)
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(origin)
            .addJavadoc(
                "The layers of {@link $L} wired together, one sample at a time, with no reflection.\n\n",
                model.qualifiedName())
            .addJavadoc(
                "<p>Weights are bound by name: {@code \"<Layer>.weight\"} and {@code \"<Layer>.bias\"}. {@code Int8}\n"
                    + "keeps int8 values between static INT8/INT4 convolutions and dense layers, max pooling and flatten; other\n"
                    + "layers dequantize, run in float, and quantize to their own calibrated parameters.\n");
    if (model.isPublic()) {
      type.addModifiers(Modifier.PUBLIC);
    }
    layers.stream()
        .map(l -> elements.getTypeElement(l.qualifiedName()))
        .distinct()
        .forEach(type::addOriginatingElement);
    type.addField(
        KernelClass.constant("INPUT_SIZE", inSize(layers.get(0)), "Values per input sample."));
    type.addField(
        KernelClass.constant(
            "OUTPUT_SIZE", outSize(layers.get(layers.size() - 1)), "Values per output sample."));
    type.addField(KernelClass.constant("LAYERS", layers.size(), "Number of layers."));
    type.addField(
        com.palantir.javapoet.FieldSpec.builder(
                long.class, "MACS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .initializer("$LL", macs(layers))
            .addJavadoc(
                "Multiply-adds per sample (convolutions and dense layers), for splitting a batch across cores.\n")
            .build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    factories(type, self);
    type.addMethod(calibrate(self));
    weightLookups(type);
    type.addType(floatForm(layers, false));
    type.addType(floatForm(layers, true));
    type.addType(int8(layers));
    return GeneratedFile.of(model.packageName(), type.build(), processor, model.qualifiedName());
  }

  /** {@code fp32}, {@code floats} and {@code int8}: the three forms of the model. */
  private static void factories(TypeSpec.Builder type, ClassName self) {
    type.addMethod(
        MethodSpec.methodBuilder("fp32")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Every layer's FP32 kernel.\n\n@throws IllegalArgumentException if a weight is missing or misshapen\n")
            .returns(self.nestedClass("Fp32"))
            .addParameter(WEIGHTS, "weights")
            .addStatement("return new Fp32(weights)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("floats")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Every layer's default variant with float activations (FP16, BINARY, dynamic and weight-only\n"
                    + "integers); layers whose default is static int8 run FP32 here.\n\n"
                    + "@throws IllegalArgumentException if a weight is missing or misshapen\n")
            .returns(self.nestedClass("Floats"))
            .addParameter(WEIGHTS, "weights")
            .addStatement("return new Floats(weights)")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("int8")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "The int8 model with given activation parameters: the input's, then one per layer output (those\n"
                    + "of max pooling and flatten are ignored: they keep their input's).\n\n"
                    + "@throws IllegalArgumentException if a weight is missing or misshapen, or there are not LAYERS + 1 parameters\n")
            .returns(self.nestedClass("Int8"))
            .addParameter(WEIGHTS, "weights")
            .addParameter(PARAMS, "params")
            .addStatement("return new Int8(weights, params)")
            .build());
  }

  /** {@code tensor} and {@code denseWeights}: a layer's weights by name, or an error naming it. */
  private static void weightLookups(TypeSpec.Builder type) {
    type.addMethod(
        MethodSpec.methodBuilder("tensor")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(RuntimeNames.FLOAT_TENSOR)
            .addParameter(WEIGHTS, "weights")
            .addParameter(String.class, "name")
            .addStatement("$T t = weights.get(name)", RuntimeNames.FLOAT_TENSOR)
            .beginControlFlow("if (t == null)")
            .addStatement(
                "throw new IllegalArgumentException($S + name + $S + weights.keySet())",
                "weights: no tensor \"",
                "\", expected one for every layer with weights; got ")
            .endControlFlow()
            .addStatement("return t")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("denseWeights")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(RuntimeNames.DENSE_WEIGHTS)
            .addParameter(WEIGHTS, "weights")
            .addParameter(String.class, "layer")
            .addParameter(int.class, "in")
            .addParameter(int.class, "out")
            .addParameter(boolean.class, "bias")
            .addStatement(
                "return $T.of(in, out, tensor(weights, layer + $S).toArray(), "
                    + "bias ? tensor(weights, layer + $S).toArray() : null)",
                RuntimeNames.DENSE_WEIGHTS,
                ".weight",
                ".bias")
            .build());
  }

  private static int inSize(ModelLayer l) {
    return l instanceof LayerSpec d ? d.in() : ((SpatialSpec) l).inSize();
  }

  /**
   * Whether layer {@code k}, a convolution, runs with the max pool after it fused into its epilogue
   * ({@code forwardMaxPool2}, {@code forwardQuantizedMaxPool2}): the pool is 2x2 with stride 2 and
   * no padding over the whole output (floor), and no other layer reads the convolution's own output
   * (a join). {@code kernelFuses} says whether the kernel the form runs has the fused method (the
   * blocked FP32 and static kernels).
   */
  private static boolean fusesMaxPool(List<ModelLayer> layers, int k, boolean kernelFuses) {
    if (!kernelFuses
        || k + 1 >= layers.size()
        || !(layers.get(k) instanceof SpatialSpec conv)
        || conv.kind() != SpatialSpec.Kind.CONV
        || !(layers.get(k + 1) instanceof SpatialSpec pool)
        || pool.kind() != SpatialSpec.Kind.MAX_POOL
        || pool.joins()) {
      return false;
    }
    SpatialSpec.Window w = pool.window();
    boolean twoByTwo =
        w.kernelHeight() == 2
            && w.kernelWidth() == 2
            && w.strideHeight() == 2
            && w.strideWidth() == 2
            && w.dilationHeight() == 1
            && w.dilationWidth() == 1
            && w.padTop() == 0
            && w.padLeft() == 0
            && w.padBottom() == 0
            && w.padRight() == 0
            && pool.inChannels() == conv.outChannels()
            && pool.inHeight() == conv.outHeight()
            && pool.inWidth() == conv.outWidth()
            && pool.outHeight() == conv.outHeight() / 2
            && pool.outWidth() == conv.outWidth() / 2;
    if (!twoByTwo) {
      return false;
    }
    for (ModelLayer later : layers.subList(k + 2, layers.size())) {
      if (later instanceof SpatialSpec g && g.joins() && ModelValidator.source(layers, g) == k) {
        return false;
      }
    }
    return true;
  }

  private static int outSize(ModelLayer l) {
    return l instanceof LayerSpec d ? d.out() : ((SpatialSpec) l).outSize();
  }

  private static String field(ModelLayer l, int k) {
    String b = l.baseName();
    return b.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + b.substring(1) + k;
  }

  private static ClassName kernel(ModelLayer l, String suffix) {
    return ClassName.get(
        l instanceof LayerSpec d ? d.packageName() : ((SpatialSpec) l).packageName(),
        l.baseName() + "_" + suffix);
  }

  /**
   * Whether a layer is a graph operator the runtime's {@code GraphOps} and {@code Int8Join} run (no
   * generated kernel).
   */
  private static boolean graphOp(ModelLayer l) {
    if (!(l instanceof SpatialSpec s)) {
      return false;
    }
    switch (s.kind()) {
      case GLOBAL_AVG_POOL:
      case SOFTMAX:
      case ADD:
      case CONCAT:
        return true;
      default:
        return false;
    }
  }

  /**
   * The variable holding a join's second input: {@code input} for the model's input, else its
   * layer's, formatted.
   */
  private static String from(
      List<ModelLayer> layers, SpatialSpec join, String input, String layerFormat) {
    int j = ModelValidator.source(layers, join);
    return j < 0 ? input : String.format(java.util.Locale.ROOT, layerFormat, j);
  }

  /**
   * A float graph operator's call: {@code a} in (and {@code b}, a join's second input), {@code y}
   * out.
   */
  private static CodeBlock floatGraphCall(SpatialSpec g, String a, String b, String y) {
    switch (g.kind()) {
      case ADD:
        return CodeBlock.of("$T.add($L, $L, $L)", GRAPH_OPS, a, b, y);
      case CONCAT:
        return CodeBlock.of("$T.concat($L, $L, $L)", GRAPH_OPS, a, b, y);
      case SOFTMAX:
        return CodeBlock.of("$T.softmax($L, $L)", GRAPH_OPS, a, y);
      default:
        return CodeBlock.of(
            "$T.globalAveragePool($L, $L, $L, $L)",
            GRAPH_OPS,
            a,
            y,
            g.inChannels(),
            g.inHeight() * g.inWidth());
    }
  }

  /** The FP32 kernel expression a layer is built with, or null for flatten. */
  private static CodeBlock fp32Kernel(ModelLayer l) {
    if (l instanceof LayerSpec d) {
      return CodeBlock.of(
          "new $T(denseWeights(weights, $S, $L, $L, $L))",
          kernel(l, "Fp32"),
          d.simpleName(),
          d.in(),
          d.out(),
          d.bias());
    }
    SpatialSpec s = (SpatialSpec) l;
    switch (s.kind()) {
      case CONV:
        return CodeBlock.of(
            "new $T(tensor(weights, $S), $L)",
            kernel(l, "Fp32"),
            s.simpleName() + ".weight",
            s.bias() ? CodeBlock.of("tensor(weights, $S)", s.simpleName() + ".bias") : "null");
      case FLATTEN:
        return null;
      default:
        return CodeBlock.of("new $T()", kernel(l, "Pool"));
    }
  }

  /**
   * The kernel class a layer runs with float activations: its FP32 kernel, or with {@code defaults}
   * its default variant's when that takes float activations (FP16, BINARY, dynamic and weight-only
   * integers); pooling's one kernel either way. Null for flatten.
   */
  private static ClassName floatKernelClass(ModelLayer l, boolean defaults) {
    if (l instanceof SpatialSpec s && s.kind() != SpatialSpec.Kind.CONV) {
      return s.kind() == SpatialSpec.Kind.FLATTEN || graphOp(l) ? null : kernel(l, "Pool");
    }
    VariantSpec v = defaults ? defaultVariant(l) : VariantSpec.FP32_BASELINE;
    return kernel(l, floatActivations(v) ? v.suffix() : "Fp32");
  }

  /**
   * The expression building {@link #floatKernelClass}, {@code input} and {@code output} for {@code
   * prepare}.
   */
  private static CodeBlock floatKernel(
      ModelLayer l, boolean defaults, CodeBlock input, CodeBlock output) {
    VariantSpec v = defaults ? defaultVariant(l) : VariantSpec.FP32_BASELINE;
    if (!floatActivations(v) || v.precision() == Precision.FP32) {
      return fp32Kernel(l);
    }
    if (l instanceof LayerSpec d) {
      return CodeBlock.of(
          "$T.prepare(denseWeights(weights, $S, $L, $L, $L), $L, $L)",
          kernel(l, v.suffix()),
          d.simpleName(),
          d.in(),
          d.out(),
          d.bias(),
          input,
          output);
    }
    return prepareConv((SpatialSpec) l, input, output);
  }

  /**
   * {@code <Layer>_<Default>.prepare(weight, bias, input, output)} of a convolution's default
   * variant.
   */
  private static CodeBlock prepareConv(SpatialSpec s, CodeBlock input, CodeBlock output) {
    return CodeBlock.of(
        "$T.prepare(tensor(weights, $S), $L, $L, $L)",
        kernel(s, s.defaultVariant().suffix()),
        s.simpleName() + ".weight",
        s.bias() ? CodeBlock.of("tensor(weights, $S)", s.simpleName() + ".bias") : "null",
        input,
        output);
  }

  private static VariantSpec defaultVariant(ModelLayer l) {
    return l instanceof LayerSpec d ? d.defaultVariant() : ((SpatialSpec) l).defaultVariant();
  }

  /**
   * Whether a variant's kernel takes and returns float activations (everything but static
   * integers).
   */
  private static boolean floatActivations(VariantSpec v) {
    return !(v.integerAccumulator() && v.activations() == Activations.STATIC);
  }

  /**
   * {@code Fp32} (every layer's FP32 kernel) or {@code Floats} (default variants with float
   * activations).
   */
  private static TypeSpec floatForm(List<ModelLayer> layers, boolean defaults) {
    TypeSpec.Builder type = floatFormStart(defaults);
    TypeSpec.Builder scratchType =
        TypeSpec.classBuilder("Scratch")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "One thread's activations for {@code forward(x, y)}, so a call allocates none.\n");
    MethodSpec.Builder run = floatForwardStart();
    int last = lastWriter(layers, defaults);
    String[] outputs = new String[layers.size()];
    String a = "x";
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addParameter(WEIGHTS, "weights");
    MethodSpec.Builder trace = floatTraceStart();
    String fusedConv = null;
    for (int k = 0; k < layers.size(); k++) {
      ModelLayer l = layers.get(k);
      ClassName kc = floatKernelClass(l, defaults);
      String target = k == last ? "y" : "s.out" + k;
      boolean fused = fusesMaxPool(layers, k, kc != null && kc.simpleName().endsWith("_Fp32"));
      if (graphOp(l) || kc != null) {
        if (k != last && !fused) {
          scratchType.addField(
              com.palantir.javapoet.FieldSpec.builder(float[].class, "out" + k, Modifier.FINAL)
                  .initializer("new float[$L]", outSize(l))
                  .build());
        }
      }
      if (graphOp(l)) {
        SpatialSpec g = (SpatialSpec) l;
        trace
            .addStatement("out[$L] = new float[$L]", k, outSize(l))
            .addStatement(
                floatGraphCall(
                    g, "a", g.joins() ? from(layers, g, "x", "out[%d]") : null, "out[" + k + "]"));
        String other = null;
        if (g.joins()) {
          int j = ModelValidator.source(layers, g);
          other = j < 0 ? "x" : outputs[j];
        }
        run.addStatement(floatGraphCall(g, a, other, target));
        a = target;
      } else if (kc != null) {
        String f = field(l, k);
        type.addField(KernelClass.field(kc, f));
        ctor.addStatement(
            "this.$L = $L",
            f,
            floatKernel(l, defaults, CodeBlock.of("null"), CodeBlock.of("null")));
        trace
            .addStatement("out[$L] = new float[$L]", k, outSize(l))
            .addStatement("$L.forward(a, out[$L])", f, k);
        if (fused) {
          // the next layer's max pool runs in this convolution's epilogue
          fusedConv = f;
        } else if (fusedConv != null) {
          run.addStatement("$L.forwardMaxPool2($L, $L)", fusedConv, a, target);
          fusedConv = null;
          a = target;
        } else {
          run.addStatement("$L.forward($L, $L)", f, a, target);
          a = target;
        }
      } else {
        trace.addStatement("out[$L] = a", k);
      }
      outputs[k] = a;
      trace.addStatement("a = out[$L]", k);
    }
    if (last < 0) {
      run.addStatement("System.arraycopy(x, 0, y, 0, OUTPUT_SIZE)");
    }
    trace.addStatement("return out");
    type.addType(scratchType.build());
    type.addField(scratchHolder());
    type.addMethod(ctor.build());
    type.addMethod(trace.build());
    type.addMethod(allocatingForward("The output for one sample.\n"));
    batchForm(type, run);
    type.addMethod(run.build());
    return type.build();
  }

  /** The float form's class: {@code Floats} (default variants) or {@code Fp32}. */
  private static TypeSpec.Builder floatFormStart(boolean defaults) {
    return TypeSpec.classBuilder(defaults ? "Floats" : "Fp32")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addJavadoc(
            defaults
                ? "Every layer's default variant with float activations between layers (FP16, BINARY, dynamic and\n"
                    + "weight-only integers); a layer whose default is static int8 runs its FP32 kernel here, use\n"
                    + "{@code calibrate} for it. Immutable and thread-safe; {@code forward(x, y)} writes per-thread activation\n"
                    + "buffers, {@code trace} allocates every layer's output.\n"
                : "Every layer's FP32 kernel. Immutable and thread-safe; {@code forward(x, y)} writes per-thread activation\n"
                    + "buffers (allocation-free once a thread's kernels are warm), {@code trace} allocates every layer's output.\n");
  }

  /** The float form's {@code forward(x, y)} up to its scratch; layers add their steps. */
  private static MethodSpec.Builder floatForwardStart() {
    return scratchForward(
        "The output for one sample into {@code y}: each layer writes a per-thread buffer, the last one\n"
            + "{@code y}; equals {@code forward(x)} bit for bit.\n");
  }

  /** {@code forward(x, y)} of a form: the length checks and this thread's {@code Scratch s}. */
  private static MethodSpec.Builder scratchForward(String doc) {
    return MethodSpec.methodBuilder("forward")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc(doc)
        .addParameter(float[].class, "x")
        .addParameter(float[].class, "y")
        .addStatement("$T.requireLength($S, x.length, INPUT_SIZE)", RuntimeNames.LAYER_MATH, "x")
        .addStatement("$T.requireLength($S, y.length, OUTPUT_SIZE)", RuntimeNames.LAYER_MATH, "y")
        .addStatement("Scratch s = SCRATCH.get()");
  }

  /**
   * The last layer that writes an output (flatten layers only pass their input on), which writes
   * {@code y}; every other writer has its own per-thread buffer, so a join can read any earlier
   * output. -1 if none does.
   */
  private static int lastWriter(List<ModelLayer> layers, boolean defaults) {
    int last = layers.size() - 1;
    while (last >= 0
        && !graphOp(layers.get(last))
        && floatKernelClass(layers.get(last), defaults) == null) {
      last--;
    }
    return last;
  }

  /** The float form's {@code trace(x)} up to its first layer; layers add their steps. */
  private static MethodSpec.Builder floatTraceStart() {
    return MethodSpec.methodBuilder("trace")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc("Every layer's output for one sample (flatten shares its input's array).\n")
        .returns(float[][].class)
        .addParameter(float[].class, "x")
        .addStatement("$T.requireLength($S, x.length, INPUT_SIZE)", RuntimeNames.LAYER_MATH, "x")
        .addStatement("float[][] out = new float[LAYERS][]")
        .addStatement("float[] a = x");
  }

  /** {@code SCRATCH}: each thread's {@code Scratch}. */
  private static com.palantir.javapoet.FieldSpec scratchHolder() {
    return com.palantir.javapoet.FieldSpec.builder(
            ParameterizedTypeName.get(
                ClassName.get(ThreadLocal.class), ClassName.get("", "Scratch")),
            "SCRATCH",
            Modifier.PRIVATE,
            Modifier.STATIC,
            Modifier.FINAL)
        .initializer("$T.withInitial(Scratch::new)", ThreadLocal.class)
        .build();
  }

  /** {@code forward(x)}: a new output array, filled by {@code forward(x, y)}. */
  private static MethodSpec allocatingForward(String doc) {
    return MethodSpec.methodBuilder("forward")
        .addModifiers(Modifier.PUBLIC)
        .addJavadoc(doc)
        .returns(float[].class)
        .addParameter(float[].class, "x")
        .addStatement("float[] y = new float[OUTPUT_SIZE]")
        .addStatement("forward(x, y)")
        .addStatement("return y")
        .build();
  }

  /** Multiply-adds of one sample: each convolution's and dense layer's. */
  private static long macs(List<ModelLayer> layers) {
    long macs = 0;
    for (ModelLayer l : layers) {
      if (l instanceof LayerSpec) {
        LayerSpec d = (LayerSpec) l;
        macs += (long) d.in() * d.out();
      } else if (((SpatialSpec) l).kind() == SpatialSpec.Kind.CONV) {
        SpatialSpec c = (SpatialSpec) l;
        macs +=
            (long) c.outChannels()
                * c.outHeight()
                * c.outWidth()
                * (c.inChannels() / c.groups())
                * c.window().kernelHeight()
                * c.window().kernelWidth();
      }
    }
    return macs;
  }

  /**
   * Makes {@code type} a {@code SampleBatch.Model} ({@code run} is its one-sample {@code forward(x,
   * y)}) and adds {@code forwardBatch}, whole samples split across cores.
   */
  private static void batchForm(TypeSpec.Builder type, MethodSpec.Builder run) {
    type.addSuperinterface(SAMPLE_BATCH.nestedClass("Model"));
    run.addAnnotation(Override.class);
    type.addMethod(
        MethodSpec.methodBuilder("forwardBatch")
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "{@code batch} samples {@code x [batch, INPUT_SIZE]} into {@code y [batch, OUTPUT_SIZE]}: whole samples\n"
                    + "split across cores ({@code SampleBatch}, when the batch has at least {@code Rows.MIN_PARALLEL_MACS}\n"
                    + "multiply-adds), each equal to {@code forward(x, y)} bit for bit; allocates nothing per call.\n")
            .addParameter(float[].class, "x")
            .addParameter(float[].class, "y")
            .addParameter(int.class, "batch")
            .addStatement(
                "$T.forEach(this, x, y, batch, INPUT_SIZE, OUTPUT_SIZE, MACS)", SAMPLE_BATCH)
            .build());
  }

  private static MethodSpec calibrate(ClassName self) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder("calibrate")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .addJavadoc(
                "Static INT8 calibration: the FP32 model runs on {@code samples}, each activation's min/max gives its\n"
                    + "asymmetric int8 parameters ({@code ActivationParams.fromRange}); max pooling and flatten keep their input's.\n\n"
                    + "@throws IllegalArgumentException if there is no sample or an activation is NaN or infinite\n")
            .returns(self.nestedClass("Int8"))
            .addParameter(WEIGHTS, "weights")
            .addParameter(SAMPLES, "samples")
            .addStatement("Fp32 fp32 = new Fp32(weights)")
            .addStatement("float[] lo = new float[LAYERS + 1]")
            .addStatement("float[] hi = new float[LAYERS + 1]")
            .addStatement("$T.fill(lo, Float.POSITIVE_INFINITY)", java.util.Arrays.class)
            .addStatement("$T.fill(hi, Float.NEGATIVE_INFINITY)", java.util.Arrays.class)
            .addStatement("int n = 0")
            .beginControlFlow("for (float[] x : samples)")
            .addStatement("float[][] t = fp32.trace(x)")
            .beginControlFlow("for (int k = 0; k <= LAYERS; k++)")
            .beginControlFlow("for (float v : k == 0 ? x : t[k - 1])")
            .addStatement("lo[k] = Math.min(lo[k], v)")
            .addStatement("hi[k] = Math.max(hi[k], v)")
            .endControlFlow()
            .endControlFlow()
            .addStatement("n++")
            .endControlFlow()
            .beginControlFlow("if (n == 0)")
            .addStatement(
                "throw new IllegalArgumentException($S)",
                "samples: empty, expected at least one calibration sample")
            .endControlFlow()
            .addStatement(
                "$T<$T> params = new $T<>()",
                List.class,
                RuntimeNames.ACTIVATION_PARAMS,
                java.util.ArrayList.class)
            .beginControlFlow("for (int k = 0; k <= LAYERS; k++)")
            .addStatement("params.add($T.fromRange(lo[k], hi[k]))", RuntimeNames.ACTIVATION_PARAMS)
            .endControlFlow()
            .addStatement("return new Int8(weights, params)");
    return b.build();
  }

  /** How layer {@code k} runs in the int8 model. */
  private enum Int8Role {
    STATIC_CONV,
    STATIC_DENSE,
    MAX_POOL,
    FLATTEN,
    /**
     * {@code @Add} or {@code @Concat}: {@code Int8Join} requantizes both inputs to the output's
     * parameters.
     */
    JOIN,
    /** {@code @GlobalAvgPool2d}: dequantize, average in float, quantize. */
    GLOBAL_POOL,
    /** {@code @Softmax}, the last layer: dequantize, softmax into the float output. */
    SOFTMAX,
    FLOAT
  }

  private static Int8Role role(ModelLayer l) {
    if (l instanceof LayerSpec d) {
      return d.defaultVariant().integerAccumulator()
              && d.defaultVariant().activations() == dev.quantgen.annotations.Activations.STATIC
          ? Int8Role.STATIC_DENSE
          : Int8Role.FLOAT;
    }
    SpatialSpec s = (SpatialSpec) l;
    switch (s.kind()) {
      case CONV:
        return s.defaultsToStaticInteger() ? Int8Role.STATIC_CONV : Int8Role.FLOAT;
      case MAX_POOL:
        return Int8Role.MAX_POOL;
      case FLATTEN:
        return Int8Role.FLATTEN;
      case ADD:
      case CONCAT:
        return Int8Role.JOIN;
      case GLOBAL_AVG_POOL:
        return Int8Role.GLOBAL_POOL;
      case SOFTMAX:
        return Int8Role.SOFTMAX;
      default:
        return Int8Role.FLOAT;
    }
  }

  private static TypeSpec int8(List<ModelLayer> layers) {
    return new Int8Form(layers).write();
  }

  /**
   * Writes {@code Int8}: one pass over the layers adds each layer's field, its constructor
   * statements, its {@code traceQuantized} step, its scratch buffers and its {@code forward} step.
   */
  private static final class Int8Form {
    private final List<ModelLayer> layers;
    private final TypeSpec.Builder type;
    private final TypeSpec.Builder scratchType;
    private final MethodSpec.Builder run;
    private final MethodSpec.Builder ctor;
    private final MethodSpec.Builder trace;
    private final int[] slot;
    private final java.util.Set<Integer> declared = new java.util.HashSet<>();

    /** The forward's variable holding each layer's output. */
    private final List<String> outputs = new java.util.ArrayList<>();

    private boolean floatOutput;

    /**
     * The convolution whose epilogue runs the next layer's max pool, until that layer is written.
     */
    private String fusedConv;

    Int8Form(List<ModelLayer> layers) {
      this.layers = layers;
      this.type = start();
      this.scratchType = scratchStart();
      this.run = forwardStart();
      this.ctor = constructorStart();
      this.trace = traceStart();
      this.slot = int8Buffers(layers);
    }

    TypeSpec write() {
      for (int k = 0; k < layers.size(); k++) {
        ModelLayer l = layers.get(k);
        String f = field(l, k);
        Int8Role role = role(l);
        outputs.add(
            role == Int8Role.FLATTEN
                ? (k == 0 ? "s.input" : outputs.get(k - 1))
                : "s.out" + slot[k]);
        switch (role) {
          case JOIN:
            join(k, l, f);
            break;
          case GLOBAL_POOL:
          case SOFTMAX:
            floatGraphLayer(k, l, role);
            break;
          case STATIC_CONV:
            staticConv(
                k, l, f, fusesMaxPool(layers, k, StaticConvMembers.blocked((SpatialSpec) l)));
            break;
          case STATIC_DENSE:
            staticDense(k, l, f);
            break;
          case MAX_POOL:
            maxPool(k, l, f);
            break;
          case FLATTEN:
            flatten(k);
            break;
          default:
            floatLayer(k, l, f);
            break;
        }
        trace.addStatement("a = out[$L]", k);
      }
      return finish();
    }

    /** The class with its parameter fields and the input quantizer {@code ROWS}. */
    private static TypeSpec.Builder start() {
      TypeSpec.Builder type =
          TypeSpec.classBuilder("Int8")
              .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(
                  "The static int8 model. Immutable and thread-safe; {@code forward(x, y)} allocates nothing per call\n"
                      + "(each thread keeps its own activation buffers), {@code traceQuantized} allocates every layer's output.\n");
      type.addField(KernelClass.field(PARAMS, "params"));
      type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "inputParams"));
      type.addField(KernelClass.field(RuntimeNames.ACTIVATION_PARAMS, "outputParams"));
      type.addField(
          com.palantir.javapoet.FieldSpec.builder(
                  INT8_ROWS, "ROWS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc(
                  "Quantizes the input (Vector API or scalar, as the conv kernels do; LayerMath's rule bit for bit).\n")
              .initializer("$T.int8Rows()", CONV_KERNELS)
              .build());
      return type;
    }

    /** {@code Scratch}: one thread's activations; layers add their buffers. */
    private static TypeSpec.Builder scratchStart() {
      return TypeSpec.classBuilder("Scratch")
          .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
          .addJavadoc(
              "One thread's activations for {@code forward(x, y)}, so a call allocates nothing.\n")
          .addField(
              com.palantir.javapoet.FieldSpec.builder(byte[].class, "input", Modifier.FINAL)
                  .initializer("new byte[INPUT_SIZE]")
                  .build());
    }

    /** {@code forward(x, y)} up to the quantized input; layers add their steps. */
    private static MethodSpec.Builder forwardStart() {
      return scratchForward(
              "The dequantized output for one float sample into {@code y}; allocates nothing (after a thread's first\n"
                  + "call) and equals {@code forward(x)} bit for bit.\n")
          .addStatement(
              "ROWS.quantize(x, inputParams.scale(), inputParams.zeroPoint(), s.input, INPUT_SIZE)")
          .addStatement("byte[] a = s.input");
    }

    /** The constructor up to the copy of the parameters; layers add their kernels. */
    private MethodSpec.Builder constructorStart() {
      return MethodSpec.constructorBuilder()
          .addParameter(WEIGHTS, "weights")
          .addParameter(PARAMS, "given")
          .beginControlFlow("if (given.size() != LAYERS + 1)")
          .addStatement(
              "throw new IllegalArgumentException($S + given.size() + $S)",
              "params: ",
              " parameters, expected LAYERS + 1 = "
                  + (layers.size() + 1)
                  + " (the input, then each layer's output)")
          .endControlFlow()
          .addStatement(
              "$T<$T> p = new $T<>(given)",
              List.class,
              RuntimeNames.ACTIVATION_PARAMS,
              java.util.ArrayList.class);
    }

    /** {@code traceQuantized(x)} up to the quantized input; layers add their steps. */
    private MethodSpec.Builder traceStart() {
      MethodSpec.Builder trace =
          MethodSpec.methodBuilder("traceQuantized")
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(
                  "Every layer's int8 output for one float sample (flatten shares its input's array); layer\n"
                      + "{@code k}'s output has parameters {@code params().get(k + 1)}.\n")
              .returns(byte[][].class)
              .addParameter(float[].class, "x")
              .addStatement(
                  "$T.requireLength($S, x.length, INPUT_SIZE)", RuntimeNames.LAYER_MATH, "x")
              .addStatement("byte[][] out = new byte[LAYERS][]")
              .addStatement("byte[] a = quantize(x, params.get(0))");
      if (layers.stream()
          .anyMatch(
              l ->
                  l instanceof SpatialSpec g
                      && g.joins()
                      && ModelValidator.source(layers, g) < 0)) {
        trace.addStatement("byte[] input = a");
      }
      return trace;
    }

    /**
     * An int8 join (add, concat): the previous output and an earlier one, requantized to its own
     * parameters.
     */
    private void join(int k, ModelLayer l, String f) {
      SpatialSpec g = (SpatialSpec) l;
      int j = ModelValidator.source(layers, g);
      String op = g.kind() == SpatialSpec.Kind.ADD ? "add" : "concat";
      type.addField(KernelClass.field(INT8_JOIN, f));
      ctor.addComment(
              "$L: the previous output and $L, requantized to its own parameters",
              g.simpleName(),
              j < 0 ? "the model's input" : layers.get(j).simpleName())
          .addStatement(
              "this.$L = new $T(p.get($L), p.get($L), p.get($L))", f, INT8_JOIN, k, j + 1, k + 1);
      trace
          .addStatement("out[$L] = new byte[$L]", k, outSize(l))
          .addStatement("$L.$L(a, $L, out[$L])", f, op, j < 0 ? "input" : "out[" + j + "]", k);
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      run.addStatement("$L.$L(a, $L, s.out$L)", f, op, j < 0 ? "s.input" : outputs.get(j), slot[k])
          .addStatement("a = s.out$L", slot[k]);
    }

    /**
     * Global pooling or softmax: dequantized, run in float, requantized (softmax: the float
     * output).
     */
    private void floatGraphLayer(int k, ModelLayer l, Int8Role role) {
      SpatialSpec g = (SpatialSpec) l;
      boolean last = role == Int8Role.SOFTMAX;
      trace
          .addComment("$L runs in float between int8 neighbours", l.simpleName())
          .addStatement("float[] f$L = new float[$L]", k, outSize(l))
          .addStatement(floatGraphCall(g, "dequantize(a, params.get(" + k + "))", null, "f" + k))
          .addStatement("out[$L] = quantize(f$L, params.get($L))", k, k, k + 1);
      scratchType.addField(
          com.palantir.javapoet.FieldSpec.builder(float[].class, "in" + k, Modifier.FINAL)
              .initializer("new float[$L]", inSize(l))
              .build());
      run.addStatement("dequantizeInto(a, params.get($L), s.in$L)", k, k);
      if (last) {
        run.addComment("the probabilities are the float output: no requantization")
            .addStatement(floatGraphCall(g, "s.in" + k, null, "y"));
        floatOutput = true;
        return;
      }
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      scratchType.addField(
          com.palantir.javapoet.FieldSpec.builder(float[].class, "f" + k, Modifier.FINAL)
              .initializer("new float[$L]", outSize(l))
              .build());
      run.addStatement(floatGraphCall(g, "s.in" + k, null, "s.f" + k))
          .addStatement(
              "ROWS.quantize(s.f$L, params.get($L).scale(), params.get($L).zeroPoint(), s.out$L, $L)",
              k,
              k + 1,
              k + 1,
              slot[k],
              outSize(l))
          .addStatement("a = s.out$L", slot[k]);
    }

    /** A static INT8/INT4 convolution: int8 in, int8 out. */
    private void staticConv(int k, ModelLayer l, String f, boolean fused) {
      ClassName kc = kernel(l, ((SpatialSpec) l).defaultVariant().suffix());
      type.addField(KernelClass.field(kc, f));
      ctor.addStatement(
          "this.$L = $L",
          f,
          prepareConv(
              (SpatialSpec) l, CodeBlock.of("p.get($L)", k), CodeBlock.of("p.get($L)", k + 1)));
      trace
          .addStatement("out[$L] = new byte[$L]", k, outSize(l))
          .addStatement("$L.forwardQuantized(a, out[$L])", f, k);
      if (fused) {
        // the next layer's max pool runs in this convolution's epilogue
        fusedConv = f;
        return;
      }
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      run.addStatement("$L.forwardQuantized(a, s.out$L)", f, slot[k])
          .addStatement("a = s.out$L", slot[k]);
    }

    /** A static INT8/INT4 dense layer: int8 in, int8 out. */
    private void staticDense(int k, ModelLayer l, String f) {
      LayerSpec d = (LayerSpec) l;
      ClassName kc = kernel(l, d.defaultVariant().suffix());
      type.addField(KernelClass.field(kc, f));
      ctor.addStatement(
          "this.$L = $T.prepare(denseWeights(weights, $S, $L, $L, $L), p.get($L), p.get($L))",
          f,
          kc,
          d.simpleName(),
          d.in(),
          d.out(),
          d.bias(),
          k,
          k + 1);
      trace
          .addStatement("out[$L] = new byte[$L]", k, outSize(l))
          .addStatement("$L.forwardQuantized(a, out[$L])", f, k);
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      run.addStatement("$L.forwardQuantized(a, s.out$L)", f, slot[k])
          .addStatement("a = s.out$L", slot[k]);
    }

    /** Max pooling on int8 values, keeping its input's parameters. */
    private void maxPool(int k, ModelLayer l, String f) {
      type.addField(KernelClass.field(kernel(l, "Pool"), f));
      ctor.addStatement("this.$L = new $T()", f, kernel(l, "Pool"))
          .addComment("max pooling keeps its input's parameters")
          .addStatement("p.set($L, p.get($L))", k + 1, k);
      trace
          .addStatement("out[$L] = new byte[$L]", k, outSize(l))
          .addStatement("$L.forward(a, out[$L])", f, k);
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      if (fusedConv != null) {
        run.addStatement("$L.forwardQuantizedMaxPool2(a, s.out$L)", fusedConv, slot[k]);
        fusedConv = null;
      } else {
        run.addStatement("$L.forward(a, s.out$L)", f, slot[k]);
      }
      run.addStatement("a = s.out$L", slot[k]);
    }

    /** Flatten: moves no value, keeps its input's parameters. */
    private void flatten(int k) {
      ctor.addComment("flatten moves no value and keeps its input's parameters")
          .addStatement("p.set($L, p.get($L))", k + 1, k);
      trace.addStatement("out[$L] = a", k);
    }

    /** Any other layer: dequantized, run by its float kernel, requantized. */
    private void floatLayer(int k, ModelLayer l, String f) {
      type.addField(KernelClass.field(floatKernelClass(l, true), f));
      ctor.addStatement(
          "this.$L = $L",
          f,
          floatKernel(l, true, CodeBlock.of("p.get($L)", k), CodeBlock.of("p.get($L)", k + 1)));
      trace
          .addComment("$L runs in float between int8 neighbours", l.simpleName())
          .addStatement("float[] f$L = new float[$L]", k, outSize(l))
          .addStatement("$L.forward(dequantize(a, params.get($L)), f$L)", f, k, k)
          .addStatement("out[$L] = quantize(f$L, params.get($L))", k, k, k + 1);
      scratchBytes(scratchType, slot[k], outSize(l), declared);
      scratchType
          .addField(
              com.palantir.javapoet.FieldSpec.builder(float[].class, "in" + k, Modifier.FINAL)
                  .initializer("new float[$L]", inSize(l))
                  .build())
          .addField(
              com.palantir.javapoet.FieldSpec.builder(float[].class, "f" + k, Modifier.FINAL)
                  .initializer("new float[$L]", outSize(l))
                  .build());
      run.addComment("$L runs in float between int8 neighbours", l.simpleName())
          .addStatement("dequantizeInto(a, params.get($L), s.in$L)", k, k)
          .addStatement("$L.forward(s.in$L, s.f$L)", f, k, k)
          .addStatement(
              "ROWS.quantize(s.f$L, params.get($L).scale(), params.get($L).zeroPoint(), s.out$L, $L)",
              k,
              k + 1,
              k + 1,
              slot[k],
              outSize(l))
          .addStatement("a = s.out$L", slot[k]);
    }

    /** The parameters' copy, the scratch, the constructor and the methods every form has. */
    private TypeSpec finish() {
      ctor.addStatement("this.params = $T.copyOf(p)", List.class)
          .addStatement("this.inputParams = params.get(0)")
          .addStatement("this.outputParams = params.get(LAYERS)");
      trace.addStatement("return out");
      if (!floatOutput) {
        run.addStatement("dequantizeInto(a, outputParams, y)");
      }
      type.addType(scratchType.build());
      type.addField(scratchHolder());
      type.addMethod(ctor.build());
      type.addMethod(
          MethodSpec.methodBuilder("params")
              .addModifiers(Modifier.PUBLIC)
              .addJavadoc(
                  "The activation parameters in use: the input's, then one per layer output.\n")
              .returns(PARAMS)
              .addStatement("return params")
              .build());
      type.addMethod(trace.build());
      type.addMethod(allocatingForward("The dequantized output for one float sample.\n"));
      batchForm(type, run);
      type.addMethod(run.build());
      conversions(type);
      return type.build();
    }

    /**
     * {@code quantize}, {@code dequantize} and {@code dequantizeInto}, per value by the parameters.
     */
    private static void conversions(TypeSpec.Builder type) {
      type.addMethod(
          MethodSpec.methodBuilder("quantize")
              .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
              .returns(byte[].class)
              .addParameter(float[].class, "x")
              .addParameter(RuntimeNames.ACTIVATION_PARAMS, "p")
              .addStatement("byte[] q = new byte[x.length]")
              .beginControlFlow("for (int i = 0; i < x.length; i++)")
              .addStatement("q[i] = (byte) p.quantize(x[i])")
              .endControlFlow()
              .addStatement("return q")
              .build());
      type.addMethod(
          MethodSpec.methodBuilder("dequantize")
              .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
              .returns(float[].class)
              .addParameter(byte[].class, "q")
              .addParameter(RuntimeNames.ACTIVATION_PARAMS, "p")
              .addStatement("float[] x = new float[q.length]")
              .beginControlFlow("for (int i = 0; i < q.length; i++)")
              .addStatement("x[i] = p.dequantize(q[i])")
              .endControlFlow()
              .addStatement("return x")
              .build());
      type.addMethod(
          MethodSpec.methodBuilder("dequantizeInto")
              .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
              .addParameter(byte[].class, "q")
              .addParameter(RuntimeNames.ACTIVATION_PARAMS, "p")
              .addParameter(float[].class, "x")
              .beginControlFlow("for (int i = 0; i < x.length; i++)")
              .addStatement("x[i] = p.dequantize(q[i])")
              .endControlFlow()
              .build());
    }
  }

  /** The per-thread int8 buffer {@code out<slot>} of {@code size} values, declared once. */
  private static void scratchBytes(
      TypeSpec.Builder scratch, int slot, int size, java.util.Set<Integer> declared) {
    if (declared.add(slot)) {
      scratch.addField(
          com.palantir.javapoet.FieldSpec.builder(byte[].class, "out" + slot, Modifier.FINAL)
              .initializer("new byte[$L]", size)
              .build());
    }
  }

  /**
   * Buffer reuse in the int8 forward: the buffer each layer writes ({@code out<slot>}; -1 for
   * flatten, which writes nothing, and a final softmax, which writes the float output). A buffer is
   * free once the last layer reading it has run (the next layer, a join's {@code from}, or after
   * flatten's readers), and is reused by a later output of exactly its size, never by the layer
   * still reading it: a residual block's branches keep their own.
   */
  private static int[] int8Buffers(List<ModelLayer> layers) {
    int n = layers.size();
    int[] owner =
        new int[n]; // the layer whose buffer holds layer k's output (-1: the quantized input)
    int[] lastRead = new int[n];
    for (int k = 0; k < n; k++) {
      owner[k] = role(layers.get(k)) == Int8Role.FLATTEN ? (k == 0 ? -1 : owner[k - 1]) : k;
      lastRead[k] = k;
    }
    for (int k = 0; k < n; k++) {
      if (k > 0 && owner[k - 1] >= 0) {
        lastRead[owner[k - 1]] = Math.max(lastRead[owner[k - 1]], k);
      }
      if (layers.get(k) instanceof SpatialSpec g && g.joins()) {
        int j = ModelValidator.source(layers, g);
        if (j >= 0 && owner[j] >= 0) {
          lastRead[owner[j]] = Math.max(lastRead[owner[j]], k);
        }
      }
    }
    if (owner[n - 1] >= 0) {
      lastRead[owner[n - 1]] = n; // the output is dequantized after the last layer
    }
    int[] slot = new int[n];
    List<Integer> slotSize = new java.util.ArrayList<>();
    List<Integer> slotFreeAfter =
        new java.util.ArrayList<>(); // the last layer reading the slot's current value
    for (int k = 0; k < n; k++) {
      ModelLayer l = layers.get(k);
      Int8Role role = role(l);
      if (role == Int8Role.FLATTEN || role == Int8Role.SOFTMAX && k == n - 1) {
        slot[k] = -1;
        continue;
      }
      int chosen = -1;
      for (int s = 0; s < slotSize.size() && chosen < 0; s++) {
        if (slotSize.get(s) == outSize(l) && slotFreeAfter.get(s) < k) {
          chosen = s;
        }
      }
      if (chosen < 0) {
        chosen = slotSize.size();
        slotSize.add(outSize(l));
        slotFreeAfter.add(0);
      }
      slotFreeAfter.set(chosen, lastRead[k]);
      slot[k] = chosen;
    }
    return slot;
  }
}
