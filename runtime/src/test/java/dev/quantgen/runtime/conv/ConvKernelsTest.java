package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blocked float convolutions ({@link ConvKernels}) against {@link Conv2d} on odd shapes:
 * strides, dilations, groups (depthwise too), explicit and SAME pads, channel counts that are not a
 * multiple of the block or the vector, 1x1 and 5x5 kernels, three samples through one kernel (its
 * scratch reused). Float results within the reassociation bound {@code 2 gamma(n + 1) (sum |w x| +
 * |bias|)}, {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}: the kernels sum in another order
 * and fuse multiply-adds. Run without the incubator module (vector cases skipped), with it at the
 * preferred width and with it forced to 256 bits (surefire executions {@code vector-kernels} and
 * {@code vector-kernels-256}).
 */
class ConvKernelsTest {
  record Case(
      String name,
      int c,
      int h,
      int w,
      int m,
      int groups,
      Window2d window,
      boolean bias,
      Activation activation) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Case> CASES =
      List.of(
          new Case(
              "plain 3->5 3x3 on 7x9", 3, 7, 9, 5, 1, Window2d.of(3, 3), true, Activation.NONE),
          new Case(
              "fashion conv1 1->16 same",
              1,
              28,
              28,
              16,
              1,
              Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER),
              true,
              Activation.RELU),
          new Case(
              "fashion conv2 16->32 same",
              16,
              14,
              14,
              32,
              1,
              Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER),
              true,
              Activation.RELU),
          new Case(
              "37 outputs (partial block), 5x5 pad 2",
              6,
              9,
              8,
              37,
              1,
              Window2d.of(5, 5).withPads(2, 2, 2, 2),
              true,
              Activation.RELU6),
          new Case(
              "depthwise 20 channels",
              20,
              6,
              5,
              20,
              20,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              true,
              Activation.RELU),
          new Case(
              "grouped strided 3x2",
              4,
              11,
              10,
              6,
              2,
              Window2d.of(3, 2).withStrides(2, 2),
              false,
              Activation.NONE),
          new Case(
              "dilated 2",
              3,
              13,
              12,
              17,
              1,
              Window2d.of(3, 3).withDilations(2, 2).withPads(2, 1, 2, 1),
              true,
              Activation.RELU6),
          new Case(
              "same lower, stride 1x2, 4x5",
              2,
              8,
              7,
              3,
              1,
              Window2d.of(4, 5).withStrides(1, 2).withPadMode(PadMode.SAME_LOWER),
              true,
              Activation.RELU),
          new Case(
              "pointwise 1x1 33->40", 33, 3, 5, 40, 1, Window2d.of(1, 1), true, Activation.NONE),
          new Case("1x1 input", 17, 1, 1, 3, 1, Window2d.of(1, 1), true, Activation.NONE),
          new Case(
              "depthwise 19 channels on 23x21 same",
              19,
              23,
              21,
              19,
              19,
              Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER),
              true,
              Activation.RELU6),
          new Case(
              "depthwise stride 2, 5x5 pad 2, 34 wide",
              7,
              17,
              34,
              7,
              7,
              Window2d.of(5, 5).withStrides(2, 1).withPads(2, 2, 2, 2),
              false,
              Activation.NONE),
          new Case(
              "depthwise stride 2x2 on 40 wide",
              5,
              9,
              40,
              5,
              5,
              Window2d.of(3, 3).withStrides(2, 2).withPads(1, 1, 1, 1),
              true,
              Activation.RELU),
          new Case(
              "depthwise x3 multiplier dilated 2",
              4,
              11,
              37,
              12,
              4,
              Window2d.of(3, 3).withDilations(2, 2).withPads(2, 2, 2, 2),
              true,
              Activation.RELU),
          new Case(
              "first layer 1->6 3x3 on 29x33 same lower",
              1,
              29,
              33,
              6,
              1,
              Window2d.of(3, 3).withPadMode(PadMode.SAME_LOWER),
              true,
              Activation.RELU),
          new Case(
              "first layer 1->3 5x5 stride 2 on 31x31",
              1,
              31,
              31,
              3,
              1,
              Window2d.of(5, 5).withStrides(2, 2),
              true,
              Activation.NONE),
          new Case(
              "first layer 1->11 3x3 on 20x35 (four at a time, then three)",
              1,
              20,
              35,
              11,
              1,
              Window2d.of(3, 3).withPads(1, 1, 1, 1),
              true,
              Activation.RELU6),
          new Case(
              "depthwise x5 multiplier 2 groups",
              2,
              7,
              26,
              10,
              2,
              Window2d.of(2, 3).withPads(0, 1, 1, 1),
              true,
              Activation.NONE),
          new Case(
              "row tiles 5->13 5x5 stride 2x1 pad 2 on 9x15 (spare lanes spill, partial block)",
              5,
              9,
              15,
              13,
              1,
              Window2d.of(5, 5).withStrides(2, 1).withPads(2, 2, 2, 2),
              true,
              Activation.RELU6),
          new Case(
              "row tiles 1x1 9->17 on 6x16",
              9,
              6,
              16,
              17,
              1,
              Window2d.of(1, 1),
              true,
              Activation.NONE),
          new Case(
              "row tiles grouped 6->10 3x3 dilated 2x1 on 7x30",
              6,
              7,
              30,
              10,
              2,
              Window2d.of(3, 3).withDilations(2, 1).withPads(2, 1, 2, 1),
              false,
              Activation.RELU),
          new Case(
              "first layer 1->4 2x7 on 3x7 (narrow rows)",
              1,
              3,
              7,
              4,
              1,
              Window2d.of(2, 7),
              true,
              Activation.NONE));

  static Stream<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (String path : new String[] {"scalar", "vector", "per-channel"}) {
      for (Case c : CASES) {
        if (!path.equals("per-channel") || c.c() == c.groups()) {
          cases.add(new Object[] {path, c});
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void equalsConv2dWithinTheReassociationBound(String path, Case c) {
    Random random = new Random(c.name().hashCode());
    Shape ws =
        Shape.of(c.m(), c.c() / c.groups(), c.window().kernelHeight(), c.window().kernelWidth());
    FloatTensor weights = gaussian(random, ws, 1.0);
    FloatTensor bias = c.bias() ? gaussian(random, Shape.of(c.m()), 1.0) : null;
    Conv2d reference = new Conv2d(weights, bias, c.window(), c.groups(), c.activation());
    Conv2d magnitudes =
        new Conv2d(
            abs(weights), bias == null ? null : abs(bias), c.window(), c.groups(), Activation.NONE);
    ConvGeometry g = ConvGeometry.of(c.c(), c.h(), c.w(), c.m(), c.groups(), c.window());
    FloatConv kernel =
        kernel(path, g, weights.toArray(), bias == null ? null : bias.toArray(), c.activation());
    int n = g.channelsPerGroup() * g.taps() + 1;
    double u = Math.ulp(1.0f) / 2;
    double gamma = n * u / (1 - n * u);
    int batch = 3;
    FloatTensor xs = gaussian(random, Shape.of(batch, c.c(), c.h(), c.w()), 1.0);
    float[] expected = reference.apply(xs).toArray();
    float[] bound = magnitudes.apply(abs(xs)).toArray();
    int in = c.c() * c.h() * c.w();
    int out = g.outChannels() * g.outPlane();
    float[] y = new float[out];
    for (int s = 0; s < batch; s++) {
      float[] x = java.util.Arrays.copyOfRange(xs.toArray(), s * in, (s + 1) * in);
      java.util.Arrays.fill(y, Float.NaN);
      kernel.forward(x, y);
      for (int i = 0; i < out; i++) {
        double tolerance = 2 * gamma * bound[s * out + i] + Float.MIN_NORMAL;
        double error = Math.abs((double) y[i] - expected[s * out + i]);
        assertTrue(
            error <= tolerance,
            kernel.name()
                + " "
                + c
                + " sample "
                + s
                + " @"
                + i
                + ": "
                + y[i]
                + " vs reference "
                + expected[s * out + i]
                + ", bound "
                + tolerance);
      }
    }
  }

  /**
   * {@code forwardCentred(q, zp)} is {@code forward} of {@code q - zp} bit for bit, on every case
   * (padding, strides, dilation, groups, partial channel blocks) and zero points at both ends.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void forwardCentredIsForwardOfTheCentredCodes(String path, Case c) {
    Random random = new Random(c.name().hashCode() + 1);
    ConvGeometry g = ConvGeometry.of(c.c(), c.h(), c.w(), c.m(), c.groups(), c.window());
    float[] w = new float[c.m() * g.channelsPerGroup() * g.taps()];
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextInt(256) - 128;
    }
    FloatConv kernel = kernel(path, g, w, null, Activation.NONE);
    int in = c.c() * c.h() * c.w();
    int out = g.outChannels() * g.outPlane();
    for (int zero : new int[] {-128, 0, 127, 9}) {
      byte[] q = new byte[in];
      float[] x = new float[in];
      for (int i = 0; i < in; i++) {
        q[i] = (byte) (i % 7 == 0 ? (i % 2 == 0 ? -128 : 127) : random.nextInt(256) - 128);
        x[i] = q[i] - zero;
      }
      float[] expected = new float[out];
      kernel.forward(x, expected);
      float[] y = new float[out];
      java.util.Arrays.fill(y, Float.NaN);
      kernel.forwardCentred(q, zero, y);
      assertArrayEquals(expected, y, kernel.name() + " " + c + " zp " + zero);
    }
  }

  /**
   * The fused 2x2 stride-2 max pool is the convolution then {@link MaxPool2d} bit for bit, on every
   * case (odd heights and widths leave a row or column no window covers, a 1x1 output pools to
   * nothing), floats with bias and activation, and centred codes at both zero-point ends; three
   * samples through one kernel.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void maxPool2IsTheConvolutionThenMaxPool2d(String path, Case c) {
    Random random = new Random(c.name().hashCode() + 2);
    ConvGeometry g = ConvGeometry.of(c.c(), c.h(), c.w(), c.m(), c.groups(), c.window());
    float[] w = new float[c.m() * g.channelsPerGroup() * g.taps()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian();
    }
    float[] bias = new float[c.m()];
    for (int i = 0; i < bias.length; i++) {
      bias[i] = (float) random.nextGaussian();
    }
    FloatConv kernel = kernel(path, g, w, c.bias() ? bias : null, c.activation());
    float[] qw = new float[w.length];
    for (int i = 0; i < qw.length; i++) {
      qw[i] = random.nextInt(256) - 128;
    }
    FloatConv integer = kernel(path, g, qw, null, Activation.NONE);
    MaxPool2d pool = new MaxPool2d(Window2d.of(2, 2).withStrides(2, 2));
    Shape full = Shape.of(1, c.m(), g.outHeight(), g.outWidth());
    int in = c.c() * c.h() * c.w();
    int pooled = c.m() * (g.outHeight() / 2) * (g.outWidth() / 2);
    for (int s = 0; s < 3; s++) {
      float[] x = new float[in];
      byte[] q = new byte[in];
      for (int i = 0; i < in; i++) {
        x[i] = (float) random.nextGaussian();
        q[i] = (byte) (i % 7 == 0 ? (i % 2 == 0 ? -128 : 127) : random.nextInt(256) - 128);
      }
      float[] y = new float[g.outChannels() * g.outPlane()];
      kernel.forward(x, y);
      float[] expected = pooled == 0 ? y : pool.apply(FloatTensor.of(full, y)).toArray();
      expected = java.util.Arrays.copyOf(expected, pooled);
      float[] fused = new float[pooled];
      java.util.Arrays.fill(fused, Float.NaN);
      kernel.forwardMaxPool2(x, fused);
      assertArrayEquals(expected, fused, kernel.name() + " " + c + " sample " + s);
      int zero = s == 0 ? -128 : s == 1 ? 127 : 3;
      integer.forwardCentred(q, zero, y);
      expected = pooled == 0 ? y : pool.apply(FloatTensor.of(full, y)).toArray();
      expected = java.util.Arrays.copyOf(expected, pooled);
      java.util.Arrays.fill(fused, Float.NaN);
      integer.forwardCentredMaxPool2(q, zero, fused);
      assertArrayEquals(expected, fused, kernel.name() + " " + c + " codes, zp " + zero);
    }
  }

  /**
   * The static integer kernels' contract: integer weights in [-128, 127] and centred int8 codes in
   * [-255, 255] with a fan-in up to 512 sum exactly (every partial sum an integer within 2^24), so
   * the float kernel's sums equal the int32 ones bit for bit whatever the order; extremes at every
   * tap.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void integerSumsAreExactUpToFanIn512(String path) {
    Random random = new Random(512);
    int c = 128;
    int m = 37;
    ConvGeometry g = ConvGeometry.of(c, 5, 4, m, 1, Window2d.of(2, 2).withPads(1, 0, 0, 1));
    float[] w = new float[m * c * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 3 == 0 ? (i % 2 == 0 ? -128 : 127) : random.nextInt(256) - 128;
    }
    float[] x = new float[c * 5 * 4];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 5 == 0 ? (i % 2 == 0 ? -255 : 255) : random.nextInt(511) - 255;
    }
    x[0] = 255; // with w = -128 at tap 0 of channel 0
    FloatConv kernel = kernel(path, g, w, null, Activation.NONE);
    float[] y = new float[m * g.outPlane()];
    kernel.forward(x, y);
    for (int mo = 0; mo < m; mo++) {
      for (int oy = 0; oy < g.outHeight(); oy++) {
        for (int ox = 0; ox < g.outWidth(); ox++) {
          long sum = 0;
          for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < 2; ky++) {
              for (int kx = 0; kx < 2; kx++) {
                int iy = oy + ky - 1;
                int ix = ox + kx;
                if (iy >= 0 && iy < 5 && ix >= 0 && ix < 4) {
                  sum +=
                      (long) w[((mo * c + ci) * 2 + ky) * 2 + kx]
                          * (long) x[(ci * 5 + iy) * 4 + ix];
                }
              }
            }
          }
          float got = y[(mo * g.outHeight() + oy) * g.outWidth() + ox];
          org.junit.jupiter.api.Assertions.assertEquals(
              sum, (long) got, kernel.name() + " @" + mo + "," + oy + "," + ox);
          org.junit.jupiter.api.Assertions.assertEquals((float) sum, got);
        }
      }
    }
  }

  /**
   * The same exactness on the row tiles (16-wide rows fill their lanes at both widths): fan-in 504
   * (56 channels, 3x3), extremes of weights and centred codes, equal bit for bit to {@link Conv2d},
   * whose float sums of these integers are exact too.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void integerSumsAreExactOnRowTiles(String path) {
    Random random = new Random(504);
    int c = 56;
    int m = 11;
    Window2d window = Window2d.of(3, 3).withPads(1, 1, 1, 1);
    ConvGeometry g = ConvGeometry.of(c, 6, 16, m, 1, window);
    float[] w = new float[m * c * 9];
    for (int i = 0; i < w.length; i++) {
      w[i] = i % 3 == 0 ? (i % 2 == 0 ? -128 : 127) : random.nextInt(256) - 128;
    }
    float[] x = new float[c * 6 * 16];
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 5 == 0 ? (i % 2 == 0 ? -255 : 255) : random.nextInt(511) - 255;
    }
    FloatConv kernel = kernel(path, g, w, null, Activation.NONE);
    float[] y = new float[m * g.outPlane()];
    kernel.forward(x, y);
    float[] expected =
        new Conv2d(FloatTensor.of(Shape.of(m, c, 3, 3), w), null, window, 1, Activation.NONE)
            .apply(FloatTensor.of(Shape.of(1, c, 6, 16), x))
            .toArray();
    assertArrayEquals(expected, y, kernel.name());
  }

  static Stream<String> paths() {
    return Stream.of("scalar", "vector");
  }

  /**
   * The plan's tile choice: row tiles for stride-1-wide layers whose spare lanes waste at most 3
   * vector multiply-adds per output (the Fashion CNN's conv2: fan-in 144, 14 of 16 lanes), channel
   * tiles otherwise (stride 2 along rows; 5-wide rows on 16 lanes; the 64 -> 64 3x3 on 28x28,
   * fan-in 576 on 28 of 32 lanes).
   */
  @Test
  void rowTilesRunContiguousRowsWhoseSpareLanesCostLittle() {
    ConvGeometry conv2 =
        ConvGeometry.of(16, 14, 14, 32, 1, Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER));
    ConvGeometry strided = ConvGeometry.of(16, 14, 14, 32, 1, Window2d.of(3, 3).withStrides(1, 2));
    ConvGeometry wide =
        ConvGeometry.of(64, 28, 28, 64, 1, Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER));
    assertTrue(RowSegments.suits(conv2, 16) && RowSegments.suits(conv2, 8));
    assertTrue(!RowSegments.suits(strided, 8));
    assertTrue(!RowSegments.suits(wide, 16) && !RowSegments.suits(wide, 8));
    assertTrue(!RowSegments.suits(ConvGeometry.of(4, 5, 5, 8, 1, Window2d.of(1, 1)), 16));
    Optional<FloatConv> vector =
        ConvKernels.vectorFp32(conv2, new float[32 * 16 * 9], null, Activation.NONE);
    vector.ifPresent(k -> assertTrue(k.name().contains("row positions"), k.name()));
    Optional<FloatConv> channels =
        ConvKernels.vectorFp32(strided, new float[32 * 16 * 9], null, Activation.NONE);
    channels.ifPresent(k -> assertTrue(k.name().contains("pixels"), k.name()));
  }

  /**
   * Row segments: a 28-wide row on 16 lanes is cut at 0 and 12 (the last moved back to the row's
   * end); 14-wide rows take one segment each whose 2 spare lanes spill into the next row, except
   * the plane's last row, which stores its 14 positions only; the list is padded with its last
   * segment to whole tiles.
   */
  @Test
  void rowSegmentsCoverEachRowOnceInAscendingOrder() {
    RowSegments wide = new RowSegments(ConvGeometry.of(1, 2, 28, 1, 1, Window2d.of(1, 1)), 16, 3);
    assertArrayEquals(new int[] {0, 12, 28, 40, 40, 40}, wide.outputOffsets);
    ConvGeometry narrow =
        ConvGeometry.of(1, 14, 14, 1, 1, Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER));
    RowSegments rows = new RowSegments(narrow, 16, 3);
    assertTrue(rows.count == 15 && rows.positions == 14, rows.count + " " + rows.positions);
    assertTrue(rows.whole[12] && !rows.whole[13] && !rows.whole[14]);
    assertTrue(rows.inputOffsets[1] == 16 && rows.outputOffsets[13] == 13 * 14);
  }

  @Test
  void perChannelKernelNeedsOneInputChannelPerGroup() {
    ConvGeometry g = ConvGeometry.of(2, 4, 4, 3, 1, Window2d.of(3, 3));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConvKernels.perChannelFp32(g, new float[54], null, Activation.NONE));
    assertTrue(e.getMessage().contains("C / groups = 2"), e.getMessage());
  }

  @Test
  void rejectsMisfitLengths() {
    ConvGeometry g = ConvGeometry.of(2, 4, 4, 3, 1, Window2d.of(3, 3));
    assertThrows(
        IllegalArgumentException.class,
        () -> ConvKernels.scalarFp32(g, new float[53], null, Activation.NONE));
    FloatConv k = ConvKernels.scalarFp32(g, new float[54], null, Activation.NONE);
    assertThrows(IllegalArgumentException.class, () -> k.forward(new float[31], new float[12]));
    assertThrows(IllegalArgumentException.class, () -> k.forward(new float[32], new float[11]));
  }

  /**
   * Without bias and activation the per-channel kernel skips its bias and clamp pass: its sums,
   * plain, centred and pooled, equal bit for bit those of the same kernel with an explicit zero
   * bias (which runs the pass), -0.0 inputs and exact zero sums included (every such sum is +0.0),
   * on a first layer (1 input channel, rows wider and narrower than a vector) and a depthwise one.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("perChannelPaths")
  void perChannelKernelWithoutBiasOrActivationKeepsItsSumsBitForBit(String path) {
    Random random = new Random(41);
    ConvGeometry[] geometries = {
      ConvGeometry.of(1, 28, 28, 16, 1, Window2d.of(3, 3).withPads(1, 1, 1, 1)),
      ConvGeometry.of(1, 9, 7, 5, 1, Window2d.of(3, 3).withPads(1, 1, 1, 1)),
      ConvGeometry.of(6, 19, 21, 6, 6, Window2d.of(3, 3))
    };
    for (ConvGeometry g : geometries) {
      float[] w = new float[g.outChannels() * g.taps()];
      for (int i = 0; i < w.length; i++) {
        // zero and negative weights times -0.0 inputs make exact zeros of both signs
        w[i] = i % 4 == 0 ? 0f : random.nextInt(256) - 128;
      }
      FloatConv plain = kernel(path, g, w, null, Activation.NONE);
      FloatConv zeroBias = kernel(path, g, w, new float[g.outChannels()], Activation.NONE);
      int in = g.inChannels() * g.inHeight() * g.inWidth();
      float[] x = new float[in];
      byte[] q = new byte[in];
      for (int i = 0; i < in; i++) {
        x[i] = i % 3 == 0 ? -0.0f : random.nextInt(511) - 255;
        q[i] = (byte) (random.nextInt(256) - 128);
      }
      int out = g.outChannels() * g.outPlane();
      int pooled = g.outChannels() * (g.outHeight() / 2) * (g.outWidth() / 2);
      float[] expected = new float[out];
      float[] y = new float[out];
      zeroBias.forward(x, expected);
      plain.forward(x, y);
      assertBitsEqual(expected, y, plain.name() + " forward");
      zeroBias.forwardCentred(q, 7, expected);
      plain.forwardCentred(q, 7, y);
      assertBitsEqual(expected, y, plain.name() + " forwardCentred");
      float[] expectedPooled = new float[pooled];
      float[] yPooled = new float[pooled];
      zeroBias.forwardCentredMaxPool2(q, -128, expectedPooled);
      plain.forwardCentredMaxPool2(q, -128, yPooled);
      assertBitsEqual(expectedPooled, yPooled, plain.name() + " forwardCentredMaxPool2");
    }
  }

  /**
   * The per-channel kernel's pool (on vectors for even output widths of at least a vector, scalar
   * otherwise) is the convolution then {@link MaxPool2d} bit for bit: widths around both vector
   * lengths (8, 16) even and odd, odd heights (the last row dropped), several channels so the pairs
   * of one row follow the last row of the channel before, and NaN and infinite values (a 1x1
   * identity window passes them through, with a bias and ReLU).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("perChannelPaths")
  void perChannelPoolIsTheConvolutionThenMaxPool2d(String path) {
    Random random = new Random(43);
    float[] specials = {
      Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1f, -1f
    };
    MaxPool2d pool = new MaxPool2d(Window2d.of(2, 2).withStrides(2, 2));
    for (int width : new int[] {8, 9, 14, 16, 17, 18, 28, 31, 32, 34}) {
      for (int height : new int[] {2, 3, 7, 28}) {
        for (boolean identity : new boolean[] {true, false}) {
          int c = 3;
          Window2d window = identity ? Window2d.of(1, 1) : Window2d.of(3, 3).withPads(1, 1, 1, 1);
          ConvGeometry g = ConvGeometry.of(c, height, width, c, c, window);
          float[] w = new float[c * g.taps()];
          for (int i = 0; i < w.length; i++) {
            w[i] = identity ? 1f : (float) random.nextGaussian();
          }
          float[] bias = {0.5f, -0.25f, 0f};
          FloatConv kernel = kernel(path, g, w, bias, Activation.RELU);
          float[] x = new float[c * height * width];
          for (int i = 0; i < x.length; i++) {
            x[i] =
                random.nextInt(9) == 0
                    ? specials[random.nextInt(specials.length)]
                    : (float) random.nextGaussian();
          }
          float[] full = new float[c * g.outPlane()];
          kernel.forward(x, full);
          Shape shape = Shape.of(1, c, g.outHeight(), g.outWidth());
          float[] expected = pool.apply(FloatTensor.of(shape, full)).toArray();
          float[] pooled = new float[expected.length];
          java.util.Arrays.fill(pooled, 42f);
          kernel.forwardMaxPool2(x, pooled);
          assertArrayEquals(
              expected, pooled, kernel.name() + " " + width + "x" + height + " " + window);
        }
      }
    }
  }

  static Stream<String> perChannelPaths() {
    return Stream.of("scalar", "per-channel");
  }

  private static void assertBitsEqual(float[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        throw new AssertionError(
            what + ": at " + i + " expected " + expected[i] + " but was " + actual[i]);
      }
    }
  }

  private static FloatConv kernel(String path, ConvGeometry g, float[] w, float[] b, Activation a) {
    if (path.equals("scalar")) {
      return ConvKernels.scalarFp32(g, w, b, a);
    }
    Optional<FloatConv> vector =
        path.equals("per-channel")
            ? ConvKernels.vectorPerChannelFp32(g, w, b, a)
            : ConvKernels.vectorFp32(g, w, b, a);
    assumeTrue(
        vector.isPresent(),
        "the Vector API is unavailable in this run (--add-modules jdk.incubator.vector)");
    return vector.get();
  }

  private static FloatTensor abs(FloatTensor t) {
    float[] v = t.toArray();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.abs(v[i]);
    }
    return FloatTensor.of(t.shape(), v);
  }

  /** Normal values with standard deviation {@code sigma}, seeded. */
  private static FloatTensor gaussian(Random r, Shape shape, double sigma) {
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (r.nextGaussian() * sigma);
    }
    return FloatTensor.of(shape, v);
  }
}
