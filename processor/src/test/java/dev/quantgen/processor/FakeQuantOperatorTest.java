package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.quantgen.quantize.reference.DynamicQuantizeLinear;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.LayerPass;
import dev.quantgen.training.network.WeightTransform;
import dev.quantgen.training.qat.ActivationFakeQuant;
import dev.quantgen.training.qat.ActivationQuant;
import dev.quantgen.training.qat.BinaryActivation;
import dev.quantgen.training.qat.BinaryWeightTransform;
import dev.quantgen.training.qat.BinaryWeights;
import dev.quantgen.training.qat.IntegerWeightTransform;
import dev.quantgen.training.qat.PerChannelWeightQuant;
import java.lang.reflect.InvocationTargetException;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated fake-quantization operators ({@code <Layer>_<Precision>FakeQuant}) against the
 * runtime's QAT operators and the generated kernels' own quantization, bit for bit, on seeded
 * random weights with ties, all-zero rows, odd sizes and partial INT4 blocks, and on activations
 * with ties, saturation, NaN, infinities and signed zeros.
 */
class FakeQuantOperatorTest {
  private static ClassLoader loader;

  @BeforeAll
  static void compileLayers() {
    Compilation c =
        Compilations.compileWithFakeQuant(
            Compilations.source(
                "A",
                "@Dense(in = 37, out = 5, activation = Activation.RELU)",
                "@Quantize(precision = Precision.INT8)",
                "@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)",
                "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)",
                "public final class A {}"),
            Compilations.source(
                "B",
                "@Dense(in = 33, out = 4)",
                "@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC, perChannel = false,"
                    + " activations = Activations.DYNAMIC)",
                "@Quantize(precision = Precision.INT4, scheme = Scheme.ASYMMETRIC, blockSize = 8,"
                    + " activations = Activations.FLOAT)",
                "@Quantize(precision = Precision.BINARY, perChannel = false)",
                "public final class B {}"),
            Compilations.source(
                "C",
                "@Dense(in = 9, out = 3, bias = false)",
                "@Quantize(precision = Precision.INT4, blockSize = 4, activations = Activations.FLOAT,"
                    + " rounding = Rounding.STOCHASTIC)",
                "@Quantize(precision = Precision.INT8, perChannel = false, activations = Activations.FLOAT)",
                "public final class C {}"),
            Compilations.source(
                "Conv",
                "@Conv2d(inChannels = 4, outChannels = 6, inHeight = 7, inWidth = 7,"
                    + " kernel = 3, groups = 2)",
                "@Quantize(precision = Precision.INT8)",
                "public final class Conv {}"));
    assertThat(c).succeeded();
    assertThat(c).generatedSourceFile("test.A_Int8FakeQuant");
    assertThat(c).generatedSourceFile("test.Conv_Int8FakeQuant");
    loader = Compilations.loader(c);
  }

  // ---- weights: INT8 / INT4 ----

  @Test
  void symmetricPerChannelWeightsEqualTheRuntimeOperatorBitForBit() throws Exception {
    Random random = new Random(6);
    for (int trial = 0; trial < 20; trial++) {
      float[] w = weights(random, 5, 37);
      assertSameTransform(
          PerChannelWeightQuant.nearest(QuantType.INT8),
          op("A_Int8FakeQuant", "nearest"),
          w,
          5,
          37,
          false);
      assertSameTransform(
          PerChannelWeightQuant.nearest(QuantType.INT4),
          op("A_Int4FakeQuant", "nearest"),
          w,
          5,
          37,
          true);
    }
  }

  @Test
  void weightTiesRoundToEven() throws Exception {
    // Row maximum 127 / 16 makes s = 1/16 exactly: 2.5 s -> 2, -2.5 s -> -2, 0.5 s -> 0, 3.5 s ->
    // 4.
    float[] w = new float[5 * 37];
    for (int r = 0; r < 5; r++) {
      w[r * 37] = 127f / 16;
      w[r * 37 + 1] = 2.5f / 16;
      w[r * 37 + 2] = -2.5f / 16;
      w[r * 37 + 3] = 0.5f / 16;
      w[r * 37 + 4] = 3.5f / 16;
    }
    float[] effective = new float[w.length];
    op("A_Int8FakeQuant", "nearest").apply(w, 5, 37, effective, new float[w.length], false);
    assertEquals(2f / 16, effective[1]);
    assertEquals(-2f / 16, effective[2]);
    assertEquals(0f, effective[3]);
    assertEquals(4f / 16, effective[4]);
  }

