package dev.quantgen.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.quantgen.runtime.conv.BinaryConv2d;
import dev.quantgen.runtime.conv.Conv2d;
import dev.quantgen.runtime.conv.Fp16Conv2d;
import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.QuantizedConv2d;
import dev.quantgen.runtime.conv.WeightQuantizedConv2d;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.conv.WindowGeometry;
import dev.quantgen.runtime.kernel.Rows;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Generated convolutions large enough that one sample's output channels are split across cores
 * match the runtime's reference convolutions. A static INT8 or INT4 convolution whose fan-in is
 * above 512 (where float sums of int8 products stop being exact, {@code
 * StaticConvMembers.EXACT_FLOAT_FAN_IN}) gathers receptive fields and runs the int8/int4 matrix
 * product per group, split by {@code Rows.forEach} when the group has at least {@link
 * Rows#MIN_PARALLEL_MACS} multiply-adds: those kernels are compared bit for bit with {@link
 * QuantizedConv2d} in both requantization modes, on a plain, a grouped and strided, and a dilated
 * SAME-padded shape, with output-channel counts that leave the last core a share that is not a
 * multiple of four. The other precisions of the first shape (FP32 and FP16 within the reassociation
 * bound; dynamic, weight-only and binary bit for bit) run on the same large shape, though their
 * kernels do not split.
 *
 * <p>Generated convolutions run one sample per call: there is no batched convolution path to test.
 */
class LargeConvKernelTest {
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

    long groupMacs() {
      WindowGeometry g = window.resolve(h, w);
      return (long) fanIn() * (m / groups) * g.outHeight() * g.outWidth();
    }

