package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.QuantType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * NaN, infinities and huge values through the reference dense layer at every precision, against
 * what is documented: weights are checked at import (docs/numerics.md#1-quantize-and-dequantize: NaN is an error there);
 * at inference a quantized input maps NaN to the zero point, i.e. reads it as 0.0, and saturates
 * infinities ({@link LayerMath}); float arithmetic propagates NaN and infinities by IEEE 754, and
 * fused activations keep NaN ({@link FusedActivation}).
 *
 * <p>Where nothing is documented (dynamic quantization of an infinite or overflowing range, BINARY
 * activations with NaN or infinity, FP16 weights beyond the half range) the tests pin what the
 * reference does now, so a change is a deliberate decision; each says so.
 */
class NonFiniteInputsTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;
  private static final float MAX = Float.MAX_VALUE;

  /** 3 inputs, 2 outputs; every weight nonzero so each input reaches each output. */
  private static final DenseWeights WEIGHTS =
      DenseWeights.of(3, 2, new float[] {1.0f, -2.0f, 0.5f, 0.25f, 1.0f, -1.0f}, new float[] {0.5f, -0.5f});

  private static float[] fp32(FusedActivation activation, float... x) {
    float[] y = new float[2];
    DenseReference.fp32(WEIGHTS, activation, x, y);
    return y;
  }

  private static float[] fp16(FusedActivation activation, float... x) {
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DenseWeights.of(2, 1, new float[] {1.0f, bad}, null));
        assertEquals("weights[1]: expected a finite value, got " + bad, e.getMessage());
      }
    }

    @Test
    void nanBiasIsRejectedNamingItsIndex() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DenseWeights.of(1, 2, new float[] {1.0f, 2.0f}, new float[] {0.0f, NAN}));
      assertEquals("bias[1]: expected a finite value, got NaN", e.getMessage());
    }

    @Test
    void calibrationRangeMustBeFinite() {
      for (float[] range : new float[][] {{NAN, 1.0f}, {-1.0f, NAN}, {-INF, 1.0f}, {0.0f, INF}}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
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
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ActivationParams.fromRange(-MAX, MAX));
      assertEquals("scale: expected a finite value > 0, got Infinity", e.getMessage());
    }
  }

  @Nested
  class Fp32 {
    @Test
    void nanInputPropagatesToEveryOutput() {
      for (FusedActivation a : FusedActivation.values()) {
        assertAllNaN(fp32(a, 1.0f, NAN, 1.0f));
      }
    }

    @Test
    void infinitiesPropagateWithTheirSign() {
      assertArrayEquals(new float[] {INF, INF}, fp32(FusedActivation.NONE, INF, 0.0f, 0.0f));
      assertArrayEquals(new float[] {-INF, INF}, fp32(FusedActivation.NONE, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, 6.0f}, fp32(FusedActivation.RELU6, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, INF}, fp32(FusedActivation.RELU, 0.0f, INF, 0.0f));
    }

    @Test
    void oppositeInfinitiesInOneSumGiveNaN() {
      // row 0: inf - inf + inf; row 1: inf + inf - inf: each meets inf - inf on the way
      assertAllNaN(fp32(FusedActivation.RELU, INF, INF, INF));
    }

    @Test
    void hugeFiniteProductsOverflowToInfinityWithoutError() {
      // row 0: MAX - 2 MAX overflows to -inf; row 1: MAX / 4 + MAX overflows to +inf
      assertArrayEquals(new float[] {-INF, INF}, fp32(FusedActivation.NONE, MAX, MAX, MAX));
    }
  }

  @Nested
  class Fp16 {
    @Test
    void nanInputPropagatesToEveryOutput() {
      for (FusedActivation a : FusedActivation.values()) {
        assertAllNaN(fp16(a, NAN, 1.0f, 1.0f));
      }
    }

    @Test
    void infinitiesPropagateWithTheirSign() {
      assertArrayEquals(new float[] {-INF, INF}, fp16(FusedActivation.NONE, 0.0f, INF, 0.0f));
      assertArrayEquals(new float[] {0.0f, 6.0f}, fp16(FusedActivation.RELU6, 0.0f, INF, 0.0f));
      assertAllNaN(fp16(FusedActivation.NONE, INF, INF, INF));
    }

    @Test
    void inputsStayFloat32SoValuesBeyondTheHalfRangeDoNotOverflow() {
      // Only the weights are binary16; 1e6 is far beyond its 65504 but fine as a float32 input.
      assertArrayEquals(fp32(FusedActivation.NONE, 1e6f, 0.0f, 0.0f), fp16(FusedActivation.NONE, 1e6f, 0.0f, 0.0f));
    }

    /**
     * Documented for the conversion (docs/numerics.md#3-storage-formats: overflow to infinity), but a finite
     * weight that passed import becoming an infinite weight is not called out for layers.
     */
    @Test
    void weightBeyondTheHalfRangeBecomesInfinite() {
      DenseWeights big = DenseWeights.of(1, 1, new float[] {70000.0f}, null);
      Fp16DenseParams p = Fp16DenseParams.prepare(big, FusedActivation.NONE);
      assertEquals(Half.fromFloat(INF), p.weights()[0]);
      float[] y = new float[1];
      DenseReference.fp16(p, new float[] {0.0f}, y);
      assertTrue(Float.isNaN(y[0]), "infinite weight times 0 is NaN, got " + y[0]);
    }
  }

  /** INT8 and INT4 weights behave alike: the cases run for both. */
  @Nested
  class Quantized {
    private final ActivationParams input = ActivationParams.fromRange(-4.0f, 4.0f);
    private final ActivationParams output = ActivationParams.fromRange(-16.0f, 16.0f);

    private float[] run(QuantType type, ActivationMode mode, float... x) {
      QuantizedDenseConfig config = new QuantizedDenseConfig(type, true, true, 0, mode, RequantMode.INTEGER,
          FusedActivation.NONE);
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
      assertArrayEquals(run(type, ActivationMode.STATIC, 1.0f, MAX, -1.0f), run(type, ActivationMode.STATIC, 1.0f, INF, -1.0f));
      assertArrayEquals(run(type, ActivationMode.STATIC, 1.0f, -MAX, -1.0f), run(type, ActivationMode.STATIC, 1.0f, -INF, -1.0f));
      // saturation means the ends of the input's int8 range
      float top = input.dequantize(127);
      float bottom = input.dequantize(-128);
      assertArrayEquals(run(type, ActivationMode.STATIC, 1.0f, top, -1.0f), run(type, ActivationMode.STATIC, 1.0f, INF, -1.0f));
      assertArrayEquals(run(type, ActivationMode.STATIC, 1.0f, bottom, -1.0f),
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
     * Undocumented: DYNAMIC takes its scale from the input's range; an infinite input, or finite
     * ones whose range overflows float32, makes the scale infinite, every value quantizes to the
     * zero point, and every output is {@code 0 * inf = NaN}. ONNX DynamicQuantizeLinear leaves
     * this case undefined as well.
     */
    @ParameterizedTest
    @EnumSource(names = {"INT8", "INT4"})
    void dynamicInfiniteOrOverflowingRangeGivesNaNOutputs(QuantType type) {
      assertAllNaN(run(type, ActivationMode.DYNAMIC, 1.0f, INF, -1.0f));
      assertAllNaN(run(type, ActivationMode.DYNAMIC, 1.0f, -INF, -1.0f));
      assertAllNaN(run(type, ActivationMode.DYNAMIC, MAX, 0.0f, -MAX));
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
      BinaryDenseParams p = BinaryDenseParams.prepare(WEIGHTS, true, mode, FusedActivation.NONE);
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
     * Undocumented: a NaN activation's sign bit is +1 ({@link LayerMath#signBit}), but the
     * activation scale {@code beta = mean|x|} becomes NaN, so every output is NaN: NaN is not read
     * as 0 here, unlike INT8/INT4 quantized activations.
     */
    @Test
    void binaryActivationsWithNaNGiveNaNOutputs() {
      assertAllNaN(run(ActivationMode.BINARY, 1.0f, NAN, -1.0f));
    }

    /** Undocumented: an infinite activation makes {@code beta} infinite; outputs are +-inf, or NaN where the dot is 0. */
    @Test
    void binaryActivationsWithInfinityGiveInfiniteOutputs() {
      // signs of x: + + -; weight signs: row 0 + - +, row 1 + + -: dots -1 and 3
      assertArrayEquals(new float[] {-INF, INF}, run(ActivationMode.BINARY, INF, 1.0f, -1.0f));
    }
  }
}
