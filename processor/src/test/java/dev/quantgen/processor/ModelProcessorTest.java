package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.quantgen.processor.Compilations.compile;
import static dev.quantgen.processor.Compilations.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.quantgen.annotations.Precision;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class ModelProcessorTest {
  private static final JavaFileObject HIDDEN = source("Hidden",
      "@Dense(in = 20, out = 9, activation = Activation.RELU)",
      "@Quantize(precision = Precision.INT8)",
      "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT)",
      "public final class Hidden {}");
  private static final JavaFileObject OUTPUT = source("Output",
      "@Dense(in = 9, out = 4)",
      "@Quantize(precision = Precision.INT8)",
      "public final class Output {}");

  @Test
  void emptyModelIsRejected() {
    JavaFileObject model = source("Empty", "@Model(", "    layers = {})", "interface Empty {}");
    Compilation c = compile(model);
    assertThat(c).hadErrorContaining("[QuantizeEmptyModel]").inFile(model).onLineContaining("layers = {}");
  }

  @Test
  void aListedClassWithoutLayerAnnotationIsNotALayer() {
    JavaFileObject plain = source("Plain", "final class Plain {}");
    JavaFileObject model = source("M", "@Model(", "    layers = {Plain.class})", "interface M {}");
    assertThat(compile(plain, model)).hadErrorContaining("[QuantizeNotALayer] layers[0] = Plain")
        .inFile(model).onLineContaining("layers = {Plain.class}");
  }

  @Test
  void convolutionLayersCannotRunInAModelYet() {
    JavaFileObject conv = source("Conv",
        "@Conv2d(inChannels = 1, outChannels = 1, inHeight = 4, inWidth = 4, kernel = 3)", "final class Conv {}");
    JavaFileObject model = source("M", "@Model(", "    layers = {Conv.class})", "interface M {}");
    assertThat(compile(conv, model)).hadErrorContaining("[QuantizeUnsupportedLayer]")
        .inFile(model).onLineContaining("layers = {Conv.class}");
  }

  @Test
  void consecutiveShapesThatDoNotChainAreAShapeMismatch() {
    JavaFileObject model = source("M", "@Model(", "    layers = {Output.class, Hidden.class})", "interface M {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c).hadErrorContaining("[QuantizeShapeMismatch] layers[1] = Hidden has in = 20, but layers[0] = "
        + "Output has out = 4").inFile(model).onLineContaining("layers = {Output.class, Hidden.class}");
  }

  @Test
  void aLayerWithErrorsStopsTheModel() {
    JavaFileObject bad = source("Bad", "@Dense(in = 0, out = 2)", "final class Bad {}");
    JavaFileObject model = source("M", "@Model(", "    layers = {Bad.class})", "interface M {}");
    assertThat(compile(bad, model)).hadErrorContaining("[QuantizeInvalidLayer]")
        .inFile(model).onLineContaining("layers = {Bad.class}");
  }

  @Test
  void generatedModelRunsEveryPrecisionChoiceAndKeepsInt8BetweenStaticLayers() throws Exception {
    JavaFileObject model = source("Mlp", "@Model(layers = {Hidden.class, Output.class})", "public interface Mlp {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c).succeeded();
    Class<?> modelClass = Compilations.loader(c).loadClass("test.Mlp_Model");
    Random random = new Random(3);
    List<DenseWeights> weights = List.of(weights(random, 20, 9), weights(random, 9, 4));
    List<ActivationParams> boundaries = List.of(ActivationParams.fromRange(-3, 3), ActivationParams.fromRange(0, 4),
        ActivationParams.fromRange(-5, 5));
    float[] x = new float[20];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }

    Object defaults = build(modelClass, builder(modelClass), weights, boundaries);
    assertEquals(List.of(Precision.INT8, Precision.INT8), modelClass.getMethod("precisions").invoke(defaults));
    float[] y = new float[4];
    modelClass.getMethod("forward", float[].class, float[].class).invoke(defaults, x, y);
    // The chained int8 path equals running the two layers one by one through float, since the
    // boundary params are shared: dequantize(quantize(dequantize(q))) is the identity on int8.
    float[][] trace = (float[][]) modelClass.getMethod("trace", float[].class).invoke(defaults, x);
    assertArrayEquals(trace[1], y);

    Object mixed = builder(modelClass);
    mixed.getClass().getMethod("hidden", Precision.class).invoke(mixed, Precision.INT4);
    Object built = build(modelClass, mixed, weights, boundaries);
    assertEquals(List.of(Precision.INT4, Precision.INT8), modelClass.getMethod("precisions").invoke(built));

    Object fp32 = builder(modelClass);
    fp32.getClass().getMethod("allLayers", Precision.class).invoke(fp32, Precision.FP32);
    Object baseline = fp32.getClass().getMethod("build", List.class).invoke(fp32, weights);
    modelClass.getMethod("forward", float[].class, float[].class).invoke(baseline, x, y);

    Object binary = builder(modelClass);
    InvocationTargetException e = assertThrows(InvocationTargetException.class,
        () -> binary.getClass().getMethod("allLayers", Precision.class).invoke(binary, Precision.BINARY));
    assertEquals("precision of hidden: expected one of FP32, INT8, INT4, got BINARY", e.getCause().getMessage());

    Object noCalibration = builder(modelClass);
    InvocationTargetException missing = assertThrows(InvocationTargetException.class,
        () -> noCalibration.getClass().getMethod("build", List.class).invoke(noCalibration, weights));
    assertTrue(missing.getCause().getMessage().startsWith("activation params for Hidden"),
        missing.getCause().getMessage());
  }

  private static Object builder(Class<?> model) throws Exception {
    return model.getMethod("builder").invoke(null);
  }

  private static Object build(Class<?> model, Object builder, List<DenseWeights> w, List<ActivationParams> b)
      throws Exception {
    Method build = builder.getClass().getMethod("build", List.class, List.class);
    return build.invoke(builder, w, b);
  }

  static DenseWeights weights(Random random, int in, int out) {
    float[] w = new float[in * out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * 0.3f;
    }
    float[] b = new float[out];
    for (int c = 0; c < out; c++) {
      b[c] = (float) random.nextGaussian() * 0.1f;
    }
    return DenseWeights.of(in, out, w, b);
  }

  @Test
  void fiftyLayerModelGeneratesQuickly() {
    List<JavaFileObject> sources = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int k = 0; k < 50; k++) {
      int in = k == 0 ? 784 : 64 + (k - 1) % 5;
      int out = 64 + k % 5;
      sources.add(source("Layer" + k, "@Dense(in = " + in + ", out = " + out + ", activation = Activation.RELU)",
          "@Quantize(precision = Precision.INT8)", "@Quantize(precision = Precision.INT4, blockSize = 32,"
              + " activations = Activations.FLOAT)", "public final class Layer" + k + " {}"));
      names.add("Layer" + k + ".class");
    }
    sources.add(source("Deep", "@Model(layers = {" + String.join(", ", names) + "})", "public interface Deep {}"));
    compile(sources); // warm up javac and the processors
    TimedProcessor layers = new TimedProcessor(new LayerProcessor());
    TimedProcessor models = new TimedProcessor(new ModelProcessor());
    long withProcessors = timeMillis(() -> assertThat(com.google.testing.compile.Compiler.javac()
        .withProcessors(layers, models).compile(sources)).succeeded());
    long withoutProcessors = timeMillis(() -> assertThat(com.google.testing.compile.Compiler.javac()
        .withOptions("-proc:none").compile(sources)).succeeded());
    long generation = (layers.nanos + models.nanos) / 1_000_000;
    System.out.printf("50-layer model (150 kernels + 1 model class): the processors ran %d ms; javac took %d ms "
        + "with them and %d ms without (the rest is javac compiling the generated code)%n", generation,
        withProcessors, withoutProcessors);
    assertTrue(generation < 10_000, "generation took " + generation + " ms");
  }

  /** Measures the time spent inside a processor's {@code process}. */
  private static final class TimedProcessor extends javax.annotation.processing.AbstractProcessor {
    private final javax.annotation.processing.Processor delegate;
    long nanos;

    TimedProcessor(javax.annotation.processing.Processor delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void init(javax.annotation.processing.ProcessingEnvironment env) {
      super.init(env);
      delegate.init(env);
    }

    @Override
    public java.util.Set<String> getSupportedAnnotationTypes() {
      return delegate.getSupportedAnnotationTypes();
    }

    @Override
    public javax.lang.model.SourceVersion getSupportedSourceVersion() {
      return delegate.getSupportedSourceVersion();
    }

    @Override
    public boolean process(java.util.Set<? extends javax.lang.model.element.TypeElement> annotations,
        javax.annotation.processing.RoundEnvironment round) {
      long start = System.nanoTime();
      try {
        return delegate.process(annotations, round);
      } finally {
        nanos += System.nanoTime() - start;
      }
    }
  }

  private static long timeMillis(Runnable r) {
    long start = System.nanoTime();
    r.run();
    return (System.nanoTime() - start) / 1_000_000;
  }
}
