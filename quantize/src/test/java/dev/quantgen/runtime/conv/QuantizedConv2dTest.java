package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.reference.ConvInteger;
import dev.quantgen.quantize.reference.QLinearConv;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FixedPoint;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedConv2dTest {
  private static final QuantParams UNIT = QuantParams.perTensor(1f, 0, QuantType.INT8);

  /** One random layer on odd shapes, with its float operands. */
  private record Case(
      QuantizedConv2d layer,
      IntTensor x,
      QuantParams in,
      QuantParams out,
      Window2d window,
      int groups) {
    static Case random(Random r, Activation activation, RequantMode mode) {
      int groups = 1 + r.nextInt(3);
      int cPerGroup = 1 + r.nextInt(4);
      int m = groups * (1 + r.nextInt(3));
      Window2d window = ConvTesting.randomWindow(r);
      int h = window.dilationHeight() * (window.kernelHeight() - 1) + 1 + r.nextInt(6);
      int w = window.dilationWidth() * (window.kernelWidth() - 1) + 1 + r.nextInt(6);
      FloatTensor weights =
          ConvTesting.gaussian(
              r, Shape.of(m, cPerGroup, window.kernelHeight(), window.kernelWidth()), 0.3);
      FloatTensor bias = ConvTesting.gaussian(r, Shape.of(m), 0.5);
      QuantParams in =
          RangeQuantizer.asymmetric(-1f - r.nextFloat(), 1f + 3 * r.nextFloat(), QuantType.INT8);
      QuantParams out =
          RangeQuantizer.asymmetric(-2f * r.nextFloat(), 1f + 4 * r.nextFloat(), QuantType.INT8);
      QuantizedConv2d layer =
          QuantizedConv2d.quantize(weights, bias, window, groups, activation, in, out, mode);
      IntTensor x = ConvTesting.int8(r, Shape.of(1 + r.nextInt(2), groups * cPerGroup, h, w));
      return new Case(layer, x, in, out, window, groups);
    }

    IntTensor convInteger() {
      return ConvInteger.apply(
          x,
          layer.quantizedWeights(),
          in.zeroPoints(),
          null,
          ConvTesting.attributes(window, groups));
    }
  }

  @Test
  void accumulatorEqualsConvIntegerPlusTheInt32Bias() {
    Random r = new Random(11);
    for (int t = 0; t < 200; t++) {
      Case c = Case.random(r, Activation.NONE, RequantMode.INTEGER);
      IntTensor expected = c.convInteger();
      IntTensor acc = c.layer.accumulate(c.x);
      assertEquals(expected.shape(), acc.shape());
      int plane = acc.shape().dim(2) * acc.shape().dim(3);
      int channels = acc.shape().dim(1);
      for (int i = 0; i < acc.size(); i++) {
        assertEquals(
            expected.get(i) + c.layer.quantizedBias().get(i / plane % channels),
            acc.get(i),
            () -> c.window + " groups " + c.groups);
      }
    }
  }

  @Test
  void onnxModeEqualsQLinearConvBitForBit() {
    Random r = new Random(12);
    for (int t = 0; t < 200; t++) {
      Case c = Case.random(r, Activation.NONE, RequantMode.FLOAT);
      IntTensor expected =
          QLinearConv.apply(
              c.x,
              c.in.scales(),
              c.in.zeroPoints(),
              c.layer.quantizedWeights(),
              c.layer.weightScales(),
              IntTensor.scalar(QuantType.INT8, 0),
              c.out.scales(),
              c.out.zeroPoints(),
              c.layer.quantizedBias(),
              ConvTesting.attributes(c.window, c.groups));
      assertEquals(expected, c.layer.apply(c.x), () -> c.window + " groups " + c.groups);
    }
  }

  /**
   * A layer built from parameters quantized elsewhere (a QDQ model's): uint8 weights with a zero
   * point per output channel, passed as {@code qw - zw} (int16 where a difference leaves int8),
   * equal QLinearConv on the original uint8 operands bit for bit.
   */
  @Test
  void ofQuantizedWithWeightZeroPointsEqualsQLinearConvOnTheUint8Weights() {
    Random r = new Random(16);
    for (int t = 0; t < 100; t++) {
      Case c = Case.random(r, Activation.NONE, RequantMode.FLOAT);
      IntTensor floatPath = c.layer.quantizedWeights();
      int m = floatPath.shape().dim(0);
      int perChannel = floatPath.size() / m;
      int[] zw = new int[m];
      int[] qw = new int[floatPath.size()];
      int[] centred = new int[qw.length];
      boolean wide = false;
      for (int k = 0; k < m; k++) {
        zw[k] = r.nextInt(256);
      }
      for (int i = 0; i < qw.length; i++) {
        qw[i] = r.nextInt(256);
        centred[i] = qw[i] - zw[i / perChannel];
        wide |= centred[i] < -128 || centred[i] > 127;
      }
      float[] sw = c.layer.weightScales().toArray();
      QuantizedConv2d layer =
          QuantizedConv2d.ofQuantized(
              IntTensor.of(floatPath.shape(), wide ? QuantType.INT16 : QuantType.INT8, centred),
              sw,
              c.layer.quantizedBias().toArray(),
              c.window,
              c.groups,
              Activation.NONE,
              c.in,
              c.out,
              RequantMode.FLOAT);
      IntTensor expected =
          QLinearConv.apply(
              c.x,
              c.in.scales(),
              c.in.zeroPoints(),
              IntTensor.of(floatPath.shape(), QuantType.UINT8, qw),
              c.layer.weightScales(),
              IntTensor.of(Shape.of(m), QuantType.UINT8, zw),
              c.out.scales(),
              c.out.zeroPoints(),
              c.layer.quantizedBias(),
              ConvTesting.attributes(c.window, c.groups));
      assertEquals(expected, layer.apply(c.x), () -> c.window + " groups " + c.groups);
    }
  }

  @Test
  void ofQuantizedWithTheQuantizersOwnParametersIsTheSameLayer() {
    Random r = new Random(17);
    for (int t = 0; t < 50; t++) {
      Case c = Case.random(r, Activation.RELU6, RequantMode.INTEGER);
      QuantizedConv2d copy =
          QuantizedConv2d.ofQuantized(
              c.layer.quantizedWeights(),
              c.layer.weightScales().toArray(),
              c.layer.quantizedBias().toArray(),
              c.window,
              c.groups,
              Activation.RELU6,
              c.in,
              c.out,
              RequantMode.INTEGER);
      assertEquals(c.layer.apply(c.x), copy.apply(c.x));
    }
  }

  @Test
  void ofQuantizedRejectsAWeightBeyondAnEightBitDifference() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedConv2d.ofQuantized(
                    IntTensor.of(Shape.of(1, 1, 1, 1), QuantType.INT16, 256),
                    new float[] {1f},
                    new int[1],
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    UNIT,
                    UNIT,
                    RequantMode.FLOAT));
    assertEquals(
        "weights: element 0 is 256, expected -255..255 (an 8-bit weight minus its 8-bit zero point)",
        e.getMessage());
  }

  @Test
  void integerModeAppliesTheFixedPointMultiplierToEachAccumulator() {
    Random r = new Random(13);
    for (int t = 0; t < 200; t++) {
      Case c = Case.random(r, Activation.NONE, RequantMode.INTEGER);
      IntTensor acc = c.layer.accumulate(c.x);
      IntTensor y = c.layer.apply(c.x);
      float sx = c.in.scales().get(0);
      float sy = c.out.scales().get(0);
      int zy = c.out.zeroPoints().get(0);
      int plane = acc.shape().dim(2) * acc.shape().dim(3);
      for (int i = 0; i < acc.size(); i++) {
        int m = i / plane % acc.shape().dim(1);
        FixedPoint.Multiplier mult =
            FixedPoint.quantizeMultiplier((double) sx * c.layer.weightScales().get(m) / sy);
        assertEquals(QuantType.INT8.saturate((long) zy + mult.apply(acc.get(i))), y.get(i));
      }
    }
  }

  @Test
  void reluClampsAtTheOutputZeroPointAndRelu6AtQuantizedSix() {
    Random r = new Random(14);
    for (int t = 0; t < 50; t++) {
      long seed = r.nextLong();
      IntTensor plain =
          Case.random(new Random(seed), Activation.NONE, RequantMode.INTEGER)
              .layer
              .apply(Case.random(new Random(seed), Activation.NONE, RequantMode.INTEGER).x);
      Case relu = Case.random(new Random(seed), Activation.RELU, RequantMode.INTEGER);
      Case relu6 = Case.random(new Random(seed), Activation.RELU6, RequantMode.INTEGER);
      int zy = relu.out.zeroPoints().get(0);
      int six = QuantType.INT8.saturate(Math.rint(6f / relu.out.scales().get(0)) + zy);
      IntTensor yRelu = relu.layer.apply(relu.x);
      IntTensor yRelu6 = relu6.layer.apply(relu6.x);
      for (int i = 0; i < plain.size(); i++) {
        assertEquals(Math.max(zy, plain.get(i)), yRelu.get(i));
        assertEquals(Math.min(six, Math.max(zy, plain.get(i))), yRelu6.get(i));
      }
    }
  }

  @Test
  void weightsAreSymmetricPerOutputChannelOnTheRestrictedRange() {
    // channel 0: max |w| = 2 -> scale 2/127; channel 1: max |w| = 0.5; -2 maps to -127, never -128
    FloatTensor w = FloatTensor.of(Shape.of(2, 1, 1, 2), -2f, 1f, 0.5f, 0.25f);
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            w, null, Window2d.of(1, 2), 1, Activation.NONE, UNIT, UNIT, RequantMode.INTEGER);
    assertEquals(FloatTensor.of(Shape.of(2), 2f / 127, 0.5f / 127), layer.weightScales());
    assertArrayEquals(
        new int[] {-127, 64, 127, 64}, layer.quantizedWeights().toArray()); // 63.5 -> 64 (even)
  }

  @Test
  void int4WeightsAreSymmetricPerOutputChannelOnMinusSevenToSeven() {
    // channel 0: max |w| = 7 -> scale 1, 2.5 -> 2 (even); channel 1: max |w| = 1.75 -> scale 0.25,
    // -0.625 / 0.25 = -2.5 -> -2 (even); -7 maps to -7, never -8
    FloatTensor w = FloatTensor.of(Shape.of(2, 1, 1, 2), -7f, 2.5f, 1.75f, -0.625f);
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            w,
            null,
            Window2d.of(1, 2),
            1,
            Activation.NONE,
            UNIT,
            UNIT,
            RequantMode.INTEGER,
            QuantType.INT4);
    assertEquals(QuantType.INT4, layer.weightType());
    assertEquals(FloatTensor.of(Shape.of(2), 1f, 0.25f), layer.weightScales());
    assertArrayEquals(new int[] {-7, 2, 7, -2}, layer.quantizedWeights().toArray());
  }

  @Test
  void int4WeightsRunTheSameIntegerKernelWithTheirOwnBiasScale() {
    Random r = new Random(23);
    for (int t = 0; t < 100; t++) {
      Window2d window = ConvTesting.randomWindow(r);
      int h = window.dilationHeight() * (window.kernelHeight() - 1) + 1 + r.nextInt(5);
      int w = window.dilationWidth() * (window.kernelWidth() - 1) + 1 + r.nextInt(5);
      int c = 1 + r.nextInt(3);
      int m = 1 + r.nextInt(4);
      FloatTensor weights =
          ConvTesting.gaussian(r, Shape.of(m, c, window.kernelHeight(), window.kernelWidth()), 0.3);
      FloatTensor bias = ConvTesting.gaussian(r, Shape.of(m), 0.5);
      QuantParams in =
          RangeQuantizer.asymmetric(-1f - r.nextFloat(), 1f + 3 * r.nextFloat(), QuantType.INT8);
      QuantizedConv2d layer =
          QuantizedConv2d.quantize(
              weights,
              bias,
              window,
              1,
              Activation.NONE,
              in,
              UNIT,
              RequantMode.FLOAT,
              QuantType.INT4);
      IntTensor qw = layer.quantizedWeights();
      for (int i = 0; i < qw.size(); i++) {
        assertTrue(qw.get(i) >= -7 && qw.get(i) <= 7, "weight " + qw.get(i) + " outside [-7, 7]");
      }
      for (int k = 0; k < m; k++) {
        assertEquals(
            Math.rint(bias.get(k) / (in.scales().get(0) * layer.weightScales().get(k))),
            layer.quantizedBias().get(k),
            "bias " + k);
      }
      IntTensor x = ConvTesting.int8(r, Shape.of(1, c, h, w));
      IntTensor expected =
          ConvInteger.apply(
              x,
              IntTensor.of(qw.shape(), QuantType.INT8, qw.toArray()),
              in.zeroPoints(),
              null,
              ConvTesting.attributes(window, 1));
      IntTensor acc = layer.accumulate(x);
      int plane = acc.shape().dim(2) * acc.shape().dim(3);
      for (int i = 0; i < acc.size(); i++) {
        assertEquals(
            expected.get(i) + layer.quantizedBias().get(i / plane % m),
            acc.get(i),
            "accumulator " + i);
      }
    }
  }

  @Test
  void rejectsAWeightTypeOtherThanInt8OrInt4() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedConv2d.quantize(
                    FloatTensor.of(Shape.of(1, 1, 1, 1), 1f),
                    null,
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    UNIT,
                    UNIT,
                    RequantMode.INTEGER,
                    QuantType.INT16));
    assertEquals("weightType: int16, expected int8 or int4", e.getMessage());
  }

  @Test
  void biasRoundsHalfToEven() {
    // weights max 127 -> sw = 1; sx = 1: bias 2.5 -> 2, -2.5 -> -2, 3.5 -> 4
    FloatTensor w = FloatTensor.of(Shape.of(3, 1, 1, 1), 127f, 127f, 127f);
    FloatTensor b = FloatTensor.of(Shape.of(3), 2.5f, -2.5f, 3.5f);
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            w, b, Window2d.of(1, 1), 1, Activation.NONE, UNIT, UNIT, RequantMode.INTEGER);
    assertArrayEquals(new int[] {2, -2, 4}, layer.quantizedBias().toArray());
  }

  @Test
  void paddingActsAsTheInputZeroPoint() {
    // zx = 5: an input of all 5s is real 0 everywhere, padding included, so every accumulator is 0
    QuantParams in = QuantParams.perTensor(0.1f, 5, QuantType.INT8);
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 3, 3), 1, 1, 1, 1, 1, 1, 1, 1, 1);
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            w,
            null,
            Window2d.of(3, 3).withPadMode(PadMode.SAME_UPPER),
            1,
            Activation.NONE,
            in,
            UNIT,
            RequantMode.INTEGER);
    IntTensor x = IntTensor.of(Shape.of(1, 1, 2, 2), QuantType.INT8, 5, 5, 5, 5);
    assertArrayEquals(new int[4], layer.accumulate(x).toArray());
  }

  @Test
  void outputSaturatesInsteadOfWrapping() {
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 1, 1), 1f);
    QuantParams out =
        QuantParams.perTensor(0.001f, 0, QuantType.INT8); // 1.0 -> 1000, -1.008 -> -1008
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            w,
            null,
            Window2d.of(1, 1),
            1,
            Activation.NONE,
            QuantParams.perTensor(1f / 127, 0, QuantType.INT8),
            out,
            RequantMode.INTEGER);
    IntTensor y = layer.apply(IntTensor.of(Shape.of(1, 1, 1, 2), QuantType.INT8, 127, -128));
    assertArrayEquals(new int[] {127, -128}, y.toArray());
  }

  @Test
  void rejectsALayerWhoseAccumulatorCouldOverflow() {
    // fan-in 66,400: 66,400 * 255 * 127 > 2^31 - 1
    FloatTensor w = FloatTensor.of(Shape.of(1, 66_400, 1, 1), new float[66_400]);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedConv2d.quantize(
                    w,
                    null,
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    UNIT,
                    UNIT,
                    RequantMode.INTEGER));
    assertTrue(e.getMessage().startsWith("weights: fan-in 66400"), e.getMessage());
  }

  @Test
  void rejectsPerAxisActivationParameters() {
    QuantParams perAxis = QuantParams.perAxis(1, new float[] {1f}, new int[] {0}, QuantType.INT8);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedConv2d.quantize(
                    FloatTensor.of(Shape.of(1, 1, 1, 1), 1f),
                    null,
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    perAxis,
                    UNIT,
                    RequantMode.INTEGER));
    assertTrue(e.getMessage().startsWith("input: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("expected per-tensor int8 parameters"), e.getMessage());
  }

  @Test
  void rejectsANonInt8Input() {
    QuantizedConv2d layer =
        QuantizedConv2d.quantize(
            FloatTensor.of(Shape.of(1, 1, 1, 1), 1f),
            null,
            Window2d.of(1, 1),
            1,
            Activation.NONE,
            UNIT,
            UNIT,
            RequantMode.INTEGER);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> layer.apply(IntTensor.of(Shape.of(1, 1, 1, 1), QuantType.UINT8, 200)));
    assertEquals("x: type uint8, expected int8", e.getMessage());
  }

  @Test
  void rejectsANonFiniteBias() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                QuantizedConv2d.quantize(
                    FloatTensor.of(Shape.of(1, 1, 1, 1), 1f),
                    FloatTensor.of(Shape.of(1), Float.NaN),
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    UNIT,
                    UNIT,
                    RequantMode.INTEGER));
    assertEquals("bias: element 0 is NaN, expected a finite value", e.getMessage());
  }
}
