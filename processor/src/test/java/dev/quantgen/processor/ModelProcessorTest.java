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
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

class ModelProcessorTest {
  private static final JavaFileObject HIDDEN =
      source(
          "Hidden",
          "@Dense(in = 20, out = 9, activation = Activation.RELU)",
          "@Quantize(precision = Precision.INT8)",
          "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT)",
          "public final class Hidden {}");
  private static final JavaFileObject OUTPUT =
      source(
          "Output",
          "@Dense(in = 9, out = 4)",
          "@Quantize(precision = Precision.INT8)",
          "public final class Output {}");

  @Test
  void emptyModelIsRejected() {
    JavaFileObject model = source("Empty", "@Model(", "    layers = {})", "interface Empty {}");
    Compilation c = compile(model);
    assertThat(c)
        .hadErrorContaining("[QuantizeEmptyModel]")
        .inFile(model)
        .onLineContaining("layers = {}");
  }

  @Test
  void aListedClassWithoutLayerAnnotationIsNotALayer() {
    JavaFileObject plain = source("Plain", "final class Plain {}");
    JavaFileObject model = source("M", "@Model(", "    layers = {Plain.class})", "interface M {}");
    assertThat(compile(plain, model))
        .hadErrorContaining("[QuantizeNotALayer] layers[0] = Plain")
        .inFile(model)
        .onLineContaining("layers = {Plain.class}");
  }

  @Test
  void aConvolutionOutputMustBeFlattenedBeforeADenseLayer() {
    JavaFileObject conv =
        source(
            "Conv",
            "@Conv2d(inChannels = 1, outChannels = 2, inHeight = 4, inWidth = 4, kernel = 3)",
            "final class Conv {}");
    JavaFileObject dense = source("Head", "@Dense(in = 8, out = 3)", "final class Head {}");
    JavaFileObject model =
        source("M", "@Model(", "    layers = {Conv.class, Head.class})", "interface M {}");
    assertThat(compile(conv, dense, model))
        .hadErrorContaining(
            "layers[1] = Head takes input [8], but layers[0] = Conv " + "produces [2, 2, 2]")
        .inFile(model)
        .onLineContaining("layers = {Conv.class, Head.class}");
  }

  @Test
  void spatialShapesMustChain() {
    JavaFileObject conv =
        source(
            "Conv",
            "@Conv2d(inChannels = 1, outChannels = 2, inHeight = 4, inWidth = 4, kernel = 3)",
            "final class Conv {}");
    JavaFileObject pool =
        source(
            "Pool",
            "@MaxPool2d(channels = 3, inHeight = 2, inWidth = 2, kernel = 2)",
            "final class Pool {}");
    JavaFileObject model =
        source("M", "@Model(", "    layers = {Conv.class, Pool.class})", "interface M {}");
    assertThat(compile(conv, pool, model))
        .hadErrorContaining(
            "[QuantizeShapeMismatch] layers[1] = Pool takes input "
                + "[3, 2, 2], but layers[0] = Conv produces [2, 2, 2]");
  }

  @Test
  void convolutionModelsWireConvPoolFlattenAndDense() {
    JavaFileObject conv =
        source(
            "Conv",
            "@Conv2d(inChannels = 1, outChannels = 2, inHeight = 4, inWidth = 4, kernel = 3)",
            "@Quantize(precision = Precision.INT8)",
            "final class Conv {}");
    JavaFileObject pool =
        source(
            "Pool",
            "@MaxPool2d(channels = 2, inHeight = 2, inWidth = 2, kernel = 2)",
            "final class Pool {}");
    JavaFileObject flat =
        source("Flat", "@Flatten(channels = 2, height = 1, width = 1)", "final class Flat {}");
    JavaFileObject dense =
        source(
            "Head",
            "@Dense(in = 2, out = 3)",
            "@Quantize(precision = Precision.INT8)",
            "final class Head {}");
    JavaFileObject model =
        source(
            "M",
            "@Model(layers = {Conv.class, Pool.class, Flat.class, Head.class})",
            "interface M {}");
    Compilation c = compile(conv, pool, flat, dense, model);
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("test.M_Model");
  }

