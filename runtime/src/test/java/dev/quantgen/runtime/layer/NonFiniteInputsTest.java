package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NaN, infinities and huge values through the reference dense layer at every precision, against
 * what is documented: weights are checked at import (docs/numerics.md#1-quantize-and-dequantize:
 * NaN is an error there); at inference a quantized input maps NaN to the zero point, i.e. reads it
 * as 0.0, and saturates infinities ({@link LayerMath}); float arithmetic propagates NaN and
 * infinities by IEEE 754, and fused activations keep NaN ({@link Activation}).
 *
 * <p>One rule for the integer and binary activation paths (docs/numerics.md, "Non-finite
 * activations"): NaN reads as 0 and infinities saturate, for STATIC and DYNAMIC alike; neither
 * widens a dynamic range nor enters a binary layer's {@code beta}; a dynamic range too wide for
 * float32 still gets a finite scale. An FP16 weight beyond the half range is rejected at prepare.
 * Generated kernels follow the same rule (examples' {@code GeneratedNonFiniteInputsTest}).
 */
class NonFiniteInputsTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final float MAX = Float.MAX_VALUE;

  /** 3 inputs, 2 outputs; every weight nonzero so each input reaches each output. */
  private static final DenseWeights WEIGHTS =
      DenseWeights.of(
          3, 2, new float[] {1.0f, -2.0f, 0.5f, 0.25f, 1.0f, -1.0f}, new float[] {0.5f, -0.5f});

  private static float[] fp32(Activation activation, float... x) {
    float[] y = new float[2];
    DenseReference.fp32(WEIGHTS, activation, x, y);
    return y;
  }

  private static float[] fp16(Activation activation, float... x) {
    float[] y = new float[2];
    DenseReference.fp16(Fp16DenseParams.prepare(WEIGHTS, activation), x, y);
    return y;
  }

  private static void assertAllNaN(float[] y) {
    for (int c = 0; c < y.length; c++) {
      assertTrue(Float.isNaN(y[c]), "y[" + c + "] = " + y[c] + ", expected NaN");
    }
  }

  private static void assertAllFinite(float[] y) {
    for (int c = 0; c < y.length; c++) {
      assertTrue(Float.isFinite(y[c]), "y[" + c + "] = " + y[c] + ", expected a finite value");
    }
  }

  @Nested
  class WeightImport {
    @Test
    void nanOrInfiniteWeightIsRejectedNamingItsIndex() {
      for (float bad : new float[] {NAN, INF, -INF}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> DenseWeights.of(2, 1, new float[] {1.0f, bad}, null));
        assertEquals("weights[1]: expected a finite value, got " + bad, e.getMessage());
      }
    }

    @Test
    void nanBiasIsRejectedNamingItsIndex() {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> DenseWeights.of(1, 2, new float[] {1.0f, 2.0f}, new float[] {0.0f, NAN}));
      assertEquals("bias[1]: expected a finite value, got NaN", e.getMessage());
    }

    @Test
    void calibrationRangeMustBeFinite() {
      for (float[] range : new float[][] {{NAN, 1.0f}, {-1.0f, NAN}, {-INF, 1.0f}, {0.0f, INF}}) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> ActivationParams.fromRange(range[0], range[1]));
        assertTrue(e.getMessage().startsWith("range: expected finite lo <= hi"), e.getMessage());
      }
    }

    /**
     * Undocumented: a finite range wider than float32 can hold ({@code hi - lo} overflows) is
     * rejected, but by the scale check, so the message names the scale, not the range.
     */
    @Test
    void calibrationRangeWhoseWidthOverflowsIsRejected() {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ActivationParams.fromRange(-MAX, MAX));
      assertEquals("scale: expected a finite value > 0, got Infinity", e.getMessage());
    }
  }

  private static final java.util.List<Activation> EVERY_ACTIVATION =
      java.util.List.of(
          Activation.NONE, Activation.RELU, Activation.RELU6, Activation.clip(-1.5f, 2.5f));

  @Nested
  class Fp32 {
    @Test
    void nanInputPropagatesToEveryOutput() {
      for (Activation a : EVERY_ACTIVATION) {
        assertAllNaN(fp32(a, 1.0f, NAN, 1.0f));
      }
    }

    @Test
    void infinitiesPropagateWithTheirSign() {
      assertArrayEquals(new float[] {INF, INF}, fp32(Activation.NONE, INF, 0.0f, 0.0f));
      assertArrayEquals(new float[] {-INF, INF}, fp32(Activation.NONE, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, 6.0f}, fp32(Activation.RELU6, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, INF}, fp32(Activation.RELU, 0.0f, INF, 0.0f));
    }

    @Test
    void oppositeInfinitiesInOneSumGiveNaN() {
      // row 0: inf - inf + inf; row 1: inf + inf - inf: each meets inf - inf on the way
      assertAllNaN(fp32(Activation.RELU, INF, INF, INF));
    }

    @Test
    void hugeFiniteProductsOverflowToInfinityWithoutError() {
      // row 0: MAX - 2 MAX overflows to -inf; row 1: MAX / 4 + MAX overflows to +inf
      assertArrayEquals(new float[] {-INF, INF}, fp32(Activation.NONE, MAX, MAX, MAX));
    }
  }

  @Nested
  class Fp16 {
    @Test
    void nanInputPropagatesToEveryOutput() {
      for (Activation a : EVERY_ACTIVATION) {
        assertAllNaN(fp16(a, NAN, 1.0f, 1.0f));
      }
    }

    @Test
    void infinitiesPropagateWithTheirSign() {
      assertArrayEquals(new float[] {-INF, INF}, fp16(Activation.NONE, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, 6.0f}, fp16(Activation.RELU6, 0.0f, INF, 0.0f));
      assertAllNaN(fp16(Activation.NONE, INF, INF, INF));
    }

    @Test
    void inputsStayFloat32SoValuesBeyondTheHalfRangeDoNotOverflow() {
      // Only the weights are binary16; 1e6 is far beyond its 65504 but fine as a float32 input.
      assertArrayEquals(
          fp32(Activation.NONE, 1e6f, 0.0f, 0.0f), fp16(Activation.NONE, 1e6f, 0.0f, 0.0f));
    }

    @Test
    void weightBeyondTheHalfRangeIsRejectedAtPrepareNamingItsRowAndColumn() {
      DenseWeights big = DenseWeights.of(2, 2, new float[] {1.0f, 2.0f, 70000.0f, 3.0f}, null);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Fp16DenseParams.prepare(big, Activation.NONE));
      assertTrue(
          e.getMessage()
              .startsWith("weights[1][0]: 70000.0 is beyond the binary16 range (+-65504.0)"),
          e.getMessage());
    }

    @Test
    void weightJustInsideTheHalfRangeIsKept() {
      DenseWeights edge =
          DenseWeights.of(1, 1, new float[] {65519.0f}, null); // rounds down to 65504
      assertEquals(
          Half.fromFloat(65504.0f), Fp16DenseParams.prepare(edge, Activation.NONE).weights()[0]);
    }
  }

  /** INT8 and INT4 weights behave alike: the cases run for both. */
  @Nested
  class Quantized {
    private final ActivationParams input = ActivationParams.fromRange(-4.0f, 4.0f);
    private final ActivationParams output = ActivationParams.fromRange(-16.0f, 16.0f);

    private float[] run(QuantType type, ActivationMode mode, float... x) {
      QuantizedDenseConfig config =
          new QuantizedDenseConfig(type, true, true, 0, mode, RequantMode.INTEGER, Activation.NONE);
      QuantizedDenseParams p = QuantizedDenseParams.prepare("fc", WEIGHTS, config, input, output);
      float[] y = new float[2];
      DenseReference.quantized(p, x, y);
      return y;
    }

    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void staticNanInputQuantizesToTheZeroPointLikeZero(QuantType type) {
      float[] y = run(type, ActivationMode.STATIC, 1.0f, NAN, -1.0f);
      assertArrayEquals(run(type, ActivationMode.STATIC, 1.0f, 0.0f, -1.0f), y);
      assertAllFinite(y);
    }

    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void staticInfinitiesSaturateLikeTheLargestFiniteValues(QuantType type) {
      assertArrayEquals(
          run(type, ActivationMode.STATIC, 1.0f, MAX, -1.0f),
          run(type, ActivationMode.STATIC, 1.0f, INF, -1.0f));
      assertArrayEquals(
          run(type, ActivationMode.STATIC, 1.0f, -MAX, -1.0f),
          run(type, ActivationMode.STATIC, 1.0f, -INF, -1.0f));
      // saturation means the ends of the input's int8 range
      float top = input.dequantize(127);
      float bottom = input.dequantize(-128);
      assertArrayEquals(
          run(type, ActivationMode.STATIC, 1.0f, top, -1.0f),
          run(type, ActivationMode.STATIC, 1.0f, INF, -1.0f));
      assertArrayEquals(
          run(type, ActivationMode.STATIC, 1.0f, bottom, -1.0f),
          run(type, ActivationMode.STATIC, 1.0f, -INF, -1.0f));
      assertAllFinite(run(type, ActivationMode.STATIC, INF, -INF, INF));
    }

    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void dynamicNanInputIsIgnoredByTheRangeAndReadAsZero(QuantType type) {
      float[] y = run(type, ActivationMode.DYNAMIC, 3.0f, NAN, -1.5f);
      assertArrayEquals(run(type, ActivationMode.DYNAMIC, 3.0f, 0.0f, -1.5f), y);
      assertAllFinite(y);
    }

    /**
     * Infinities never widen the dynamic range and saturate. In [2.55, inf, 0.5] the range is [0,
     * 2.55], scale 0.01 and zero point 0, and both 2.55 and inf take the top code 255; in [-2.55,
     * -inf, -0.5] both negative ends take code 0. ONNX DynamicQuantizeLinear would make the scale
     * infinite and every output NaN.
     */
    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void dynamicInfinitiesSaturateWithoutWideningTheRange(QuantType type) {
      assertArrayEquals(
          run(type, ActivationMode.DYNAMIC, 2.55f, 2.55f, 0.5f),
          run(type, ActivationMode.DYNAMIC, 2.55f, INF, 0.5f));
      assertArrayEquals(
          run(type, ActivationMode.DYNAMIC, -2.55f, -2.55f, -0.5f),
          run(type, ActivationMode.DYNAMIC, -2.55f, -INF, -0.5f));
      assertAllFinite(run(type, ActivationMode.DYNAMIC, INF, -INF, NAN));
    }

    /**
     * A finite range wider than float32 holds ({@code MAX - (-MAX)} overflows) still gets a finite
     * scale, so no output is NaN; a product that large may still overflow to an infinity, by IEEE
     * 754.
     */
    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void dynamicRangeTooWideForFloat32GivesNoNaN(QuantType type) {
      float[] y = run(type, ActivationMode.DYNAMIC, MAX, 0.0f, -MAX);
      for (int c = 0; c < y.length; c++) {
        assertTrue(!Float.isNaN(y[c]), "y[" + c + "] is NaN");
      }
      assertTrue(Float.isFinite(LayerMath.dynamicScale(-MAX, MAX)));
      assertEquals(
          (2.0 * MAX) / 255.0,
          LayerMath.dynamicScale(-MAX, MAX),
          Math.ulp((float) (2.0 * MAX / 255.0)));
    }

    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void dynamicHugeButRepresentableRangeStaysFinite(QuantType type) {
      assertAllFinite(run(type, ActivationMode.DYNAMIC, 1e37f, 0.0f, -1e37f));
    }

    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void weightOnlyFloatActivationsPropagateNaNAndInfinities(QuantType type) {
      assertAllNaN(run(type, ActivationMode.FLOAT, 1.0f, NAN, 1.0f));
      float[] y = run(type, ActivationMode.FLOAT, 0.0f, INF, 0.0f);
      assertArrayEquals(new float[] {-INF, INF}, y);
    }
  }

  @Nested
  class Binary {
    private float[] run(ActivationMode mode, float... x) {
      BinaryDenseParams p = BinaryDenseParams.prepare(WEIGHTS, true, mode, Activation.NONE);
      float[] y = new float[2];
      DenseReference.binary(p, x, y);
      return y;
    }

    @Test
    void floatActivationsPropagateNaNAndInfinities() {
      assertAllNaN(run(ActivationMode.FLOAT, NAN, 1.0f, 1.0f));
      assertArrayEquals(new float[] {-INF, INF}, run(ActivationMode.FLOAT, 0.0f, INF, 0.0f));
    }

    /**
     * A NaN activation reads as 0: its sign bit is +1, as 0's is ({@link LayerMath#signBit}), and
     * it adds nothing to {@code beta = mean|x|} ({@link LayerMath#betaTerm}).
     */
    @Test
    void binaryActivationsReadNaNAsZero() {
      float[] y = run(ActivationMode.BINARY, 1.0f, NAN, -1.0f);
      assertArrayEquals(run(ActivationMode.BINARY, 1.0f, 0.0f, -1.0f), y);
      assertAllFinite(y);
    }

    /**
     * An infinite activation keeps its sign and stays out of {@code beta}: +inf counts as +1 with
     * magnitude 0.
     */
    @Test
    void binaryActivationsKeepTheSignOfAnInfinityButLeaveItOutOfTheScale() {
      assertArrayEquals(
          run(ActivationMode.BINARY, 0.0f, 1.0f, -1.0f),
          run(ActivationMode.BINARY, INF, 1.0f, -1.0f));
      assertAllFinite(run(ActivationMode.BINARY, -INF, INF, NAN));
    }
  }
}
