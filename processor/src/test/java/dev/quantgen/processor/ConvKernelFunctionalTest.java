package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.quantgen.runtime.conv.AvgPool2d;
import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.MaxPool2d;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Compiles convolution and pooling layers of odd shapes (depthwise, grouped, stride 2, dilation 2,
 * SAME padding with an odd total pad, 1x1, no bias, ReLU and ReLU6) and checks the generated
 * kernels against the runtime references on seeded random weights and inputs: FP32 convolutions
 * within the reassociation bound (they run on the blocked kernel, which sums in another order with
 * fused multiply-adds), pooling bit for bit, INT8 convolutions bit for bit in both requantization
 * modes.
 */
class ConvKernelFunctionalTest {
  /** One convolution: its annotation and the runtime window and groups it means. */
  record Conv(
      String name,
      String annotation,
      int c,
      int h,
      int w,
      int m,
      int kh,
      int kw,
      Window2d window,
      int groups,
      boolean bias,
      Activation activation,
      boolean onnx) {}

  private static final List<Conv> CONVS =
      List.of(
          new Conv(
              "Plain",
              "inChannels = 3, outChannels = 5, inHeight = 7, inWidth = 9, kernel = 3",
              3,
              7,
              9,
              5,
              3,
              3,
              Window2d.of(3, 3),
              1,
              true,
              Activation.NONE,
              false),
          new Conv(
              "Depthwise",
              "inChannels = 4, outChannels = 4, inHeight = 6, inWidth = 5, kernel = 3, groups = 4, "
                  + "padding = 1, activation = Activation.RELU",
              4,
              6,
              5,
              4,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              4,
              true,
              Activation.RELU,
              false),
          new Conv(
              "Strided",
              "inChannels = 2, outChannels = 6, inHeight = 11, inWidth = 10, kernel = {3, 2}, "
                  + "stride = 2, groups = 2, bias = false",
              2,
              11,
              10,
              6,
              3,
              2,
              Window2d.of(3, 2).withStrides(2, 2),
              2,
              false,
              Activation.NONE,
              false),
          new Conv(
              "Dilated",
              "inChannels = 3, outChannels = 2, inHeight = 13, inWidth = 12, kernel = 3, dilation = 2, "
                  + "padding = {2, 1}, activation = Activation.RELU6",
              3,
              13,
              12,
              2,
              3,
              3,
              Window2d.of(3, 3).withDilations(2, 2).withPads(2, 1, 2, 1),
              1,
              true,
              Activation.RELU6,
              false),
          new Conv(
              "Same",
              "inChannels = 1, outChannels = 3, inHeight = 8, inWidth = 7, kernel = {4, 5}, stride = {1, 2}, "
                  + "paddingMode = Padding.SAME, activation = Activation.RELU",
              1,
              8,
              7,
              3,
              4,
              5,
              Window2d.of(4, 5).withStrides(1, 2).withPadMode(PadMode.SAME_UPPER),
              1,
              true,
              Activation.RELU,
              true),
          new Conv(
              "Pointwise",
              "inChannels = 17, outChannels = 3, inHeight = 1, inWidth = 1, kernel = 1",
              17,
              1,
              1,
              3,
              1,
              1,
              Window2d.of(1, 1),
              1,
              true,
              Activation.NONE,
              false),
          // one input channel per group: the per-channel kernel, rows long enough for its vectors
          new Conv(
              "FirstLayer",
              "inChannels = 1, outChannels = 4, inHeight = 9, inWidth = 37, kernel = 3, padding = 1, "
                  + "activation = Activation.RELU",
              1,
              9,
              37,
              4,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              1,
              true,
              Activation.RELU,
              false),
          new Conv(
              "DepthwiseWide",
              "inChannels = 3, outChannels = 3, inHeight = 5, inWidth = 19, kernel = {3, 5}, "
                  + "stride = {2, 1}, groups = 3, padding = {1, 2}",
              3,
              5,
              19,
              3,
              3,
              5,
              Window2d.of(3, 5).withStrides(2, 1).withPads(1, 2, 1, 2),
              3,
              true,
              Activation.NONE,
              false),
          // fan-in 603 > 512: the static INT8 kernel keeps im2col and the int8 matrix product
          // (float sums not exact)
          new Conv(
              "Wide",
              "inChannels = 67, outChannels = 5, inHeight = 4, inWidth = 5, kernel = 3, padding = 1, "
                  + "activation = Activation.RELU",
              67,
              4,
              5,
              5,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              1,
              true,
              Activation.RELU,
              false),
          // CLIP bounds on ties of the int8 test's output grid (scale 0.05, zero point 3):
          // -0.125 / 0.05 = -2.5 rounds to -2 (code 1), 0.175 / 0.05 = 3.5 to 4 (code 7)
          new Conv(
              "ClipTies",
              "inChannels = 4, outChannels = 4, inHeight = 6, inWidth = 5, kernel = 3, groups = 2, "
                  + "padding = 1, activation = Activation.CLIP, clipMin = -0.125f, clipMax = 0.175f",
              4,
              6,
              5,
              4,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              2,
              true,
              Activation.clip(-0.125f, 0.175f),
              false),
          // a lower bound far below the output range (its code saturates at -128), ONNX rounding
          new Conv(
              "ClipWide",
              "inChannels = 67, outChannels = 5, inHeight = 4, inWidth = 5, kernel = 3, padding = 1, "
                  + "activation = Activation.CLIP, clipMin = -1000f, clipMax = 0.3f",
              67,
              4,
              5,
              5,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              1,
              true,
              Activation.clip(-1000f, 0.3f),
              true));