  @Test
  void convolutionModelsRunTheirDefaultVariants() throws Exception {
    JavaFileObject int4 =
        source(
            "Conv",
            "@Conv2d(inChannels = 1, outChannels = 3, inHeight = 5, inWidth = 5, kernel = 3, padding = 1, "
                + "activation = Activation.RELU)",
            "@Quantize(precision = Precision.INT4)",
            "@Quantize(precision = Precision.FP16)",
            "public final class Conv {}");
    JavaFileObject half =
        source(
            "Half",
            "@Conv2d(inChannels = 3, outChannels = 2, inHeight = 5, inWidth = 5, kernel = 3, stride = 2)",
            "@Quantize(precision = Precision.FP16)",
            "public final class Half {}");
    JavaFileObject flat =
        source(
            "Flat", "@Flatten(channels = 2, height = 2, width = 2)", "public final class Flat {}");
    JavaFileObject dense =
        source(
            "Head",
            "@Dense(in = 8, out = 3)",
            "@Quantize(precision = Precision.BINARY)",
            "public final class Head {}");
    JavaFileObject model =
        source(
            "M",
            "@Model(layers = {Conv.class, Half.class, Flat.class, Head.class})",
            "public interface M {}");
    Compilation c = compile(int4, half, flat, dense, model);
    assertThat(c).succeeded();
    ClassLoader loader = Compilations.loader(c);
    Class<?> modelClass = loader.loadClass("test.M_Model");
    Random random = new Random(11);
    java.util.Map<String, FloatTensor> weights = new java.util.HashMap<>();
    weights.put("Conv.weight", gaussian(random, Shape.of(3, 1, 3, 3)));
    weights.put("Conv.bias", gaussian(random, Shape.of(3)));
    weights.put("Half.weight", gaussian(random, Shape.of(2, 3, 3, 3)));
    weights.put("Half.bias", gaussian(random, Shape.of(2)));
    weights.put("Head.weight", gaussian(random, Shape.of(3, 8)));
    weights.put("Head.bias", gaussian(random, Shape.of(3)));
    float[] x = gaussian(random, Shape.of(25)).toArray();

    // Floats: the static INT4 convolution runs FP32, then the FP16 convolution and the BINARY dense
    // layer.
    Object floats = modelClass.getMethod("floats", java.util.Map.class).invoke(null, weights);
    float[][] trace =
        (float[][]) floats.getClass().getMethod("trace", float[].class).invoke(floats, x);
    float[] conv = new float[75];
    Class<?> fp32 = loader.loadClass("test.Conv_Fp32");
    fp32.getMethod("forward", float[].class, float[].class)
        .invoke(
            fp32.getConstructor(FloatTensor.class, FloatTensor.class)
                .newInstance(weights.get("Conv.weight"), weights.get("Conv.bias")),
            x,
            conv);
    assertArrayEquals(conv, trace[0]);
    float[] halfOut = new float[8];
    Class<?> fp16 = loader.loadClass("test.Half_Fp16");
    fp16.getMethod("forward", float[].class, float[].class)
        .invoke(
            fp16.getConstructor(FloatTensor.class, FloatTensor.class)
                .newInstance(weights.get("Half.weight"), weights.get("Half.bias")),
            conv,
            halfOut);
    assertArrayEquals(halfOut, trace[1]);
    float[] head = new float[3];
    Class<?> binary = loader.loadClass("test.Head_Binary");
    Object headKernel =
        binary
            .getMethod(
                "prepare", DenseWeights.class, ActivationParams.class, ActivationParams.class)
            .invoke(
                null,
                DenseWeights.of(
                    8, 3, weights.get("Head.weight").toArray(), weights.get("Head.bias").toArray()),
                null,
                null);
    binary.getMethod("forward", float[].class, float[].class).invoke(headKernel, halfOut, head);
    assertArrayEquals(head, trace[3]);

    // forward(x, y), Floats and Fp32: per-thread buffers, the last layer into y; the trace's output
    // bit for bit,
    // twice (the buffers reused)
    Object fp32Model = modelClass.getMethod("fp32", java.util.Map.class).invoke(null, weights);
    float[] fp32Out =
        ((float[][]) fp32Model.getClass().getMethod("trace", float[].class).invoke(fp32Model, x))
            [3];
    for (int k = 0; k < 2; k++) {
      float[] y = new float[3];
      floats.getClass().getMethod("forward", float[].class, float[].class).invoke(floats, x, y);
      assertArrayEquals(trace[3], y);
      fp32Model
          .getClass()
          .getMethod("forward", float[].class, float[].class)
          .invoke(fp32Model, x, y);
      assertArrayEquals(fp32Out, y);
      assertArrayEquals(
          fp32Out,
          (float[]) fp32Model.getClass().getMethod("forward", float[].class).invoke(fp32Model, x));
    }

    // Int8: the INT4 convolution keeps int8 activations, equal to its kernel on the calibrated
    // params.
    Object int8 =
        modelClass
            .getMethod("calibrate", java.util.Map.class, Iterable.class)
            .invoke(null, weights, List.of(x));
    @SuppressWarnings("unchecked")
    List<ActivationParams> params =
        (List<ActivationParams>) int8.getClass().getMethod("params").invoke(int8);
    byte[][] quantized =
        (byte[][]) int8.getClass().getMethod("traceQuantized", float[].class).invoke(int8, x);
    Class<?> int4Kernel = loader.loadClass("test.Conv_Int4");
    Object k =
        int4Kernel
            .getMethod(
                "prepare",
                FloatTensor.class,
                FloatTensor.class,
                ActivationParams.class,
                ActivationParams.class)
            .invoke(
                null,
                weights.get("Conv.weight"),
                weights.get("Conv.bias"),
                params.get(0),
                params.get(1));
    byte[] qx = new byte[25];
    for (int i = 0; i < qx.length; i++) {
      qx[i] = (byte) params.get(0).quantize(x[i]);
    }
    byte[] qy = new byte[75];
    int4Kernel.getMethod("forwardQuantized", byte[].class, byte[].class).invoke(k, qx, qy);
    assertArrayEquals(qy, quantized[0]);

    // forwardBatch: each sample equals forward(x, y) bit for bit, for a batch of 3 (one thread)
    // and one of 1200 x 915 multiply-adds (past Rows.MIN_PARALLEL_MACS: split across cores); the
    // FP32 model's dense head sums a batch on packed panels (another order), so there each output
    // is within 2 gamma(8) sum |w h| (h the flattened input the trace gives) plus the bias rounding
    assertEquals(675L + 216 + 24, modelClass.getField("MACS").getLong(null));
    for (Object form : List.of(fp32Model, floats, int8)) {
      for (int batch : new int[] {3, 1200}) {
        float[] xs = new float[batch * 25];
        for (int i = 0; i < xs.length; i++) {
          xs[i] = (float) random.nextGaussian();
        }
        float[] ys = new float[batch * 3];
        form.getClass()
            .getMethod("forwardBatch", float[].class, float[].class, int.class)
            .invoke(form, xs, ys, batch);
        for (int b = 0; b < batch; b++) {
          float[] y = new float[3];
          form.getClass()
              .getMethod("forward", float[].class, float[].class)
              .invoke(form, java.util.Arrays.copyOfRange(xs, b * 25, (b + 1) * 25), y);
          float[] got = java.util.Arrays.copyOfRange(ys, b * 3, (b + 1) * 3);
          String where = form.getClass().getSimpleName() + " sample " + b + " of " + batch;
          if (form != fp32Model) {
            assertArrayEquals(y, got, where);
            continue;
          }
          float[][] sampleTrace =
              (float[][])
                  form.getClass()
                      .getMethod("trace", float[].class)
                      .invoke(form, java.util.Arrays.copyOfRange(xs, b * 25, (b + 1) * 25));
          float[] h = sampleTrace[2];
          float[] w = weights.get("Head.weight").toArray();
          double u = 0x1.0p-24;
          double gamma = 8 * u / (1 - 8 * u);
          for (int o = 0; o < 3; o++) {
            double magnitude = 0;
            for (int i = 0; i < 8; i++) {
              magnitude += Math.abs((double) w[o * 8 + i] * h[i]);
            }
            double tol = 2 * gamma * magnitude + 4 * Math.ulp(Math.abs(y[o])) + Float.MIN_NORMAL;
            assertTrue(Math.abs(y[o] - got[o]) <= tol, where + " output " + o);
          }
        }
      }
    }
  }

