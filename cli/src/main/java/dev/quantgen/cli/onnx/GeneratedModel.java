package dev.quantgen.cli.onnx;

import dev.quantgen.annotations.Precision;
import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.SourceGenerator;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A lowered ONNX model turned into generated kernels without a rebuild: its annotated sources are
 * written to a work folder, compiled in-process with the quantgen processor, and the processor's
 * {@code <Name>_Model} is loaded in its own class loader. Only this dev tool uses reflection; the
 * generated classes themselves do not.
 *
 * <p>Weights are bound by layer name ({@code "<Layer>.weight"}, {@code "<Layer>.bias"}) from the
 * lowered model, which read them from the ONNX initializers the generated {@code <Name>Weights}
 * names (with any bias Add or batch normalization already folded in).
 *
 * <p>The processor writes two kinds of model class, and both run here: a model with a convolution,
 * pooling or flatten layer gets the spatial API ({@code fp32(Map)}, {@code floats(Map)}, {@code
 * calibrate(Map, Iterable)}, a {@code forward(float[])} per form); a dense-only model gets the
 * dense-chain API ({@code builder().allLayers(precision).build(weights, boundaries)} and {@code
 * forward(float[], float[])}), which this class calibrates the way the spatial {@code calibrate}
 * does: min/max of the FP32 model's input and layer outputs, then {@code
 * ActivationParams.fromRange}.
 */
public final class GeneratedModel implements AutoCloseable {
  /** The package the sources are generated in. */
  static final String PACKAGE = "quantgen.eval";

  private final URLClassLoader loader;
  private final Class<?> modelClass;
  private final Map<String, FloatTensor> weights;

  /** The dense layers' weights in layer order, for a dense-chain model; null for a spatial one. */
  private final List<DenseWeights> chainWeights;

  private GeneratedModel(
      URLClassLoader loader, Class<?> modelClass, LoweredModel model, String modelName) {
    this.loader = loader;
    this.modelClass = modelClass;
    this.weights = weights(model, modelName);
    this.chainWeights = isSpatial(modelClass) ? null : chainWeights(model);
  }

  /**
   * Generates (INT8 {@code @Quantize}, so the model has its FP32 and INT8 forms), compiles and
   * loads {@code model} under {@code workDir}.
   *
   * @throws GeneratedModelException if the sources do not compile or the model class is missing
   */
  public static GeneratedModel build(LoweredModel model, String modelName, Path workDir)
      throws IOException {
    return build(model, modelName, workDir, "INT8");
  }