    Shape input() {
      return Shape.of(1, c, h, w);
    }
  }

  /**
   * {@code StaticConvMembers.EXACT_FLOAT_FAN_IN}: up to this fan-in static kernels sum on the
   * blocked float kernel.
   */
  private static final int EXACT_FLOAT_FAN_IN = 512;

  private static final List<Conv> CONVS =
      List.of(
          // fan-in 603 (odd: INT4 rows end in half a byte), 603 x 37 x 49 = 1,093,239 multiply-adds
          new Conv(
              "LargePlain",
              "inChannels = 67, outChannels = 37, inHeight = 7, inWidth = 7, kernel = 3, padding = 1, "
                  + "activation = Activation.RELU",
              67,
              7,
              7,
              37,
              3,
              3,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              1,
              true,
              Activation.RELU),
          // two groups of fan-in 585, each 585 x 39 x 49 = 1,117,935 multiply-adds; stride 2, no
          // bias
          new Conv(
              "LargeGrouped",
              "inChannels = 130, outChannels = 78, inHeight = 13, inWidth = 13, kernel = 3, "
                  + "stride = 2, padding = 1, groups = 2, bias = false",
              130,
              13,
              13,
              78,
              3,
              3,
              Window2d.of(3, 3).withStrides(2, 2).withPads(1, 1, 1, 1),
              2,
              false,
              Activation.NONE),
          // fan-in 540, dilation 2, SAME padding: 540 x 41 x 110 = 2,435,400 multiply-adds
          new Conv(
              "LargeDilated",
              "inChannels = 60, outChannels = 41, inHeight = 11, inWidth = 10, kernel = 3, "
                  + "dilation = 2, paddingMode = Padding.SAME, activation = Activation.RELU6",
              60,
              11,
              10,
              41,
              3,
              3,
              Window2d.of(3, 3).withDilations(2, 2).withPadMode(PadMode.SAME_UPPER),
              1,
              true,
              Activation.RELU6));

  /** Class-name suffix and @Quantize lines: the split static kernels per requantization mode. */
  private static final List<String[]> STATIC =
      List.of(
          new String[] {
            "", "@Quantize(precision = Precision.INT8)", "@Quantize(precision = Precision.INT4)"
          },
          new String[] {
            "Onnx",
            "@Quantize(precision = Precision.INT8, requantization = Requantization.FLOAT)",
            "@Quantize(precision = Precision.INT4, requantization = Requantization.FLOAT)"
          });

  /** The other precisions, compiled for the first shape only. */
  private static final List<String[]> OTHERS =
      List.of(
          new String[] {
            "Float",
            "@Quantize(precision = Precision.FP16)",
            "@Quantize(precision = Precision.INT8, activations = Activations.FLOAT)",
            "@Quantize(precision = Precision.BINARY)"
          },
          new String[] {
            "Dynamic",
            "@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)",
            "@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)"
          });

  private static Compilation compilation;
  private static ClassLoader loader;

  @BeforeAll
  static void compileLargeConvolutions() {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Conv c : CONVS) {
      assertTrue(c.fanIn() > EXACT_FLOAT_FAN_IN, c.name() + ": fan-in must take the im2col path");
      assertTrue(
          c.groupMacs() >= Rows.MIN_PARALLEL_MACS,
          c.name() + ": each group must be above the split threshold");
      for (String[] cls : STATIC) {
        sources.add(source(c, c.name() + cls[0], cls));
      }
    }
    for (String[] cls : OTHERS) {
      sources.add(source(CONVS.get(0), CONVS.get(0).name() + cls[0], cls));
    }
    System.out.printf(
        "[large-conv] output channels split across %d threads (Rows.threads(); -Dquantgen.threads"
            + " changes it)%n",
        Rows.threads());
    compilation = Compilations.compile(sources);
    assertThat(compilation).succeeded();
    loader = Compilations.loader(compilation);
  }

  private static JavaFileObject source(Conv c, String name, String[] cls) {
    String[] lines = new String[cls.length + 1];
    lines[0] = "@Conv2d(" + c.annotation() + ")";
    System.arraycopy(cls, 1, lines, 1, cls.length - 1);
    lines[cls.length] = "public final class " + name + " {}";
    return Compilations.source(name, lines);
  }

  @TestFactory
  Stream<DynamicTest> splitStaticConvolutionsEqualQuantizedConv2dBitForBit() {
    return CONVS.stream()
        .flatMap(
            c ->
                Stream.of(QuantType.INT8, QuantType.INT4)
                    .flatMap(
                        type ->
                            Stream.of(RequantMode.INTEGER, RequantMode.FLOAT)
                                .map(
                                    mode ->
                                        DynamicTest.dynamicTest(
                                            c.name() + " " + type + " " + mode,
                                            () -> assertStaticMatches(c, type, mode)))));
  }

  private static void assertStaticMatches(Conv c, QuantType type, RequantMode mode)
      throws Throwable {
    String kernelName =
        "test."
            + c.name()
            + (mode == RequantMode.FLOAT ? "Onnx" : "")
            + "_"
            + (type == QuantType.INT8 ? "Int8" : "Int4");
    assertTrue(
        generatedSource(kernelName).contains("Rows.forEach(MPG"),
        kernelName + " must split its output channels");
    Random random = new Random(kernelName.hashCode());
    FloatTensor weights = gaussian(random, Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
    FloatTensor bias = c.bias() ? gaussian(random, Shape.of(c.m())) : null;
    ActivationParams in = new ActivationParams(0.02f, -7);
    ActivationParams out = new ActivationParams(1.0f, 5);
    QuantizedConv2d reference =
        QuantizedConv2d.quantize(
            weights,
            bias,
            c.window(),
            c.groups(),
            c.activation(),
            QuantParams.perTensor(in.scale(), in.zeroPoint(), QuantType.INT8),
            QuantParams.perTensor(out.scale(), out.zeroPoint(), QuantType.INT8),
            mode,
            type);
    int[] qx = new int[c.c() * c.h() * c.w()];
    byte[] bx = new byte[qx.length];
    for (int i = 0; i < qx.length; i++) {
      qx[i] =
          i % 11 == 0
              ? (i % 2 == 0 ? -128 : 127)
              : random.nextInt(256) - 128; // saturating extremes too
      bx[i] = (byte) qx[i];
    }
    int[] expected = reference.apply(IntTensor.of(c.input(), QuantType.INT8, qx)).toArray();
    Class<?> kernel = loader.loadClass(kernelName);
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
    int saturated = 0;
    kernel.getMethod("forwardQuantized", byte[].class, byte[].class).invoke(k, bx, y);
    for (int i = 0; i < y.length; i++) {
      assertEquals(expected[i], y[i], kernelName + " @" + i);
      saturated += y[i] == -128 || y[i] == 127 ? 1 : 0;
    }
    assertTrue(
        saturated < y.length / 2,
        kernelName
            + ": most outputs must not saturate ("
            + saturated
            + " of "
            + y.length
            + ") or the comparison says little");
    // The float entry point quantizes, runs the same path and dequantizes.
    float[] x = new float[qx.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = in.dequantize(qx[i]);
    }
    float[] fy = new float[expected.length];
    kernel.getMethod("forward", float[].class, float[].class).invoke(k, x, fy);
    for (int i = 0; i < fy.length; i++) {
      assertEquals(out.dequantize(expected[i]), fy[i], kernelName + " forward @" + i);
    }
  }

  @TestFactory
  Stream<DynamicTest> otherPrecisionsOnALargeShapeEqualTheirReferences() {
    Conv c = CONVS.get(0);
    return Stream.of(
        DynamicTest.dynamicTest(
            "Fp32",
            () ->
                assertFloatMatches(
                    c,
                    "Float_Fp32",
                    (w, b) -> new Conv2d(w, b, c.window(), c.groups(), c.activation())::apply,
                    true)),
        DynamicTest.dynamicTest(
            "Fp16",
            () ->
                assertFloatMatches(
                    c,
                    "Float_Fp16",
                    (w, b) -> Fp16Conv2d.of(w, b, c.window(), c.groups(), c.activation())::apply,
                    true)),
        DynamicTest.dynamicTest(
            "Int8 weight-only",
            () ->
                assertFloatMatches(
                    c,
                    "Float_Int8",
                    (w, b) ->
                        WeightQuantizedConv2d.quantize(
                                w,
                                b,
                                c.window(),
                                c.groups(),
                                c.activation(),
                                QuantType.INT8,
                                ActivationMode.FLOAT)
                            ::apply,
                    false)),
        DynamicTest.dynamicTest(
            "Binary sign-add",
            () ->
                assertFloatMatches(
                    c,
                    "Float_Binary",
                    (w, b) ->
                        BinaryConv2d.binarize(
                                w,
                                b,
                                c.window(),
                                c.groups(),
                                c.activation(),
                                true,
                                ActivationMode.FLOAT)
                            ::apply,
                    false)),
        DynamicTest.dynamicTest(
            "Int8 dynamic",
            () ->
                assertFloatMatches(
                    c,
                    "Dynamic_Int8",
                    (w, b) ->
                        WeightQuantizedConv2d.quantize(
                                w,
                                b,
                                c.window(),
                                c.groups(),
                                c.activation(),
                                QuantType.INT8,
                                ActivationMode.DYNAMIC)
                            ::apply,
                    false)),
        DynamicTest.dynamicTest(
            "Int4 dynamic",
            () ->
                assertFloatMatches(
                    c,
                    "Dynamic_Int4",
                    (w, b) ->
                        WeightQuantizedConv2d.quantize(
                                w,
                                b,
                                c.window(),
                                c.groups(),
                                c.activation(),
                                QuantType.INT4,
                                ActivationMode.DYNAMIC)
                            ::apply,
                    false)),
        DynamicTest.dynamicTest(
            "Binary XNOR",
            () ->
                assertFloatMatches(
                    c,
                    "Dynamic_Binary",
                    (w, b) ->
                        BinaryConv2d.binarize(
                                w,
                                b,
                                c.window(),
                                c.groups(),
                                c.activation(),
                                true,
                                ActivationMode.BINARY)
                            ::apply,
                    false)));
  }

  /** A reference convolution built from float weights and bias. */
  private interface Reference {
    UnaryOperator<FloatTensor> of(FloatTensor weights, FloatTensor bias);
  }

  private static void assertFloatMatches(
      Conv c, String classAndVariant, Reference reference, boolean reassociated) throws Throwable {
    String kernelName = "test." + c.name() + classAndVariant;
    Random random = new Random(kernelName.hashCode());
    FloatTensor weights = gaussian(random, Shape.of(c.m(), c.c() / c.groups(), c.kh(), c.kw()));
    FloatTensor bias = c.bias() ? gaussian(random, Shape.of(c.m())) : null;
    FloatTensor x = gaussian(random, c.input());
    float[] expected = reference.of(weights, bias).apply(x).toArray();
    Class<?> kernel = loader.loadClass(kernelName);
    Object k =
        classAndVariant.endsWith("Fp32")
            ? invoke(kernel.getConstructor(FloatTensor.class, FloatTensor.class), weights, bias)
            : invoke(
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
    kernel.getMethod("forward", float[].class, float[].class).invoke(k, x.toArray(), y);
    if (reassociated) {
      ConvKernelFunctionalTest.assertWithinReassociationBound(
          expected, y, weights, bias, c.window(), c.groups(), x, kernelName);
      return;
    }
    for (int i = 0; i < y.length; i++) {
      // zeros compared as +0: a reference that adds a zero bias may give +0 where the kernel gives
      // -0
      assertEquals(
          Float.floatToIntBits(expected[i] + 0.0f),
          Float.floatToIntBits(y[i] + 0.0f),
          kernelName + " @" + i + ": " + expected[i] + " vs " + y[i]);
    }
  }

  private static String generatedSource(String qualifiedName) throws IOException {
    return compilation
        .generatedSourceFile(qualifiedName)
        .orElseThrow()
        .getCharContent(true)
        .toString();
  }

  private static Object invoke(java.lang.reflect.Executable m, Object... args) throws Throwable {
    try {
      return m instanceof java.lang.reflect.Method method
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
