package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.reference.ConvInteger;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Conv2dTest {
  @Test
  void computesASmallConvolutionByHand() {
    // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,0],[0,-1]], bias 10: y = x[i][j] - x[i+1][j+1] + 10 =
    // 6
    FloatTensor x = FloatTensor.of(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 2, 2), 1, 0, 0, -1);
    Conv2d conv =
        new Conv2d(w, FloatTensor.of(Shape.of(1), 10f), Window2d.of(2, 2), 1, Activation.NONE);
    assertEquals(FloatTensor.of(Shape.of(1, 1, 2, 2), 6, 6, 6, 6), conv.apply(x));
  }

  @Test
  void paddedCellsReadAsZero() {
    // 1x1 input 5, 3x3 kernel of ones, pad 1: only the centre cell is real
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1);
    Conv2d conv = new Conv2d(w, null, Window2d.of(3, 3).withPads(1, 1, 1, 1), 1, Activation.NONE);
    assertEquals(
        FloatTensor.of(Shape.of(1, 1, 1, 1), 5f),
        conv.apply(FloatTensor.of(Shape.of(1, 1, 1, 1), 5f)));
  }

  @Test
  void fusedReluAndRelu6ClampTheOutput() {
    FloatTensor x = FloatTensor.of(Shape.of(1, 1, 1, 3), -2, 3, 9);
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 1, 1), 1);
    assertEquals(
        FloatTensor.of(Shape.of(1, 1, 1, 3), 0, 3, 9),
        new Conv2d(w, null, Window2d.of(1, 1), 1, Activation.RELU).apply(x));
    assertEquals(
        FloatTensor.of(Shape.of(1, 1, 1, 3), 0, 3, 6),
        new Conv2d(w, null, Window2d.of(1, 1), 1, Activation.RELU6).apply(x));
  }

  @Test
  void depthwiseConvolvesEachChannelWithItsOwnFilter() {
    // two channels, groups 2: channel 0 doubled, channel 1 negated
    FloatTensor x = FloatTensor.of(Shape.of(1, 2, 1, 2), 1, 2, 3, 4);
    FloatTensor w = FloatTensor.of(Shape.of(2, 1, 1, 1), 2, -1);
    Conv2d conv = new Conv2d(w, null, Window2d.of(1, 1), 2, Activation.NONE);
    assertEquals(FloatTensor.of(Shape.of(1, 2, 1, 2), 2, 4, -3, -4), conv.apply(x));
  }

  /**
   * On integer-valued operands every float32 partial sum is exact, so the float convolution must
   * equal ConvInteger (an independent implementation over any number of spatial axes) exactly, on
   * random odd shapes, strides, dilations, groups and all padding modes.
   */
  @Test
  void equalsConvIntegerOnIntegerValuedRandomShapes() {
    Random r = new Random(20261127);
    for (int t = 0; t < 300; t++) {
      int groups = 1 + r.nextInt(3);
      int cPerGroup = 1 + r.nextInt(3);
      int m = groups * (1 + r.nextInt(3));
      Window2d window = ConvTesting.randomWindow(r);
      int h = window.dilationHeight() * (window.kernelHeight() - 1) + 1 + r.nextInt(6);
      int wd = window.dilationWidth() * (window.kernelWidth() - 1) + 1 + r.nextInt(6);
      FloatTensor x =
          ConvTesting.integerFloats(
              r, Shape.of(1 + r.nextInt(2), groups * cPerGroup, h, wd), -128, 127);
      FloatTensor w =
          ConvTesting.integerFloats(
              r, Shape.of(m, cPerGroup, window.kernelHeight(), window.kernelWidth()), -127, 127);
      FloatTensor y = new Conv2d(w, null, window, groups, Activation.NONE).apply(x);
      IntTensor expected =
          ConvInteger.apply(
              ConvTesting.toInt8(x),
              ConvTesting.toInt8(w),
              null,
              null,
              ConvTesting.attributes(window, groups));
      assertEquals(expected.shape(), y.shape(), window::toString);
      float[] want = new float[expected.size()];
      for (int i = 0; i < want.length; i++) {
        want[i] = expected.get(i);
      }
      assertArrayEquals(want, y.toArray(), () -> window + " groups " + groups);
    }
  }

  @Test
  void rejectsAnInputWithTheWrongChannelCount() {
    Conv2d conv =
        new Conv2d(
            FloatTensor.of(Shape.of(1, 2, 1, 1), 1, 1),
            null,
            Window2d.of(1, 1),
            1,
            Activation.NONE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> conv.apply(FloatTensor.of(Shape.of(1, 3, 1, 1), 1, 2, 3)));
    assertEquals("x: shape [1, 3, 1, 1] has 3 channels, expected 2", e.getMessage());
  }

  @Test
  void rejectsWeightsWhoseKernelDiffersFromTheWindow() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    FloatTensor.of(Shape.of(1, 1, 1, 1), 1),
                    null,
                    Window2d.of(3, 3),
                    1,
                    Activation.NONE));
    assertEquals(
        "weights: shape [1, 1, 1, 1] has a 1x1 kernel, expected the window's 3x3", e.getMessage());
  }

  @Test
  void rejectsGroupsThatDoNotDivideTheOutputChannels() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    FloatTensor.of(Shape.of(3, 1, 1, 1), 1, 1, 1),
                    null,
                    Window2d.of(1, 1),
                    2,
                    Activation.NONE));
    assertEquals(
        "groups: 2 with 3 output channels, expected a positive divisor of the output channels",
        e.getMessage());
  }

  @Test
  void rejectsABiasOfTheWrongLength() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Conv2d(
                    FloatTensor.of(Shape.of(2, 1, 1, 1), 1, 1),
                    FloatTensor.of(Shape.of(3), 1, 2, 3),
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE));
    assertEquals("bias: shape [3], expected [2]", e.getMessage());
  }
}
