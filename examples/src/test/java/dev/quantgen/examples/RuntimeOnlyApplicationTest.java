package dev.quantgen.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import dev.quantgen.runtime.numerics.Activation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an application that only runs a model ships: the runtime jar and the classes javac generated
 * for its {@code @Model}. A {@code .qgen} written by post-training quantization is loaded and run
 * on the generated kernels by a class loader that sees nothing else (not the annotations, not the
 * quantization or training modules, not this test's class path), and gives the same outputs, bit
 * for bit, as the same model run in this JVM.
 */
class RuntimeOnlyApplicationTest {
  @TempDir Path dir;

  @Test
  void aSavedModelRunsOnTheRuntimeAndTheGeneratedClassesAlone() throws Exception {
    Path file = dir.resolve("mlp.qgen");
    QuantizedModelFiles.save(int8FashionMlp(), file);
    float[] x = new float[784];
    Random r = new Random(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    QuantizedModel here = QuantizedModelFiles.load(file, FashionMlp_Model.kernels());
    assertTrue(here.allGenerated(), here.kernelNames().toString());
    float[] expected = new InferenceSession(here, 1).run(x);

    URL runtime = InferenceSession.class.getProtectionDomain().getCodeSource().getLocation();
    URL generated = FashionMlp_Model.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader app =
        new URLClassLoader(new URL[] {runtime, generated}, ClassLoader.getPlatformClassLoader())) {
      Class<?> files = app.loadClass(QuantizedModelFiles.class.getName());
      Class<?> kernelsType = app.loadClass(GeneratedKernels.class.getName());
      Class<?> modelType = app.loadClass(QuantizedModel.class.getName());
      Object kernels =
          app.loadClass(FashionMlp_Model.class.getName()).getMethod("kernels").invoke(null);
      Object model = files.getMethod("load", Path.class, kernelsType).invoke(null, file, kernels);
      assertEquals(true, modelType.getMethod("allGenerated").invoke(model));
      Class<?> sessionType = app.loadClass(InferenceSession.class.getName());
      Constructor<?> newSession = sessionType.getConstructor(modelType, int.class);
      Object session = newSession.newInstance(model, 1);
      Method run = sessionType.getMethod("run", float[].class);
      float[] actual = (float[]) run.invoke(session, (Object) x);
      assertArrayEquals(bits(expected), bits(actual));

      for (String absent :
          List.of(
              "dev.quantgen.annotations.Precision",
              PostTrainingQuantizer.class.getName(),
              "dev.quantgen.training.qat.FakeQuant")) {
        assertThrows(ClassNotFoundException.class, () -> app.loadClass(absent), absent);
      }
    }
  }

  /**
   * Random weights in the shape of the Fashion MLP (784-256-128-10), quantized to INT8 on random
   * inputs.
   */
  private static QuantizedModel int8FashionMlp() {
    int[] sizes = {784, 256, 128, 10};
    Random r = new Random(7);
    List<FloatLayer> layers = new ArrayList<>();
    for (int l = 0; l + 1 < sizes.length; l++) {
      float[] w = new float[sizes[l] * sizes[l + 1]];
      float[] b = new float[sizes[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (r.nextGaussian() / Math.sqrt(sizes[l]));
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (0.1 * r.nextGaussian());
      }
      Activation act = l + 2 < sizes.length ? Activation.RELU : Activation.NONE;
      layers.add(
          new FloatLayer("fc" + (l + 1), DenseWeights.of(sizes[l], sizes[l + 1], w, b), act));
    }
    float[] samples = new float[64 * 784];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = r.nextFloat();
    }
    return PostTrainingQuantizer.quantize(
        FloatModel.of(layers), PtqConfig.of(Precision.INT8), samples, 64);
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
