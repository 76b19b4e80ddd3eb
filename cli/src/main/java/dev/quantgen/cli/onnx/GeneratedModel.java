package dev.quantgen.cli.onnx;

import dev.quantgen.onnx.ConvSpec;
import dev.quantgen.onnx.DenseSpec;
import dev.quantgen.onnx.LoweredLayer;
import dev.quantgen.onnx.LoweredModel;
import dev.quantgen.onnx.SourceGenerator;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
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
 */
public final class GeneratedModel implements AutoCloseable {
  /** The package the sources are generated in. */
  static final String PACKAGE = "quantgen.eval";

  private final URLClassLoader loader;
  private final Class<?> modelClass;
  private final Map<String, FloatTensor> weights;

  private GeneratedModel(URLClassLoader loader, Class<?> modelClass, Map<String, FloatTensor> weights) {
    this.loader = loader;
    this.modelClass = modelClass;
    this.weights = weights;
  }

  /**
   * Generates (INT8 {@code @Quantize}, so the model has its FP32 and INT8 forms), compiles and loads
   * {@code model} under {@code workDir}.
   *
   * @throws GeneratedModelException if the sources do not compile or the model class is missing
   */
  public static GeneratedModel build(LoweredModel model, String modelName, Path workDir) throws IOException {
    return build(model, modelName, workDir, "INT8");
  }

  /**
   * As {@link #build(LoweredModel, String, Path)} with {@code precision} (a {@code Precision}
   * constant name) in every {@code @Quantize}: the model then also has that precision's form, static
   * INT8 and INT4 through {@link #int8}, the others through {@link #floats}.
   *
   * @throws IllegalArgumentException if {@code precision} is not a {@code Precision} constant
   * @throws GeneratedModelException if the sources do not compile or the model class is missing
   */
  public static GeneratedModel build(LoweredModel model, String modelName, Path workDir, String precision)
      throws IOException {
    Path sources = workDir.resolve("src");
    Path classes = workDir.resolve("classes");
    List<Path> files = ModelSources.write(model, PACKAGE, modelName, precision, sources);
    java.nio.file.Files.createDirectories(classes);
    InProcessCompiler.compile(files, classes);
    URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
        GeneratedModel.class.getClassLoader());
    try {
      return new GeneratedModel(loader, loader.loadClass(PACKAGE + "." + modelName + "_Model"), weights(model));
    } catch (ClassNotFoundException e) {
      loader.close();
      throw new GeneratedModelException("the processor generated no " + modelName + "_Model class", e);
    }
  }

  /** The FP32 form: every layer's FP32 kernel. */
  public UnaryOperator<float[]> fp32() {
    return forward(invokeStatic("fp32", new Class<?>[] {Map.class}, weights));
  }

  /** Every layer's default variant with float activations (FP16, BINARY). */
  public UnaryOperator<float[]> floats() {
    return forward(invokeStatic("floats", new Class<?>[] {Map.class}, weights));
  }

  /** The static INT8 form (INT8 or INT4 weights), activations calibrated on {@code samples}. */
  public UnaryOperator<float[]> int8(List<float[]> samples) {
    return forward(invokeStatic("calibrate", new Class<?>[] {Map.class, Iterable.class}, weights, samples));
  }

  /** The generated {@code INPUT_SIZE}: values per sample. */
  public int inputSize() {
    try {
      java.lang.reflect.Field inputSize = modelClass.getField("INPUT_SIZE");
      inputSize.setAccessible(true);
      return inputSize.getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new GeneratedModelException(modelClass.getName() + " has no readable INPUT_SIZE", e);
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

  /** The generated code's own exception (an IllegalArgumentException naming the bad value), unwrapped. */
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

  private static Map<String, FloatTensor> weights(LoweredModel model) {
    Map<String, FloatTensor> weights = new HashMap<>();
    for (LoweredLayer layer : model.layers()) {
      FloatTensor w = null;
      FloatTensor b = null;
      if (layer instanceof ConvSpec c) {
        w = c.weights();
        b = c.bias();
      } else if (layer instanceof DenseSpec d) {
        w = d.weights();
        b = d.bias();
      }
      String name = SourceGenerator.className(layer.name());
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
