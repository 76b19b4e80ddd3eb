package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.quantgen.runtime.conv.BinaryConv2d;
import dev.quantgen.runtime.conv.Fp16Conv2d;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.WeightQuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.layer.ActivationMode;
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
import java.util.function.Function;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The FP16, INT4 (static, dynamic, weight-only), INT8 (dynamic, weight-only) and BINARY (sign-add
 * and XNOR) convolution kernels on odd shapes, each against its runtime reference on seeded random
 * weights and inputs. FP16 runs on the blocked kernel and is compared within the reassociation
 * bound ({@link ConvKernelFunctionalTest#assertWithinReassociationBound}); every other one sums in
 * its reference's order, so every output is compared bit for bit: integers exactly, floats by their
 * bits (a sum of zeros may be -0 in one and +0 in the other where a reference adds a zero bias the
 * kernel leaves out, so zeros are compared as +0).
 *
 * <p>The shapes cover an odd fan-in (INT4 rows ending in a half-filled byte), fan-ins below, above
 * and not a multiple of 64 (BINARY rows with a partial last word), groups, depthwise, stride and
 * dilation 2, explicit and SAME padding, no bias, and ReLU and ReLU6.
 */
class ConvPrecisionKernelTest {
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
      Activation activation) {
    int fanIn() {
      return c / groups * kh * kw;
    }
  }

  private static final List<Conv> CONVS =
      List.of(
          new Conv(
              "Odd",
              "inChannels = 3, outChannels = 5, inHeight = 5, inWidth = 7, kernel = 3, stride = 2, "
                  + "dilation = 2, padding = 2",
              3,
              5,
              7,
              5,
              3,
              3,
              Window2d.of(3, 3).withStrides(2, 2).withDilations(2, 2).withPads(2, 2, 2, 2),
              1,
              true,
              Activation.NONE),
          new Conv(
              "Grouped",
              "inChannels = 6, outChannels = 9, inHeight = 5, inWidth = 7, kernel = {3, 2}, stride = {2, 1}, "
                  + "groups = 3, padding = {1, 0}, activation = Activation.RELU",
              6,
              5,
              7,
              9,
              3,
              2,
              Window2d.of(3, 2).withStrides(2, 1).withPads(1, 0, 1, 0),
              3,
              true,
              Activation.RELU),
          new Conv(
              "Depthwise",
              "inChannels = 5, outChannels = 5, inHeight = 6, inWidth = 5, kernel = 3, groups = 5, "
                  + "paddingMode = Padding.SAME, bias = false, activation = Activation.RELU6",
              5,
              6,
              5,
              5,
              3,
              3,
              Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER),
              5,
              false,
              Activation.RELU6),
          new Conv(
              "Wide",
              "inChannels = 9, outChannels = 3, inHeight = 4, inWidth = 6, kernel = 3, padding = 1, "
                  + "dilation = {1, 2}",
              9,
              4,
              6,
              3,
              3,
              3,
              Window2d.of(3, 3).withDilations(1, 2).withPads(1, 1, 1, 1),
              1,
              true,
              Activation.NONE),
          new Conv(
              "Exact",
              "inChannels = 4, outChannels = 2, inHeight = 4, inWidth = 4, kernel = 4, bias = false",
              4,
              4,
              4,
              2,
              4,
              4,
              Window2d.of(4, 4),
              1,
              false,
              Activation.NONE));

  /** Class-name suffix and the @Quantize lines of each compiled class per convolution. */
  private static final List<String[]> CLASSES =
      List.of(
          new String[] {
            "",
            "@Quantize(precision = Precision.FP16)",
            "@Quantize(precision = Precision.INT4)",
            "@Quantize(precision = Precision.BINARY)"
          },
          new String[] {
            "Onnx",
            "@Quantize(precision = Precision.INT4, requantization = Requantization.FLOAT)",
            "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)"
          },
          new String[] {
            "Dynamic",
            "@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY, perChannel = false)"
          },
          new String[] {
            "WeightOnly",
            "@Quantize(precision = Precision.INT4, activations = Activations.FLOAT)",
            "@Quantize(precision = Precision.INT8, activations = Activations.FLOAT)",
            "@Quantize(precision = Precision.BINARY, perChannel = false)"
          });

  private static ClassLoader loader;

  @BeforeAll
  static void compileLayers() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Conv c : CONVS) {
      for (String[] cls : CLASSES) {
        String name = c.name() + cls[0];
        String[] lines = new String[cls.length + 1];
        lines[0] = "@Conv2d(" + c.annotation() + ")";
        System.arraycopy(cls, 1, lines, 1, cls.length - 1);
        lines[cls.length] = "public final class " + name + " {}";
        sources.add(Compilations.source(name, lines));
      }
    }
    Compilation compilation = Compilations.compile(sources);
    assertThat(compilation).succeeded();
    assertEquals(
        0,
        compilation.warnings().stream()
            .filter(d -> d.getMessage(null).contains("[Quantize"))
            .count(),
        compilation.warnings().toString());
    loader = Compilations.loader(compilation);
  }

  /**
   * FP16 runs on the blocked kernel: within the reassociation bound of {@code Fp16Conv2d}, not bit
   * for bit.
   */
  @TestFactory
  Stream<DynamicTest> fp16EqualsFp16Conv2dWithinTheReassociationBound() {
    return floatCases(
        "",
        "Fp16",
        (c, w, b) -> Fp16Conv2d.of(w, b, c.window(), c.groups(), c.activation())::apply,
        true);
  }

  @TestFactory
  Stream<DynamicTest> binarySignAddEqualsBinaryConv2dBitForBit() {
    return Stream.concat(
        floatCases(
            "",
            "Binary",
            (c, w, b) ->
                BinaryConv2d.binarize(
                        w, b, c.window(), c.groups(), c.activation(), true, ActivationMode.FLOAT)
                    ::apply),
        floatCases(
            "WeightOnly",
            "Binary",
            (c, w, b) ->
                BinaryConv2d.binarize(
                        w, b, c.window(), c.groups(), c.activation(), false, ActivationMode.FLOAT)
                    ::apply));
  }

  @TestFactory
  Stream<DynamicTest> binaryXnorEqualsBinaryConv2dBitForBit() {
    return Stream.concat(
        floatCases(
            "Onnx",
            "Binary",
            (c, w, b) ->
                BinaryConv2d.binarize(
                        w, b, c.window(), c.groups(), c.activation(), true, ActivationMode.BINARY)
                    ::apply),
        floatCases(
            "Dynamic",
            "Binary",
            (c, w, b) ->
                BinaryConv2d.binarize(
                        w, b, c.window(), c.groups(), c.activation(), false, ActivationMode.BINARY)
                    ::apply));
  }

  @TestFactory
  Stream<DynamicTest> dynamicIntegersEqualWeightQuantizedConv2dBitForBit() {
    return Stream.concat(
        floatCases(
            "Dynamic",
            "Int4",
            (c, w, b) ->
                WeightQuantizedConv2d.quantize(
                        w,
                        b,
                        c.window(),
                        c.groups(),
                        c.activation(),
                        QuantType.INT4,
                        ActivationMode.DYNAMIC)
                    ::apply),
        floatCases(
            "Dynamic",
            "Int8",
            (c, w, b) ->
                WeightQuantizedConv2d.quantize(
                        w,
                        b,
                        c.window(),
                        c.groups(),
                        c.activation(),
                        QuantType.INT8,
                        ActivationMode.DYNAMIC)
                    ::apply));
  }

  @TestFactory
  Stream<DynamicTest> weightOnlyIntegersEqualWeightQuantizedConv2dBitForBit() {
    return Stream.concat(
        floatCases(
            "WeightOnly",
            "Int4",
            (c, w, b) ->
                WeightQuantizedConv2d.quantize(
                        w,
                        b,
                        c.window(),
                        c.groups(),
                        c.activation(),
                        QuantType.INT4,
                        ActivationMode.FLOAT)
                    ::apply),
        floatCases(
            "WeightOnly",
            "Int8",
            (c, w, b) ->
                WeightQuantizedConv2d.quantize(
                        w,
                        b,
                        c.window(),
                        c.groups(),
                        c.activation(),
                        QuantType.INT8,
                        ActivationMode.FLOAT)
                    ::apply));
  }

  @TestFactory
  Stream<DynamicTest> staticInt4EqualsQuantizedConv2dBitForBit() {
    return Stream.of(false, true)
        .flatMap(
            onnx ->
                CONVS.stream()
                    .map(
                        c ->
                            DynamicTest.dynamicTest(
                                c.name() + (onnx ? " onnx" : " integer"),
                                () -> {
                                  Random random =
                                      new Random(17 * c.name().hashCode() + (onnx ? 1 : 0));
                                  FloatTensor weights =
                                      gaussian(
                                          random,
                                          Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
                                  FloatTensor bias =
                                      c.bias() ? gaussian(random, Shape.of(c.m())) : null;
                                  ActivationParams in = new ActivationParams(0.02f, -7);
                                  ActivationParams out = new ActivationParams(0.03f, 5);
                                  QuantizedConv2d reference =
                                      QuantizedConv2d.quantize(
                                          weights,
                                          bias,
                                          c.window(),
                                          c.groups(),
                                          c.activation(),
                                          QuantParams.perTensor(
                                              in.scale(), in.zeroPoint(), QuantType.INT8),
                                          QuantParams.perTensor(
                                              out.scale(), out.zeroPoint(), QuantType.INT8),
                                          onnx ? RequantMode.FLOAT : RequantMode.INTEGER,
                                          QuantType.INT4);
                                  int[] qx = new int[c.c() * c.h() * c.w()];
                                  byte[] bx = new byte[qx.length];
                                  for (int i = 0; i < qx.length; i++) {
                                    qx[i] =
                                        i % 11 == 0
                                            ? (i % 2 == 0 ? -128 : 127)
                                            : random.nextInt(256) - 128; // saturating extremes too
                                    bx[i] = (byte) qx[i];
                                  }
                                  int[] expected =
                                      reference
                                          .apply(
                                              IntTensor.of(
                                                  Shape.of(1, c.c(), c.h(), c.w()),
                                                  QuantType.INT8,
                                                  qx))
                                          .toArray();
                                  Class<?> kernel =
                                      loader.loadClass(
                                          "test." + c.name() + (onnx ? "Onnx" : "") + "_Int4");
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
                                  byte[] y = new byte[expected.length];
                                  kernel
                                      .getMethod("forwardQuantized", byte[].class, byte[].class)
                                      .invoke(k, bx, y);
                                  for (int i = 0; i < y.length; i++) {
                                    assertEquals(expected[i], y[i], c.name() + " @" + i);
                                  }
                                  // The reference's own quantized layer runs too, through the
                                  // constructor.
                                  Object fromLayer =
                                      kernel
                                          .getConstructor(QuantizedConv2d.class)
                                          .newInstance(reference);
                                  byte[] again = new byte[expected.length];
                                  kernel
                                      .getMethod("forwardQuantized", byte[].class, byte[].class)
                                      .invoke(fromLayer, bx, again);
                                  org.junit.jupiter.api.Assertions.assertArrayEquals(y, again);
                                })));
  }

  @Test
  void int4KernelRejectsAnInt8QuantizedLayer() throws Exception {
    Conv c = CONVS.get(0);
    Random random = new Random(1);
    FloatTensor weights = gaussian(random, Shape.of(c.m(), c.c(), c.kh(), c.kw()));
    FloatTensor bias = gaussian(random, Shape.of(c.m()));
    QuantizedConv2d int8 =
        QuantizedConv2d.quantize(
            weights,
            bias,
            c.window(),
            1,
            c.activation(),
            QuantParams.perTensor(0.1f, 0, QuantType.INT8),
            QuantParams.perTensor(0.1f, 0, QuantType.INT8),
            RequantMode.INTEGER);
    Class<?> kernel = loader.loadClass("test.Odd_Int4");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> invoke(kernel.getConstructor(QuantizedConv2d.class), int8));
    assertEquals(true, e.getMessage().startsWith("layer: weights [5, 3, 3, 3]"), e.getMessage());
    assertEquals(true, e.getMessage().endsWith("INT4 weights"), e.getMessage());
  }

  @Test
  void binaryKernelRejectsAReferenceOfAnotherMode() throws Exception {
    Conv c = CONVS.get(0);
    FloatTensor weights = gaussian(new Random(2), Shape.of(c.m(), c.c(), c.kh(), c.kw()));
    BinaryConv2d xnor =
        BinaryConv2d.binarize(
            weights,
            gaussian(new Random(3), Shape.of(c.m())),
            c.window(),
            1,
            c.activation(),
            true,
            ActivationMode.BINARY);
    Class<?> kernel = loader.loadClass("test.Odd_Binary");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> invoke(kernel.getConstructor(BinaryConv2d.class), xnor));
    assertEquals(
        true,
        e.getMessage().contains(", mode BINARY, expected ")
            && e.getMessage().contains("mode FLOAT"),
        e.getMessage());
  }

  @Test
  void prepareRejectsWeightsOfAnotherShape() throws Exception {
    Class<?> kernel = loader.loadClass("test.OddDynamic_Int4");
    FloatTensor weights = FloatTensor.of(Shape.of(5, 3, 3, 2), new float[90]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                invoke(
                    kernel.getMethod(
                        "prepare",
                        FloatTensor.class,
                        FloatTensor.class,
                        ActivationParams.class,
                        ActivationParams.class),
                    null,
                    weights,
                    FloatTensor.of(Shape.of(5), new float[5]),
                    null,
                    null));
    assertEquals(
        "weights: shape [5, 3, 3, 2] does not fit OddDynamic, expected [5, 3, 3, 3]",
        e.getMessage());
  }

  @Test
  void fp16KernelRejectsAMissingBias() throws Exception {
    Class<?> kernel = loader.loadClass("test.Odd_Fp16");
    FloatTensor weights = FloatTensor.of(Shape.of(5, 3, 3, 3), new float[135]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                invoke(kernel.getConstructor(FloatTensor.class, FloatTensor.class), weights, null));
    assertEquals("bias: shape null, expected [5] (Odd has a bias)", e.getMessage());
  }

  /** A reference built from a convolution's float weights and bias. */
  private interface Reference {
    Function<FloatTensor, FloatTensor> of(Conv c, FloatTensor weights, FloatTensor bias);
  }

  private static Stream<DynamicTest> floatCases(
      String classSuffix, String kernelSuffix, Reference reference) {
    return floatCases(classSuffix, kernelSuffix, reference, false);
  }

  private static Stream<DynamicTest> floatCases(
      String classSuffix, String kernelSuffix, Reference reference, boolean reassociated) {
    return CONVS.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name() + classSuffix + "_" + kernelSuffix,
                    () -> {
                      Random random =
                          new Random((c.name() + classSuffix + kernelSuffix).hashCode());
                      FloatTensor weights =
                          gaussian(random, Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
                      FloatTensor bias = c.bias() ? gaussian(random, Shape.of(c.m())) : null;
                      float[] x = gaussian(random, Shape.of(1, c.c(), c.h(), c.w())).toArray();
                      x[0] = 0.0f;
                      x[1] = -0.0f;
                      float[] expected =
                          reference
                              .of(c, weights, bias)
                              .apply(FloatTensor.of(Shape.of(1, c.c(), c.h(), c.w()), x))
                              .toArray();
                      Class<?> kernel =
                          loader.loadClass("test." + c.name() + classSuffix + "_" + kernelSuffix);
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
                              null,
                              null);
                      float[] y = new float[expected.length];
                      kernel.getMethod("forward", float[].class, float[].class).invoke(k, x, y);
                      if (reassociated) {
                        ConvKernelFunctionalTest.assertWithinReassociationBound(
                            expected,
                            y,
                            weights,
                            bias,
                            c.window(),
                            c.groups(),
                            FloatTensor.of(Shape.of(1, c.c(), c.h(), c.w()), x),
                            c.name());
                        return;
                      }
                      for (int i = 0; i < y.length; i++) {
                        assertEquals(
                            Float.floatToIntBits(expected[i] + 0.0f),
                            Float.floatToIntBits(y[i] + 0.0f),
                            c.name() + " @" + i + ": " + expected[i] + " vs " + y[i]);
                      }
                    }));
  }

  private static Object invoke(java.lang.reflect.Executable m, Object... args) throws Throwable {
    try {
      return m instanceof Method method
          ? method.invoke(args[0], java.util.Arrays.copyOfRange(args, 1, args.length))
          : ((java.lang.reflect.Constructor<?>) m).newInstance(args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static FloatTensor gaussian(Random random, Shape shape) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return FloatTensor.of(shape, v);
  }
}