  @Test
  void stochasticRoundingDrawsAsTheRuntimeAndOnlyWhileTraining() throws Exception {
    Random random = new Random(7);
    WeightTransform generated = op("A_Int4FakeQuant", "stochastic", 42L);
    WeightTransform runtime = PerChannelWeightQuant.stochastic(QuantType.INT4, 42L);
    for (int step = 0; step < 5; step++) {
      float[] w = weights(random, 5, 37);
      assertSameTransform(runtime, generated, w, 5, 37, true);
    }
    float[] w = weights(random, 5, 37);
    float[] evaluation = new float[w.length];
    float[] nearest = new float[w.length];
    generated.apply(w, 5, 37, evaluation, new float[w.length], false);
    op("A_Int4FakeQuant", "nearest").apply(w, 5, 37, nearest, new float[w.length], false);
    assertArrayEquals(nearest, evaluation);
  }

  @Test
  void trainingFactoryFollowsTheAnnotationsRounding() throws Exception {
    float[] w = weights(new Random(8), 3, 9);
    float[] stochastic = new float[w.length];
    float[] configured = new float[w.length];
    op("C_Int4FakeQuant", "stochastic", 5L).apply(w, 3, 9, stochastic, new float[w.length], true);
    op("C_Int4FakeQuant", "training", 5L).apply(w, 3, 9, configured, new float[w.length], true);
    assertArrayEquals(stochastic, configured);
    float[] v = weights(new Random(8), 5, 37);
    float[] halfEven = new float[v.length];
    float[] nearest = new float[v.length];
    op("A_Int4FakeQuant", "training", 5L).apply(v, 5, 37, halfEven, new float[v.length], true);
    op("A_Int4FakeQuant", "nearest").apply(v, 5, 37, nearest, new float[v.length], true);
    assertArrayEquals(nearest, halfEven);
  }