  private static ClassLoader loader;

  @BeforeAll
  static void compileLayers() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Conv c : CONVS) {
      sources.add(
          Compilations.source(
              c.name(),
              "@Conv2d(" + c.annotation() + ")",
              "@Quantize(precision = Precision.INT8"
                  + (c.onnx() ? ", requantization = Requantization.FLOAT" : "")
                  + ")",
              "public final class " + c.name() + " {}"));
    }
    sources.add(
        Compilations.source(
            "Max",
            "@MaxPool2d(channels = 3, inHeight = 7, inWidth = 8, kernel = {3, 2}, "
                + "stride = 2, padding = 1)",
            "public final class Max {}"));
    sources.add(
        Compilations.source(
            "Avg",
            "@AvgPool2d(channels = 2, inHeight = 5, inWidth = 6, kernel = 3, "
                + "paddingMode = Padding.SAME)",
            "public final class Avg {}"));
    // windows inside the input (no padding): the unclipped loop
    sources.add(
        Compilations.source(
            "MaxInside",
            "@MaxPool2d(channels = 3, inHeight = 7, inWidth = 9, kernel = 2, " + "stride = 2)",
            "public final class MaxInside {}"));
    sources.add(
        Compilations.source(
            "AvgInside",
            "@AvgPool2d(channels = 2, inHeight = 5, inWidth = 8, kernel = {2, 3}, "
                + "stride = {1, 2})",
            "public final class AvgInside {}"));
    Compilation compilation = Compilations.compile(sources);
    assertThat(compilation).succeeded();
    assertEquals(
        0,
        compilation.warnings().stream()
            .filter(d -> d.getMessage(null).contains("[Quantize"))
            .count());
    loader = Compilations.loader(compilation);
  }

  @TestFactory
  Stream<DynamicTest> fp32ConvolutionsEqualTheReferenceWithinTheReassociationBound() {
    return CONVS.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      Random random = new Random(c.name().hashCode());
                      FloatTensor weights =
                          random(random, Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
                      FloatTensor bias = c.bias() ? random(random, Shape.of(c.m())) : null;
                      FloatTensor x = random(random, Shape.of(1, c.c(), c.h(), c.w()));
                      float[] expected =
                          new Conv2d(weights, bias, c.window(), c.groups(), c.activation())
                              .apply(x)
                              .toArray();
                      Class<?> kernel = loader.loadClass("test." + c.name() + "_Fp32");
                      Object k =
                          kernel
                              .getConstructor(FloatTensor.class, FloatTensor.class)
                              .newInstance(weights, bias);
                      float[] y = new float[expected.length];
                      kernel
                          .getMethod("forward", float[].class, float[].class)
                          .invoke(k, x.toArray(), y);
                      assertWithinReassociationBound(
                          expected, y, weights, bias, c.window(), c.groups(), x, c.name());
                      assertEquals(
                          true,
                          ((String) kernel.getMethod("kernelName").invoke(k))
                              .matches("(vector|scalar).*"));
                    }));
  }

  /**
   * Each output within {@code 2 gamma(n + 1) (sum |w x| + |b|)} of the reference, {@code gamma(n) =
   * n u / (1 - n u)}, {@code u = 2^-24}, {@code n} the fan-in: the bound of two float32 sums of the
   * same products in different orders, fused or not (the activations are 1-Lipschitz).
   */
  static void assertWithinReassociationBound(
      float[] expected,
      float[] y,
      FloatTensor weights,
      FloatTensor bias,
      Window2d window,
      int groups,
      FloatTensor x,
      String name) {
    float[] magnitudes =
        new Conv2d(abs(weights), bias == null ? null : abs(bias), window, groups, Activation.NONE)
            .apply(abs(x))
            .toArray();
    int n = weights.shape().dim(1) * weights.shape().dim(2) * weights.shape().dim(3) + 1;
    double u = Math.ulp(1.0f) / 2;
    double gamma = n * u / (1 - n * u);
    for (int i = 0; i < y.length; i++) {
      double bound = 2 * gamma * magnitudes[i] * 1.001 + Float.MIN_NORMAL;
      double error = Math.abs((double) y[i] - expected[i]);
      assertEquals(
          true,
          error <= bound,
          name + " @" + i + ": " + y[i] + " vs reference " + expected[i] + ", bound " + bound);
    }
  }

  private static FloatTensor abs(FloatTensor t) {
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return FloatTensor.of(t.shape(), v);
  }

  @TestFactory
  Stream<DynamicTest> int8ConvolutionsEqualQuantizedConv2dBitForBit() {
    return CONVS.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      int seed = 31 * c.name().hashCode();
                      Random random = new Random(seed);
                      FloatTensor weights =
                          random(random, Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
                      FloatTensor bias = c.bias() ? random(random, Shape.of(c.m())) : null;
                      ActivationParams in = new ActivationParams(0.02f, -7);
                      ActivationParams out = new ActivationParams(0.05f, 3);
                      QuantizedConv2d reference =
                          QuantizedConv2d.quantize(
                              weights,
                              bias,
                              c.window(),
                              c.groups(),
                              c.activation(),
                              QuantParams.perTensor(in.scale(), in.zeroPoint(), QuantType.INT8),
                              QuantParams.perTensor(out.scale(), out.zeroPoint(), QuantType.INT8),
                              c.onnx() ? RequantMode.FLOAT : RequantMode.INTEGER);
                      if (c.name().equals("ClipTies")) { // ties to even, not away from zero
                        assertEquals(1, reference.outputMin());
                        assertEquals(7, reference.outputMax());
                      } else if (c.name().equals("ClipWide")) { // saturated lower bound
                        assertEquals(-128, reference.outputMin());
                        assertEquals(9, reference.outputMax()); // 0.3 / 0.05 = 6, + 3
                      }
                      int[] qx = new int[c.c() * c.h() * c.w()];
                      for (int i = 0; i < qx.length; i++) {
                        qx[i] =
                            i % 11 == 0
                                ? (i % 2 == 0 ? -128 : 127)
                                : random.nextInt(256) - 128; // saturating extremes too
                      }
                      int[] expected =
                          reference
                              .apply(
                                  IntTensor.of(
                                      Shape.of(1, c.c(), c.h(), c.w()), QuantType.INT8, qx))
                              .toArray();
                      Class<?> kernel = loader.loadClass("test." + c.name() + "_Int8");
                      Object k =
                          invoke(
                              kernel.getMethod(
                                  "prepare",
                                  FloatTensor.class,
                                  FloatTensor.class,
                                  ActivationParams.class,
                                  ActivationParams.class),
                              null,
                              weights,
                              bias,
                              in,
                              out);
                      byte[] bx = new byte[qx.length];
                      for (int i = 0; i < qx.length; i++) {
                        bx[i] = (byte) qx[i];
                      }
                      byte[] y = new byte[expected.length];
                      kernel
                          .getMethod("forwardQuantized", byte[].class, byte[].class)
                          .invoke(k, bx, y);
                      for (int i = 0; i < y.length; i++) {
                        assertEquals(expected[i], y[i], c.name() + " @" + i);
                      }
                    }));
  }

  @TestFactory
  Stream<DynamicTest> poolingEqualsTheReferenceBitForBit() throws Exception {
    Random random = new Random(5);
    FloatTensor maxIn = random(random, Shape.of(1, 3, 7, 8));
    FloatTensor avgIn = random(random, Shape.of(1, 2, 5, 6));
    float[] max =
        new MaxPool2d(Window2d.of(3, 2).withStrides(2, 2).withPads(1, 1, 1, 1))
            .apply(maxIn)
            .toArray();
    float[] avg =
        new AvgPool2d(Window2d.of(3, 3).withStrides(3, 3).withPadMode(PadMode.SAME_UPPER), false)
            .apply(avgIn)
            .toArray();
    FloatTensor maxInsideIn = random(random, Shape.of(1, 3, 7, 9));
    float[] special = maxInsideIn.toArray();
    special[0] = Float.NaN;
    special[12] = -0.0f;
    special[13] = 0.0f;
    special[22] = Float.NEGATIVE_INFINITY;
    FloatTensor maxInsideSpecial = FloatTensor.of(maxInsideIn.shape(), special);
    float[] maxInside =
        new MaxPool2d(Window2d.of(2, 2).withStrides(2, 2)).apply(maxInsideSpecial).toArray();
    FloatTensor avgInsideIn = random(random, Shape.of(1, 2, 5, 8));
    float[] avgInside =
        new AvgPool2d(Window2d.of(2, 3).withStrides(1, 2), false).apply(avgInsideIn).toArray();
    return Stream.of(
        DynamicTest.dynamicTest("max", () -> assertPool("Max", maxIn.toArray(), max)),
        DynamicTest.dynamicTest(
            "max inside, NaN and signed zeros", () -> assertPool("MaxInside", special, maxInside)),
        DynamicTest.dynamicTest(
            "avg inside", () -> assertPool("AvgInside", avgInsideIn.toArray(), avgInside)),
        DynamicTest.dynamicTest(
            "max inside int8",
            () -> {
              int[] q = new int[3 * 7 * 9];
              byte[] b = new byte[q.length];
              for (int i = 0; i < q.length; i++) {
                q[i] = i % 11 == 0 ? -128 : random.nextInt(256) - 128;
                b[i] = (byte) q[i];
              }
              int[] expected =
                  new MaxPool2d(Window2d.of(2, 2).withStrides(2, 2))
                      .apply(IntTensor.of(Shape.of(1, 3, 7, 9), QuantType.INT8, q))
                      .toArray();
              Class<?> kernel = loader.loadClass("test.MaxInside_Pool");
              byte[] y = new byte[expected.length];
              kernel
                  .getMethod("forward", byte[].class, byte[].class)
                  .invoke(kernel.getConstructor().newInstance(), b, y);
              for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], "@" + i);
              }
            }),
        DynamicTest.dynamicTest("avg", () -> assertPool("Avg", avgIn.toArray(), avg)),
        DynamicTest.dynamicTest(
            "max int8",
            () -> {
              int[] q = new int[3 * 7 * 8];
              byte[] b = new byte[q.length];
              for (int i = 0; i < q.length; i++) {
                q[i] = random.nextInt(256) - 128;
                b[i] = (byte) q[i];
              }
              int[] expected =
                  new MaxPool2d(Window2d.of(3, 2).withStrides(2, 2).withPads(1, 1, 1, 1))
                      .apply(IntTensor.of(Shape.of(1, 3, 7, 8), QuantType.INT8, q))
                      .toArray();
              Class<?> kernel = loader.loadClass("test.Max_Pool");
              byte[] y = new byte[expected.length];
              kernel
                  .getMethod("forward", byte[].class, byte[].class)
                  .invoke(kernel.getConstructor().newInstance(), b, y);
              for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], "@" + i);
              }
            }));
  }

  private static void assertPool(String name, float[] x, float[] expected) throws Exception {
    Class<?> kernel = loader.loadClass("test." + name + "_Pool");
    float[] y = new float[expected.length];
    kernel
        .getMethod("forward", float[].class, float[].class)
        .invoke(kernel.getConstructor().newInstance(), x, y);
    for (int i = 0; i < y.length; i++) {
      assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(y[i]), name + " @" + i);
    }
  }

  private static Object invoke(Method m, Object target, Object... args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static FloatTensor random(Random random, Shape shape) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FloatTensor.of(shape, v);
  }
}
