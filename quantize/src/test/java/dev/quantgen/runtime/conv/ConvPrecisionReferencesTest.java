package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The FP16, weight-quantized (DYNAMIC, weight-only) and BINARY convolution references. Each is the
 * dense reference of its precision applied to every receptive field: a kernel covering the whole
 * unpadded input is exactly one dense layer, so there the two must agree bit for bit.
 */
class ConvPrecisionReferencesTest {
  private static final int C = 3;
  private static final int H = 5;
  private static final int W = 7;
  private static final int M = 4;
  private static final int K = C * H * W; // 105: not a multiple of 64, odd for int4 packing

  /**
   * A convolution whose kernel is the whole 3x5x7 input: one output cell per channel, a dense
   * layer.
   */
  private static final Window2d WHOLE = Window2d.of(H, W);

  @Test
  void fp16RoundsWeightsToHalfThenSumsAsConv2d() {
    Random r = new Random(1);
    FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, 3, 3), 1);
    FloatTensor b = ConvTesting.gaussian(r, Shape.of(M), 1);
    FloatTensor x = ConvTesting.gaussian(r, Shape.of(2, C, H, W), 1);
    Window2d window = Window2d.of(3, 3).withStrides(2, 1).withDilations(1, 2).withPads(1, 2, 0, 1);
    Fp16Conv2d half = Fp16Conv2d.of(w, b, window, 1, Activation.RELU);
    float[] decoded = new float[w.size()];
    for (int i = 0; i < decoded.length; i++) {
      decoded[i] = Half.toFloat(Half.fromFloat(w.toArray()[i]));
    }
    assertArrayEquals(decoded, half.decodedWeights().toArray());
    assertArrayEquals(
        new Conv2d(FloatTensor.of(w.shape(), decoded), b, window, 1, Activation.RELU)
            .apply(x)
            .toArray(),
        half.apply(x).toArray());
  }

  @Test
  void fp16RoundsWeightTiesToEven() {
    // 1 + 2^-11 lies halfway between the binary16 neighbours 1 and 1 + 2^-10: the even one, 1,
    // wins.
    FloatTensor w =
        FloatTensor.of(Shape.of(1, 1, 1, 2), new float[] {1 + 0x1p-11f, 1 + 3 * 0x1p-11f});
    Fp16Conv2d half = Fp16Conv2d.of(w, null, Window2d.of(1, 2), 1, Activation.NONE);
    assertArrayEquals(new float[] {1.0f, 1 + 0x1p-9f}, half.decodedWeights().toArray());
  }

  @Test
  void weightOnlyEqualsTheDenseWeightOnlyReferenceOnAWholeInputKernel() {
    for (QuantType type : new QuantType[] {QuantType.INT4, QuantType.INT8}) {
      Random r = new Random(type.ordinal());
      FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, H, W), 1);
      FloatTensor b = ConvTesting.gaussian(r, Shape.of(M), 1);
      float[] x = ConvTesting.gaussian(r, Shape.of(1, C, H, W), 2).toArray();
      float[] expected = new float[M];
      DenseReference.quantized(denseParams(w, b, type, ActivationMode.FLOAT), x, expected);
      WeightQuantizedConv2d conv =
          WeightQuantizedConv2d.quantize(
              w, b, WHOLE, 1, Activation.RELU6, type, ActivationMode.FLOAT);
      assertArrayEquals(
          expected, conv.apply(FloatTensor.of(Shape.of(1, C, H, W), x)).toArray(), type.toString());
    }
  }

  @Test
  void dynamicEqualsTheDenseDynamicReferenceOnAWholeInputKernel() {
    for (QuantType type : new QuantType[] {QuantType.INT4, QuantType.INT8}) {
      Random r = new Random(10 + type.ordinal());
      FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, H, W), 1);
      FloatTensor b = ConvTesting.gaussian(r, Shape.of(M), 1);
      float[] x = ConvTesting.gaussian(r, Shape.of(1, C, H, W), 2).toArray();
      x[3] = Float.NaN; // read as the zero point, never widening the range
      float[] expected = new float[M];
      DenseReference.quantized(denseParams(w, b, type, ActivationMode.DYNAMIC), x, expected);
      WeightQuantizedConv2d conv =
          WeightQuantizedConv2d.quantize(
              w, b, WHOLE, 1, Activation.RELU6, type, ActivationMode.DYNAMIC);
      assertArrayEquals(
          expected, conv.apply(FloatTensor.of(Shape.of(1, C, H, W), x)).toArray(), type.toString());
    }
  }

  @Test
  void dynamicQuantizesEachSampleOverItsOwnRange() {
    Random r = new Random(3);
    FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, 3, 3), 1);
    float[] one = ConvTesting.gaussian(r, Shape.of(1, C, H, W), 1).toArray();
    float[] both = new float[2 * one.length];
    for (int i = 0; i < one.length; i++) {
      both[i] = one[i];
      both[one.length + i] = 100 * one[i]; // a far wider range must not change the first sample
    }
    WeightQuantizedConv2d conv =
        WeightQuantizedConv2d.quantize(
            w,
            null,
            Window2d.of(3, 3).withPads(1, 1, 1, 1),
            1,
            Activation.NONE,
            QuantType.INT4,
            ActivationMode.DYNAMIC);
    float[] alone = conv.apply(FloatTensor.of(Shape.of(1, C, H, W), one)).toArray();
    float[] batched = conv.apply(FloatTensor.of(Shape.of(2, C, H, W), both)).toArray();
    for (int i = 0; i < alone.length; i++) {
      assertEquals(Float.floatToIntBits(alone[i]), Float.floatToIntBits(batched[i]), "@" + i);
    }
  }

  @Test
  void weightQuantizedConvRejectsStaticModeAndOtherWeightTypes() {
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 1, 1), new float[] {1});
    IllegalArgumentException mode =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WeightQuantizedConv2d.quantize(
                    w,
                    null,
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    QuantType.INT4,
                    ActivationMode.STATIC));
    assertEquals("mode: STATIC, expected DYNAMIC or FLOAT", mode.getMessage());
    IllegalArgumentException type =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WeightQuantizedConv2d.quantize(
                    w,
                    null,
                    Window2d.of(1, 1),
                    1,
                    Activation.NONE,
                    QuantType.UINT8,
                    ActivationMode.FLOAT));
    assertEquals("weightType: uint8, expected int8 or int4", type.getMessage());
  }

  @Test
  void binaryEqualsTheDenseBinaryReferenceOnAWholeInputKernel() {
    for (ActivationMode mode : new ActivationMode[] {ActivationMode.FLOAT, ActivationMode.BINARY}) {
      for (boolean perChannel : new boolean[] {true, false}) {
        Random r = new Random(mode.ordinal() * 2 + (perChannel ? 1 : 0));
        FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, H, W), 1);
        FloatTensor b = ConvTesting.gaussian(r, Shape.of(M), 1);
        float[] x = ConvTesting.gaussian(r, Shape.of(1, C, H, W), 1).toArray();
        x[0] = 0.0f; // sign(0) = +1
        x[1] = -0.0f;
        BinaryDenseParams dense =
            BinaryDenseParams.prepare(denseWeights(w, b), perChannel, mode, Activation.RELU);
        float[] expected = new float[M];
        DenseReference.binary(dense, x, expected);
        BinaryConv2d conv =
            BinaryConv2d.binarize(w, b, WHOLE, 1, Activation.RELU, perChannel, mode);
        assertArrayEquals(dense.weights(), conv.packedSigns(), mode + " signs");
        assertArrayEquals(dense.alphas(), conv.alphas(), mode + " alphas");
        assertArrayEquals(
            expected,
            conv.apply(FloatTensor.of(Shape.of(1, C, H, W), x)).toArray(),
            mode + " perChannel=" + perChannel);
      }
    }
  }

  @Test
  void binaryActivationsReadPaddedCellsAsZeroBinarizedToPlusOne() {
    // A 1x1 input of -1 under a 3x3 kernel with padding 1: eight padded cells (0.0, sign +1) and
    // one
    // real cell (sign -1). All weights are +2: alpha = 2, dot = 8 - 1 = 7, beta = (0 * 8 + 1) / 9.
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 3, 3), new float[] {2, 2, 2, 2, 2, 2, 2, 2, 2});
    BinaryConv2d conv =
        BinaryConv2d.binarize(
            w,
            null,
            Window2d.of(3, 3).withPads(1, 1, 1, 1),
            1,
            Activation.NONE,
            true,
            ActivationMode.BINARY);
    float[] y = conv.apply(FloatTensor.of(Shape.of(1, 1, 1, 1), new float[] {-1})).toArray();
    assertArrayEquals(new float[] {7 * (2.0f * (1.0f / 9))}, y);
  }

  @Test
  void binaryFloatActivationsSkipPaddedCells() {
    // The same layer with float activations adds -x for the one real cell only: 2 * -(-1) = 2.
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 3, 3), new float[] {2, 2, 2, 2, -2, 2, 2, 2, 2});
    BinaryConv2d conv =
        BinaryConv2d.binarize(
            w,
            null,
            Window2d.of(3, 3).withPads(1, 1, 1, 1),
            1,
            Activation.NONE,
            true,
            ActivationMode.FLOAT);
    assertArrayEquals(
        new float[] {2.0f},
        conv.apply(FloatTensor.of(Shape.of(1, 1, 1, 1), new float[] {-1})).toArray());
  }

  @Test
  void binaryPacksOneRowPerOutputChannelWithAPartialLastWord() {
    Random r = new Random(4);
    FloatTensor w = ConvTesting.gaussian(r, Shape.of(M, C, H, W), 1);
    BinaryConv2d conv =
        BinaryConv2d.binarize(w, null, WHOLE, 1, Activation.NONE, true, ActivationMode.FLOAT);
    assertEquals(2, conv.words());
    long[] signs = conv.packedSigns();
    for (int m = 0; m < M; m++) {
      assertEquals(0L, signs[m * 2 + 1] >>> (K - 64), "padding bits of row " + m);
      for (int i = 0; i < K; i++) {
        assertEquals(
            w.toArray()[m * K + i] >= 0 ? 1L : 0L,
            signs[m * 2 + i / 64] >>> (i % 64) & 1L,
            m + "," + i);
      }
    }
  }

  @Test
  void binaryRejectsStaticMode() {
    FloatTensor w = FloatTensor.of(Shape.of(1, 1, 1, 1), new float[] {1});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BinaryConv2d.binarize(
                    w, null, Window2d.of(1, 1), 1, Activation.NONE, true, ActivationMode.STATIC));
    assertTrue(e.getMessage().startsWith("mode: STATIC"), e.getMessage());
  }

  private static DenseWeights denseWeights(FloatTensor w, FloatTensor b) {
    return DenseWeights.of(K, M, w.toArray(), b == null ? null : b.toArray());
  }

  private static QuantizedDenseParams denseParams(
      FloatTensor w, FloatTensor b, QuantType type, ActivationMode mode) {
    return QuantizedDenseParams.prepare(
        "dense",
        denseWeights(w, b),
        new QuantizedDenseConfig(type, true, true, 0, mode, RequantMode.INTEGER, Activation.RELU6),
        null,
        null);
  }
}