  /**
   * A convolution followed by a 2x2 stride-2 max pool runs as one fused call in {@code forward}
   * (odd 7x9 output: the last row and column belong to no window); the result equals the
   * layer-by-layer trace bit for bit, FP32 and static INT8, over several samples.
   */
  @Test
  void convolutionThenMaxPoolRunsFusedAndEqualsTheTrace() throws Exception {
    JavaFileObject conv =
        source(
            "Conv",
            "@Conv2d(inChannels = 2, outChannels = 5, inHeight = 7, inWidth = 9, kernel = 3, padding = 1, "
                + "activation = Activation.RELU)",
            "@Quantize(precision = Precision.INT8)",
            "public final class Conv {}");
    JavaFileObject pool =
        source(
            "Pool",
            "@MaxPool2d(channels = 5, inHeight = 7, inWidth = 9, kernel = 2, stride = 2)",
            "public final class Pool {}");
    JavaFileObject flat =
        source(
            "Flat", "@Flatten(channels = 5, height = 3, width = 4)", "public final class Flat {}");
    JavaFileObject dense =
        source(
            "Head",
            "@Dense(in = 60, out = 3)",
            "@Quantize(precision = Precision.INT8)",
            "public final class Head {}");
    JavaFileObject model =
        source(
            "M",
            "@Model(layers = {Conv.class, Pool.class, Flat.class, Head.class})",
            "public interface M {}");
    Compilation c = compile(conv, pool, flat, dense, model);
    assertThat(c).succeeded();
    String generated =
        c.generatedSourceFile("test.M_Model").orElseThrow().getCharContent(true).toString();
    assertTrue(generated.contains(".forwardMaxPool2(x, "), generated);
    assertTrue(generated.contains(".forwardQuantizedMaxPool2(a, "), generated);
    ClassLoader loader = Compilations.loader(c);
    Class<?> modelClass = loader.loadClass("test.M_Model");
    Random random = new Random(13);
    java.util.Map<String, FloatTensor> weights = new java.util.HashMap<>();
    weights.put("Conv.weight", gaussian(random, Shape.of(5, 2, 3, 3)));
    weights.put("Conv.bias", gaussian(random, Shape.of(5)));
    weights.put("Head.weight", gaussian(random, Shape.of(3, 60)));
    weights.put("Head.bias", gaussian(random, Shape.of(3)));
    List<float[]> samples = new java.util.ArrayList<>();
    for (int s = 0; s < 3; s++) {
      samples.add(gaussian(random, Shape.of(126)).toArray());
    }
    Object fp32 = modelClass.getMethod("fp32", java.util.Map.class).invoke(null, weights);
    Object int8 =
        modelClass
            .getMethod("calibrate", java.util.Map.class, Iterable.class)
            .invoke(null, weights, samples);
    @SuppressWarnings("unchecked")
    List<ActivationParams> params =
        (List<ActivationParams>) int8.getClass().getMethod("params").invoke(int8);
    for (float[] x : samples) {
      float[][] trace =
          (float[][]) fp32.getClass().getMethod("trace", float[].class).invoke(fp32, x);
      float[] y = new float[3];
      fp32.getClass().getMethod("forward", float[].class, float[].class).invoke(fp32, x, y);
      assertArrayEquals(trace[3], y);
      byte[][] quantized =
          (byte[][]) int8.getClass().getMethod("traceQuantized", float[].class).invoke(int8, x);
      int8.getClass().getMethod("forward", float[].class, float[].class).invoke(int8, x, y);
      for (int i = 0; i < 3; i++) {
        assertEquals(params.get(4).dequantize(quantized[3][i]), y[i], 0.0f, "int8 output " + i);
      }
    }
  }