  @Test
  void forwardEqualsTheGeneratedKernelsDequantizedWeightsForEveryScheme() throws Exception {
    Random random = new Random(9);
    String[][] layers = {
      {"A", "Int8", "5", "37"},
      {"A", "Int4", "5", "37"},
      {"B", "Int8", "4", "33"},
      {"B", "Int4", "4", "33"},
      {"C", "Int4", "3", "9"},
      {"C", "Int8", "3", "9"},
    };
    for (String[] l : layers) {
      int rows = Integer.parseInt(l[2]);
      int cols = Integer.parseInt(l[3]);
      QuantizedDenseConfig config =
          (QuantizedDenseConfig)
              loader.loadClass("test." + l[0] + "_" + l[1]).getField("CONFIG").get(null);
      for (int trial = 0; trial < 10; trial++) {
        float[] w = weights(random, rows, cols);
        QuantizedDenseParams params =
            QuantizedDenseParams.prepare(
                l[0],
                DenseWeights.of(cols, rows, w, null),
                config,
                new ActivationParams(0.05f, 3),
                new ActivationParams(0.1f, -7));
        float[] effective = new float[w.length];
        float[] mask = new float[w.length];
        op(l[0] + "_" + l[1] + "FakeQuant", "nearest").apply(w, rows, cols, effective, mask, true);
        int group = config.groupSize(cols);
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < cols; i++) {
            int k = params.scaleIndex(r, i / group);
            float s = params.scales()[k];
            int z = params.zeroPoints()[k];
            float expected = (params.weight(r, i) - z) * s;
            String where = l[0] + "_" + l[1] + " w[" + r + "][" + i + "]";
            assertEquals(
                Float.floatToIntBits(expected),
                Float.floatToIntBits(effective[r * cols + i]),
                where);
            double code = Math.rint(w[r * cols + i] / s) + z;
            boolean inRange = code >= config.weightMin() && code <= config.weightMax();
            assertEquals(inRange ? 1f : 0f, mask[r * cols + i], where + " mask");
          }
        }
      }
    }
  }

  @Test
  void asymmetricScalesAndZeroPointsAreTheKernels() throws Exception {
    float[] w = weights(new Random(10), 4, 33);
    QuantizedDenseConfig config =
        (QuantizedDenseConfig) loader.loadClass("test.B_Int4").getField("CONFIG").get(null);
    QuantizedDenseParams params =
        QuantizedDenseParams.prepare("B", DenseWeights.of(33, 4, w, null), config, null, null);
    Object generated = op("B_Int4FakeQuant", "nearest");
    // 33 inputs in blocks of 8: four full blocks and a partial block of 1 per row.
    assertArrayEquals(
        params.scales(),
        (float[])
            generated
                .getClass()
                .getMethod("scales", float[].class, int.class, int.class)
                .invoke(generated, w, 4, 33));
    assertArrayEquals(
        params.zeroPoints(),
        (int[])
            generated
                .getClass()
                .getMethod("zeroPoints", float[].class, int.class, int.class)
                .invoke(generated, w, 4, 33));
    assertEquals(20, params.scales().length);
  }

  @Test
  void onlySymmetricPerChannelOperatorsRunOnTheStaticIntegerKernels() throws Exception {
    assertTrue(op("A_Int8FakeQuant", "nearest") instanceof IntegerWeightTransform);
    assertEquals(
        QuantType.INT4, ((IntegerWeightTransform) op("A_Int4FakeQuant", "nearest")).type());
    assertFalse(op("B_Int8FakeQuant", "nearest") instanceof IntegerWeightTransform);
    assertFalse(op("C_Int4FakeQuant", "nearest") instanceof IntegerWeightTransform);
  }

  @Test
  void convolutionWeightsAreFakeQuantizedPerFilterAsTheRuntime() throws Exception {
    Class<?> conv = loader.loadClass("test.Conv_Int8FakeQuant");
    assertEquals(6, conv.getField("ROWS").getInt(null));
    assertEquals(2 * 3 * 3, conv.getField("COLS").getInt(null));
    Random random = new Random(11);
    for (int trial = 0; trial < 10; trial++) {
      assertSameTransform(
          PerChannelWeightQuant.nearest(QuantType.INT8),
          op("Conv_Int8FakeQuant", "nearest"),
          weights(random, 6, 18),
          6,
          18,
          false);
    }
  }

  @Test
  void nonFiniteWeightsAndWrongShapesAreRejected() throws Exception {
    float[] w = weights(new Random(12), 5, 37);
    w[40] = Float.NaN;
    WeightTransform op = op("A_Int4FakeQuant", "nearest");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> op.apply(w, 5, 37, new float[w.length], new float[w.length], false));
    assertEquals("w[40]: expected a finite value, got NaN", e.getMessage());
    w[40] = Float.NEGATIVE_INFINITY;
    assertThrows(
        IllegalArgumentException.class,
        () ->
            op("B_BinaryFakeQuant", "new")
                .apply(copy(w, 4 * 33), 4, 33, new float[w.length], new float[w.length], false));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                op.apply(
                    new float[36 * 5], 5, 36, new float[w.length], new float[w.length], false));
    assertEquals(
        "w: expected rows = 5, cols = 37 and at least rows * cols values, got rows = 5, cols = 36, "
            + "length 180",
        e.getMessage());
  }

  // ---- weights: BINARY ----

  @Test
  void binaryWeightsEqualTheRuntimeAndTheKernelsAlphas() throws Exception {
    Random random = new Random(13);
    for (int trial = 0; trial < 10; trial++) {
      float[] w = weights(random, 5, 37);
      w[3] = 0f;
      w[4] = -0f;
      w[5] = 1f; // on the clip: the gradient passes
      w[6] = -1.5f; // beyond it: it does not
      assertSameTransform(new BinaryWeights(), op("A_BinaryFakeQuant", "new"), w, 5, 37, false);
    }
    float[] w = weights(random, 4, 33);
    BinaryWeightTransform perTensor = (BinaryWeightTransform) op("B_BinaryFakeQuant", "new");
    assertFalse(perTensor.perChannel());
    float alpha =
        BinaryDenseParams.prepare(
                DenseWeights.of(33, 4, w, null), false, ActivationMode.FLOAT, Activation.NONE)
            .alpha(0);
    float[] effective = new float[w.length];
    float[] mask = new float[w.length];
    perTensor.apply(w, 4, 33, effective, mask, true);
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i] < 0 ? -alpha : alpha, effective[i]);
      assertEquals(Math.abs(w[i]) <= 1f ? 1f : 0f, mask[i]);
    }
  }

  // ---- activations ----

  @Test
  void staticActivationsEqualTheRuntimeOperatorAndTheKernelsQuantizeDequantize() throws Exception {
    ActivationFakeQuant generated =
        (ActivationFakeQuant)
            loader.loadClass("test.A_Int8FakeQuant").getField("ACTIVATIONS").get(null);
    assertSame(
        generated, loader.loadClass("test.A_Int8FakeQuant").getField("ACTIVATIONS").get(null));
    Random random = new Random(14);
    float[] specials = {
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      0f,
      -0f,
      Float.MIN_VALUE,
      Float.MAX_VALUE,
      -Float.MAX_VALUE
    };
    for (int trial = 0; trial < 20_000; trial++) {
      float scale = trial % 4 == 0 ? 0.25f : 0.001f + random.nextFloat();
      int zero = random.nextInt(256) - 128;
      float x;
      if (trial % 5 == 0) {
        x = specials[trial / 5 % specials.length];
      } else if (trial % 5 == 1) {
        x = (random.nextInt(600) - 300 + 0.5f) * scale; // ties, and codes beyond [-128, 127]
      } else {
        x = (random.nextFloat() - 0.5f) * 400 * scale;
      }
      String at = "x " + x + ", s " + scale + ", z " + zero;
      float y = generated.apply(x, scale, zero);
      assertEquals(
          Float.floatToIntBits(ActivationFakeQuant.INT8.apply(x, scale, zero)),
          Float.floatToIntBits(y),
          at);
      ActivationParams p = new ActivationParams(scale, zero);
      assertEquals(Float.floatToIntBits(p.dequantize(p.quantize(x))), Float.floatToIntBits(y), at);
      assertEquals(
          ActivationFakeQuant.INT8.passes(x, scale, zero), generated.passes(x, scale, zero), at);
      assertEquals(
          Float.floatToIntBits(ActivationFakeQuant.INT8.scaleGradient(x, scale, zero)),
          Float.floatToIntBits(generated.scaleGradient(x, scale, zero)),
          at);
    }
    assertEquals(2f * 0.25f, generated.apply(2.5f * 0.25f, 0.25f, 0));
    assertEquals(-2f * 0.25f, generated.apply(-2.5f * 0.25f, 0.25f, 0));
    assertEquals(127 * 0.25f, generated.apply(1000f, 0.25f, 0));
    assertFalse(generated.passes(1000f, 0.25f, 0));
    assertEquals(0f, generated.apply(Float.NaN, 0.25f, 5));
    assertFalse(generated.passes(Float.NaN, 0.25f, 5));
  }

  @Test
  void aLearnedScaleBoundaryTrainsIdenticallyOnTheGeneratedOperator() throws Exception {
    ActivationFakeQuant generated =
        (ActivationFakeQuant)
            loader.loadClass("test.A_Int8FakeQuant").getField("ACTIVATIONS").get(null);
    ActivationQuant withGenerated = ActivationQuant.learnedScale(37, generated);
    ActivationQuant withRuntime = ActivationQuant.learnedScale(37);
    Random random = new Random(17);
    for (int step = 0; step < 6; step++) {
      float[] x = new float[4 * 37];
      float[] dy = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] =
            (float) random.nextGaussian()
                * (step + 1); // later batches clip at the first batch's range
        dy[i] = (float) random.nextGaussian();
      }
      float[][] results = new float[2][];
      float[][] gradients = new float[2][];
      ActivationQuant[] both = {withRuntime, withGenerated};
      for (int k = 0; k < 2; k++) {
        LayerPass pass = both[k].newPass(4);
        float[] y = pass.forward(x, 4, true).clone();
        float[] dx = pass.backward(dy, 4, true);
        results[k] = concat(y, dx);
        gradients[k] = pass.gradients()[0].clone();
        both[k].parameters().get(0)[0] -= 1e-4f * gradients[k][0]; // a plain SGD step on the scale
        both[k].endStep(java.util.List.of(pass));
      }
      assertArrayEquals(bits(results[0]), bits(results[1]), "step " + step);
      assertArrayEquals(bits(gradients[0]), bits(gradients[1]), "scale gradient, step " + step);
      assertEquals(withRuntime.params(), withGenerated.params());
    }
  }

  @Test
  void dynamicActivationsQuantizeAsDynamicQuantizeLinear() throws Exception {
    var method =
        loader
            .loadClass("test.A_Int4FakeQuant")
            .getMethod(
                "dynamicActivations", float[].class, int.class, float[].class, float[].class);
    Random random = new Random(15);
    for (int trial = 0; trial < 200; trial++) {
      float[] x = new float[3 + 37];
      for (int i = 0; i < x.length; i++) {
        x[i] = trial % 3 == 0 ? random.nextFloat() * 6 : (float) random.nextGaussian() * 3;
      }
      if (trial % 7 == 0) {
        java.util.Arrays.fill(x, 0f); // all zero: scale 1/255, as ONNX's reference
      }
      float[] y = new float[x.length];
      float[] mask = new float[x.length];
      method.invoke(null, x, 3, y, mask);
      float[] row = copyRange(x, 3, 40);
      DynamicQuantizeLinear.Result q =
          DynamicQuantizeLinear.apply(FloatTensor.of(Shape.of(37), row));
      for (int i = 0; i < 37; i++) {
        float expected = (q.y().get(i) - q.zeroPoint()) * q.scale();
        assertEquals(
            Float.floatToIntBits(expected),
            Float.floatToIntBits(y[3 + i]),
            "trial " + trial + " x[" + i + "]");
        assertEquals(1f, mask[3 + i]);
      }
      assertEquals(0f, y[0]);
    }
    InvocationTargetException e =
        assertThrows(
            InvocationTargetException.class,
            () -> method.invoke(null, new float[40], 4, new float[40], new float[40]));
    assertEquals(
        "from: expected a row start in [0, length - 37], got 4; lengths x 40, y 40, mask 40",
        e.getCause().getMessage());
  }

  @Test
  void binaryActivationsEqualTheRuntimeLayer() throws Exception {
    var method =
        loader
            .loadClass("test.A_BinaryFakeQuant")
            .getMethod(
                "binaryActivations",
                float[].class,
                int.class,
                float.class,
                float[].class,
                float[].class);
    Random random = new Random(16);
    float[] x = new float[2 * 37];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    x[0] = 0f;
    x[1] = -0f;
    x[2] = 1f;
    LayerPass pass = new BinaryActivation(37, 1f).newPass(2);
    float[] expected = pass.forward(x, 2, true);
    float[] ones = new float[x.length];
    java.util.Arrays.fill(ones, 1f);
    float[] expectedMask = pass.backward(ones, 2, true);
    float[] y = new float[x.length];
    float[] mask = new float[x.length];
    method.invoke(null, x, 0, 1f, y, mask);
    method.invoke(null, x, 37, 1f, y, mask);
    assertArrayEquals(expected, copyRange(y, 0, y.length));
    assertArrayEquals(expectedMask, mask);
    InvocationTargetException e =
        assertThrows(InvocationTargetException.class, () -> method.invoke(null, x, 0, 0f, y, mask));
    assertEquals("clip: expected a value > 0, got 0.0", e.getCause().getMessage());
  }

  // ---- helpers ----

  /** Random weights with an all-zero row, a negative-only row and a tiny row. */
  private static float[] weights(Random random, int rows, int cols) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * 0.3f;
    }
    if (rows > 2) {
      java.util.Arrays.fill(w, 0, cols, 0f);
      for (int i = cols; i < 2 * cols; i++) {
        w[i] = -Math.abs(w[i]);
      }
      for (int i = 2 * cols; i < 3 * cols; i++) {
        w[i] *= 1e-30f;
      }
    }
    return w;
  }

  private static void assertSameTransform(
      WeightTransform expected,
      WeightTransform actual,
      float[] w,
      int rows,
      int cols,
      boolean training) {
    float[] e1 = new float[w.length];
    float[] m1 = new float[w.length];
    float[] e2 = new float[w.length];
    float[] m2 = new float[w.length];
    expected.apply(w, rows, cols, e1, m1, training);
    actual.apply(w, rows, cols, e2, m2, training);
    for (int i = 0; i < w.length; i++) {
      assertEquals(
          Float.floatToIntBits(e1[i]),
          Float.floatToIntBits(e2[i]),
          "effective[" + i + "] of w " + w[i]);
    }
    assertArrayEquals(m1, m2);
    if (expected instanceof IntegerWeightTransform e
        && actual instanceof IntegerWeightTransform a) {
      assertArrayEquals(e.scales(w, rows, cols), a.scales(w, rows, cols));
    }
  }

  /**
   * A generated operator: {@code factory} is a static method, or {@code "new"} for the constructor.
   */
  private static WeightTransform op(String className, String factory, Object... args) {
    try {
      Class<?> c = loader.loadClass("test." + className);
      if (factory.equals("new")) {
        return (WeightTransform) c.getConstructor().newInstance();
      }
      Class<?>[] types = new Class<?>[args.length];
      java.util.Arrays.fill(types, long.class);
      return (WeightTransform) c.getMethod(factory, types).invoke(null, args);
    } catch (InvocationTargetException e) {
      throw new AssertionError(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new LinkageError(e.getMessage(), e);
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static int[] bits(float[] values) {
    int[] b = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = Float.floatToRawIntBits(values[i]);
    }
    return b;
  }

  private static float[] copy(float[] a, int n) {
    return java.util.Arrays.copyOf(a, n);
  }

  private static float[] copyRange(float[] a, int from, int to) {
    return java.util.Arrays.copyOfRange(a, from, to);
  }
}