  /**
   * As {@link #build(LoweredModel, String, Path)} with {@code precision} (a {@code Precision}
   * constant name) in every {@code @Quantize}: the model then also has that precision's form,
   * static INT8 and INT4 through {@link #int8}, the others through {@link #floats}.
   *
   * @throws IllegalArgumentException if {@code precision} is not a {@code Precision} constant
   * @throws GeneratedModelException if the sources do not compile or the model class is missing
   */
  public static GeneratedModel build(
      LoweredModel model, String modelName, Path workDir, String precision) throws IOException {
    Path sources = workDir.resolve("src");
    Path classes = workDir.resolve("classes");
    List<Path> files = ModelSources.write(model, PACKAGE, modelName, precision, sources);
    java.nio.file.Files.createDirectories(classes);
    InProcessCompiler.compile(files, classes);
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, GeneratedModel.class.getClassLoader());
    try {
      return new GeneratedModel(
          loader, loader.loadClass(PACKAGE + "." + modelName + "_Model"), model, modelName);
    } catch (ClassNotFoundException e) {
      loader.close();
      throw new GeneratedModelException(
          "the processor generated no " + modelName + "_Model class", e);
    }
  }

  /** The FP32 form: every layer's FP32 kernel. */
  public UnaryOperator<float[]> fp32() {
    if (chainWeights != null) {
      return chain(Precision.FP32, null);
    }
    return forward(invokeStatic("fp32", new Class<?>[] {Map.class}, weights));
  }

  /** Every layer's default variant with float activations (FP16, BINARY). */
  public UnaryOperator<float[]> floats() {
    if (chainWeights != null) {
      return chain(null, null);
    }
    return forward(invokeStatic("floats", new Class<?>[] {Map.class}, weights));
  }

  /** The static INT8 form (INT8 or INT4 weights), activations calibrated on {@code samples}. */
  public UnaryOperator<float[]> int8(List<float[]> samples) {
    if (chainWeights != null) {
      return chain(null, calibrate(samples));
    }
    return forward(
        invokeStatic("calibrate", new Class<?>[] {Map.class, Iterable.class}, weights, samples));
  }

  /** The generated {@code INPUT_SIZE}: values per sample. */
  public int inputSize() {
    return constant("INPUT_SIZE");
  }

  /** The generated {@code OUTPUT_SIZE}: values per output, the classes of a classifier. */
  public int outputSize() {
    return constant("OUTPUT_SIZE");
  }

  private int constant(String name) {
    try {
      java.lang.reflect.Field field = modelClass.getField(name);
      field.setAccessible(true);
      return field.getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new GeneratedModelException(modelClass.getName() + " has no readable " + name, e);
    }
  }

  /**
   * Whether the processor wrote the spatial model API (a static {@code fp32(Map)}) rather than the
   * dense chain.
   */
  private static boolean isSpatial(Class<?> modelClass) {
    try {
      modelClass.getMethod("fp32", Map.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * Static INT8 boundaries of a dense chain, as the spatial {@code calibrate} computes them: the
   * FP32 chain runs on {@code samples}; the min/max of the input and of each layer's output give
   * {@code ActivationParams.fromRange}.
   */
  private List<ActivationParams> calibrate(List<float[]> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException(
          "samples: empty, expected at least one calibration sample");
    }
    Object fp32 = buildChain(Precision.FP32, null);
    Method trace = method(fp32.getClass(), "trace", float[].class);
    int boundaries = chainWeights.size() + 1;
    float[] lo = new float[boundaries];
    float[] hi = new float[boundaries];
    Arrays.fill(lo, Float.POSITIVE_INFINITY);
    Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    for (float[] x : samples) {
      float[][] t = (float[][]) invoke(trace, fp32, (Object) x);
      for (int k = 0; k < boundaries; k++) {
        for (float v : k == 0 ? x : t[k - 1]) {
          lo[k] = Math.min(lo[k], v);
          hi[k] = Math.max(hi[k], v);
        }
      }
    }
    List<ActivationParams> params = new ArrayList<>();
    for (int k = 0; k < boundaries; k++) {
      params.add(ActivationParams.fromRange(lo[k], hi[k]));
    }
    return params;
  }

  /**
   * A dense chain with every layer at {@code precision} (null: each layer's default), as a forward
   * function.
   */
  private UnaryOperator<float[]> chain(Precision precision, List<ActivationParams> boundaries) {
    Object model = buildChain(precision, boundaries);
    Method forward = method(model.getClass(), "forward", float[].class, float[].class);
    int outputs = outputSize();
    return x -> {
      float[] y = new float[outputs];
      invoke(forward, model, x, y);
      return y;
    };
  }

  private Object buildChain(Precision precision, List<ActivationParams> boundaries) {
    Object builder = invoke(method(modelClass, "builder"), null);
    if (precision != null) {
      builder =
          invoke(method(builder.getClass(), "allLayers", Precision.class), builder, precision);
    }
    return invoke(
        method(builder.getClass(), "build", List.class, List.class),
        builder,
        chainWeights,
        boundaries);
  }

  private static Method method(Class<?> type, String name, Class<?>... parameters) {
    try {
      Method m = type.getMethod(name, parameters);
      // The generated model class is package-private: a user calls it from its own package.
      m.setAccessible(true);
      return m;
    } catch (NoSuchMethodException e) {
      throw new GeneratedModelException(
          type.getName() + " has no " + name + Arrays.toString(parameters), e);
    }
  }

  private static Object invoke(Method m, Object target, Object... args) {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw rethrow(e);
    } catch (IllegalAccessException e) {
      throw new GeneratedModelException(m + ": " + e, e);
    }
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }

  private Object invokeStatic(String name, Class<?>[] types, Object... args) {
    try {
      Method m = modelClass.getMethod(name, types);
      // The generated model class is package-private: a user calls it from its own package.
      m.setAccessible(true);
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      throw rethrow(e);
    } catch (ReflectiveOperationException e) {
      throw new GeneratedModelException(modelClass.getName() + "." + name + ": " + e, e);
    }
  }

  private static UnaryOperator<float[]> forward(Object form) {
    Method forward;
    try {
      forward = form.getClass().getMethod("forward", float[].class);
      forward.setAccessible(true);
    } catch (NoSuchMethodException e) {
      throw new GeneratedModelException(form.getClass().getName() + " has no forward(float[])", e);
    }
    return x -> {
      try {
        return (float[]) forward.invoke(form, (Object) x);
      } catch (InvocationTargetException e) {
        throw rethrow(e);
      } catch (IllegalAccessException e) {
        throw new GeneratedModelException(forward + ": " + e, e);
      }
    };
  }

  /**
   * The generated code's own exception (an IllegalArgumentException naming the bad value),
   * unwrapped.
   */
  private static RuntimeException rethrow(InvocationTargetException e) {
    Throwable cause = e.getCause();
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new GeneratedModelException(String.valueOf(cause), cause);
  }

  /** Each dense layer's weights ({@code [out, in]}, as lowered) in layer order. */
  private static List<DenseWeights> chainWeights(LoweredModel model) {
    List<DenseWeights> chain = new ArrayList<>();
    for (LoweredLayer layer : model.layers()) {
      if (!(layer instanceof DenseSpec d)) {
        throw new GeneratedModelException(
            "layer "
                + layer.name()
                + " is not dense, but the processor generated a "
                + "dense-chain model");
      }
      chain.add(
          DenseWeights.of(
              d.in(),
              d.out(),
              d.weights().toArray(),
              d.bias() == null ? null : d.bias().toArray()));
    }
    return List.copyOf(chain);
  }

  /** The weights by generated class name: the names {@link SourceGenerator} gave the layers. */
  private static Map<String, FloatTensor> weights(LoweredModel model, String modelName) {
    Map<String, FloatTensor> weights = new HashMap<>();
    List<String> classNames = SourceGenerator.layerClassNames(model, modelName);
    for (int k = 0; k < model.layers().size(); k++) {
      LoweredLayer layer = model.layers().get(k);
      FloatTensor w = null;
      FloatTensor b = null;
      if (layer instanceof ConvSpec c) {
        w = c.weights();
        b = c.bias();
      } else if (layer instanceof DenseSpec d) {
        w = d.weights();
        b = d.bias();
      }
      String name = classNames.get(k);
      if (w != null) {
        weights.put(name + ".weight", w);
      }
      if (b != null) {
        weights.put(name + ".bias", b);
      }
    }
    return Map.copyOf(weights);
  }
}