  private static FloatTensor gaussian(Random random, Shape shape) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FloatTensor.of(shape, v);
  }

  @Test
  void consecutiveShapesThatDoNotChainAreAShapeMismatch() {
    JavaFileObject model =
        source("M", "@Model(", "    layers = {Output.class, Hidden.class})", "interface M {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c)
        .hadErrorContaining(
            "[QuantizeShapeMismatch] layers[1] = Hidden has in = 20, but layers[0] = "
                + "Output has out = 4")
        .inFile(model)
        .onLineContaining("layers = {Output.class, Hidden.class}");
  }

  @Test
  void aLayerWithErrorsStopsTheModel() {
    JavaFileObject bad = source("Bad", "@Dense(in = 0, out = 2)", "final class Bad {}");
    JavaFileObject model = source("M", "@Model(", "    layers = {Bad.class})", "interface M {}");
    assertThat(compile(bad, model))
        .hadErrorContaining("[QuantizeInvalidLayer]")
        .inFile(model)
        .onLineContaining("layers = {Bad.class}");
  }

  @Test
  void generatedModelRunsEveryPrecisionChoiceAndKeepsInt8BetweenStaticLayers() throws Exception {
    JavaFileObject model =
        source("Mlp", "@Model(layers = {Hidden.class, Output.class})", "public interface Mlp {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c).succeeded();
    Class<?> modelClass = Compilations.loader(c).loadClass("test.Mlp_Model");
    Random random = new Random(3);
    List<DenseWeights> weights = List.of(weights(random, 20, 9), weights(random, 9, 4));
    List<ActivationParams> boundaries =
        List.of(
            ActivationParams.fromRange(-3, 3),
            ActivationParams.fromRange(0, 4),
            ActivationParams.fromRange(-5, 5));
    float[] x = new float[20];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }

    Object defaults = build(builder(modelClass), weights, boundaries);
    assertEquals(
        List.of(Precision.INT8, Precision.INT8),
        modelClass.getMethod("precisions").invoke(defaults));
    float[] y = new float[4];
    modelClass.getMethod("forward", float[].class, float[].class).invoke(defaults, x, y);
    // The chained int8 path equals running the two layers one by one through float, since the
    // boundary params are shared: dequantize(quantize(dequantize(q))) is the identity on int8.
    float[][] trace = (float[][]) modelClass.getMethod("trace", float[].class).invoke(defaults, x);
    assertArrayEquals(trace[1], y);

    Object mixed = builder(modelClass);
    mixed.getClass().getMethod("hidden", Precision.class).invoke(mixed, Precision.INT4);
    Object built = build(mixed, weights, boundaries);
    assertEquals(
        List.of(Precision.INT4, Precision.INT8), modelClass.getMethod("precisions").invoke(built));

    Object fp32 = builder(modelClass);
    fp32.getClass().getMethod("allLayers", Precision.class).invoke(fp32, Precision.FP32);
    Object baseline = fp32.getClass().getMethod("build", List.class).invoke(fp32, weights);
    modelClass.getMethod("forward", float[].class, float[].class).invoke(baseline, x, y);

    Object binary = builder(modelClass);
    InvocationTargetException e =
        assertThrows(
            InvocationTargetException.class,
            () ->
                binary
                    .getClass()
                    .getMethod("allLayers", Precision.class)
                    .invoke(binary, Precision.BINARY));
    assertEquals(
        "precision of hidden: expected one of FP32, INT8, INT4, got BINARY",
        e.getCause().getMessage());

    Object noCalibration = builder(modelClass);
    InvocationTargetException missing =
        assertThrows(
            InvocationTargetException.class,
            () ->
                noCalibration
                    .getClass()
                    .getMethod("build", List.class)
                    .invoke(noCalibration, weights));
    assertTrue(
        missing.getCause().getMessage().startsWith("activation params for Hidden"),
        missing.getCause().getMessage());
  }

  @Test
  void generatedKernelsAnswerByLayerIndexWithTheVariantWhoseConfigurationMatches()
      throws Exception {
    JavaFileObject model =
        source("Mlp", "@Model(layers = {Hidden.class, Output.class})", "public interface Mlp {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c).succeeded();
    ClassLoader loader = Compilations.loader(c);
    GeneratedKernels kernels =
        (GeneratedKernels) loader.loadClass("test.Mlp_Model").getMethod("kernels").invoke(null);
    assertEquals("test.Mlp", kernels.modelName());
    assertEquals(2, kernels.layers());
    Random random = new Random(5);
    DenseWeights hidden = weights(random, 20, 9);
    DenseWeights output = weights(random, 9, 4);
    ActivationParams a = ActivationParams.fromRange(-3, 3);
    ActivationParams b = ActivationParams.fromRange(0, 4);

    assertEquals("Hidden_Fp32", name(kernels.fp32(0, hidden, Activation.RELU)));
    assertEquals("Output_Fp32", name(kernels.fp32(1, output, Activation.NONE)));
    assertTrue(kernels.fp32(0, hidden, Activation.RELU6).isEmpty(), "another activation");
    assertTrue(kernels.fp32(1, hidden, Activation.NONE).isEmpty(), "another shape");

    QuantizedDenseConfig int8 =
        (QuantizedDenseConfig) loader.loadClass("test.Hidden_Int8").getField("CONFIG").get(null);
    QuantizedDenseConfig int4 =
        (QuantizedDenseConfig) loader.loadClass("test.Hidden_Int4").getField("CONFIG").get(null);
    assertEquals(
        "Hidden_Int8",
        name(kernels.quantized(0, QuantizedDenseParams.prepare("Hidden", hidden, int8, a, b))));
    assertEquals(
        "Hidden_Int4",
        name(kernels.quantized(0, QuantizedDenseParams.prepare("Hidden", hidden, int4, a, b))));
    QuantizedDenseConfig perTensor =
        new QuantizedDenseConfig(
            int8.weightType(),
            int8.symmetric(),
            false,
            int8.blockSize(),
            int8.mode(),
            int8.requantization(),
            int8.activation());
    assertTrue(
        kernels
            .quantized(0, QuantizedDenseParams.prepare("Hidden", hidden, perTensor, a, b))
            .isEmpty(),
        "no per-tensor INT8 variant was generated");
    assertTrue(
        kernels.quantized(1, QuantizedDenseParams.prepare("Output", output, int4, a, b)).isEmpty(),
        "Output has no INT4 variant");
    assertTrue(kernels.fp16(0, Fp16DenseParams.prepare(hidden, Activation.RELU)).isEmpty());
    assertTrue(
        kernels
            .binary(
                1, BinaryDenseParams.prepare(output, true, ActivationMode.FLOAT, Activation.NONE))
            .isEmpty());

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> kernels.fp32(2, output, Activation.NONE));
    assertEquals("layer: expected 0 to 1, got 2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> kernels.binary(-1, null));
    assertEquals("layer: expected 0 to 1, got -1", e.getMessage());
  }

  @Test
  void generatedKernelsDescribeWhatEachVariantAcceptsInTheRuntimesWords() throws Exception {
    JavaFileObject model =
        source("Mlp", "@Model(layers = {Hidden.class, Output.class})", "public interface Mlp {}");
    Compilation c = compile(HIDDEN, OUTPUT, model);
    assertThat(c).succeeded();
    ClassLoader loader = Compilations.loader(c);
    GeneratedKernels kernels =
        (GeneratedKernels) loader.loadClass("test.Mlp_Model").getMethod("kernels").invoke(null);
    Random random = new Random(5);
    DenseWeights hidden = weights(random, 20, 9);
    ActivationParams a = ActivationParams.fromRange(-3, 3);
    ActivationParams b = ActivationParams.fromRange(0, 4);
    QuantizedDenseConfig int8 =
        (QuantizedDenseConfig) loader.loadClass("test.Hidden_Int8").getField("CONFIG").get(null);
    QuantizedDenseConfig int4 =
        (QuantizedDenseConfig) loader.loadClass("test.Hidden_Int4").getField("CONFIG").get(null);

    // Each line is the class name, then what PreparedLayer.describe() says of the parameters it
    // accepts.
    assertEquals(
        List.of(
            "Hidden_Fp32: " + new PreparedLayer.Fp32("h", hidden, Activation.RELU).describe(),
            "Hidden_Int8: "
                + new PreparedLayer.Quantized(
                        "h", QuantizedDenseParams.prepare("h", hidden, int8, a, b))
                    .describe(),
            "Hidden_Int4: "
                + new PreparedLayer.Quantized(
                        "h", QuantizedDenseParams.prepare("h", hidden, int4, a, b))
                    .describe()),
        kernels.variants(0));
    assertEquals(
        "Hidden_Int8: int8 symmetric per-channel static (integer requantization), 20 -> 9, bias,"
            + " activation RELU",
        kernels.variants(0).get(1));
    assertEquals(2, kernels.variants(1).size(), "Output: FP32 and INT8");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> kernels.variants(2));
    assertEquals("layer: expected 0 to 1, got 2", e.getMessage());
  }

  private static String name(Optional<DenseLayer> kernel) {
    return kernel.orElseThrow().getClass().getSimpleName();
  }

  private static Object builder(Class<?> model) throws Exception {
    return model.getMethod("builder").invoke(null);
  }

  private static Object build(Object builder, List<DenseWeights> w, List<ActivationParams> b)
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
}
