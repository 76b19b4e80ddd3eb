package dev.quantgen.training.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.DequantizeLinear;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.QuantizeLinear;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Fake quantization against the ONNX reference operators, and its straight-through gradients. */
class FakeQuantTest {
  @Test
  void forwardEqualsQuantizeLinearThenDequantizeLinearBitForBit() {
    Random random = new Random(7);
    int n = 4001;
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      // Gaussian values, exact ties k + 0.5 and values far outside the range.
      x[i] =
          switch (i % 3) {
            case 0 -> (float) random.nextGaussian() * 3f;
            case 1 -> (random.nextInt(600) - 300) * 0.5f * 0.0371f;
            default -> (float) random.nextGaussian() * 40f;
          };
    }
    for (QuantType type : new QuantType[] {QuantType.INT8, QuantType.UINT8, QuantType.INT4}) {
      float scale = 0.0371f;
      int zero = type == QuantType.UINT8 ? 131 : type == QuantType.INT4 ? 1 : -5;
      FloatTensor s = FloatTensor.scalar(scale);
      IntTensor z = IntTensor.scalar(type, zero);
      IntTensor q = QuantizeLinear.apply(FloatTensor.of(Shape.of(n), x), s, z, 0, 0, null);
      float[] expected =
          DequantizeLinear.apply(q, s, z, 0, 0, dev.quantgen.runtime.numerics.FloatType.FLOAT32)
              .toArray();
      float[] actual = new float[n];
      for (int i = 0; i < n; i++) {
        actual[i] = FakeQuant.apply(x[i], scale, zero, type.min(), type.max());
      }
      for (int i = 0; i < n; i++) {
        assertEquals(
            Float.floatToIntBits(expected[i]),
            Float.floatToIntBits(actual[i]),
            type + " x=" + x[i]);
      }
    }
  }

  @Test
  void tiesRoundToEven() {
    assertEquals(0f, FakeQuant.apply(0.5f, 1f, 0, -128, 127));
    assertEquals(2f, FakeQuant.apply(2.5f, 1f, 0, -128, 127));
    assertEquals(-2f, FakeQuant.apply(-2.5f, 1f, 0, -128, 127));
    assertEquals(4f, FakeQuant.apply(3.5f, 1f, 0, -128, 127));
  }

  @Test
  void saturatesAndReadsNanAsZero() {
    assertEquals(127f * 0.5f, FakeQuant.apply(1e9f, 0.5f, 0, -128, 127));
    assertEquals(-7f, FakeQuant.apply(-100f, 1f, 0, -7, 7));
    assertEquals(0f, FakeQuant.apply(Float.NaN, 0.5f, 3, -128, 127));
  }

  @Test
  void straightThroughMaskAtTheBoundaries() {
    // int8, s = 1, z = 0: rint(127.4) = 127 passes, rint(127.5) = 128 (ties to even) is clipped;
    // rint(-128.5) = -128 passes, rint(-128.6) = -129 is clipped.
    assertTrue(FakeQuant.passes(127.4f, 1f, 0, -128, 127));
    assertFalse(FakeQuant.passes(127.5f, 1f, 0, -128, 127));
    assertTrue(FakeQuant.passes(-128.5f, 1f, 0, -128, 127));
    assertFalse(FakeQuant.passes(-128.6f, 1f, 0, -128, 127));
    // The zero point is added after rounding: with z = 10 the upper edge moves to 117.
    assertTrue(FakeQuant.passes(117.4f, 1f, 10, -128, 127));
    assertFalse(FakeQuant.passes(117.6f, 1f, 10, -128, 127));
    assertFalse(FakeQuant.passes(Float.NaN, 1f, 0, -128, 127));
  }

  @Test
  void scaleGradientMatchesFiniteDifferencesWhereClampedAndIsLsqInside() {
    float s = 0.1f;
    float h = 1e-4f;
    for (float x : new float[] {100f, -50f}) {
      double fd =
          (FakeQuant.apply(x, s + h, 3, -128, 127) - FakeQuant.apply(x, s - h, 3, -128, 127))
              / (2.0 * h);
      assertEquals(fd, FakeQuant.scaleGradient(x, s, 3, -128, 127), 1e-2, "x=" + x);
    }
    // Inside the range the rounding passes straight through: rint(x/s) - x/s.
    assertEquals(
        Math.rint(0.73f / s) - 0.73f / s, FakeQuant.scaleGradient(0.73f, s, 0, -128, 127), 1e-6);
  }

  @Test
  void stochasticRoundingIsUnbiasedAndReproducible() {
    float x = 0.37f;
    float s = 0.1f;
    SplittableRandom a = new SplittableRandom(42);
    double sum = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      float y = FakeQuant.stochastic(x, s, 0, -128, 127, a.nextDouble());
      assertTrue(y == 0.3f || y == 4 * s, "y=" + y);
      sum += y;
    }
    // The mean of n draws has standard deviation s * sqrt(0.7 * 0.3 / n) ~ 1e-4.
    assertEquals(x, sum / n, 5e-4);
    float[] w = {0.31f, -0.52f, 0.07f, 0.9f, -0.13f, 0.44f};
    float[] first = new float[6];
    float[] second = new float[6];
    PerChannelWeightQuant.stochastic(QuantType.INT4, 5).apply(w, 2, 3, first, new float[6], true);
    PerChannelWeightQuant.stochastic(QuantType.INT4, 5).apply(w, 2, 3, second, new float[6], true);
    assertArrayEquals(first, second);
    assertThrows(IllegalArgumentException.class, () -> FakeQuant.stochastic(1f, 1f, 0, -8, 7, 1.0));
  }

  @Test
  void perChannelWeightsAreTheKernelsIntegersTimesTheirScales() {
    Random random = new Random(3);
    int rows = 5;
    int cols = 9;
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * (1 + i % rows);
    }
    w[0] = 0f;
    for (int c = 0; c < cols; c++) {
      w[3 * cols + c] = 0f; // an all-zero row: scale 1, all zero
    }
    float[] effective = new float[w.length];
    float[] mask = new float[w.length];
    PerChannelWeightQuant.nearest(QuantType.INT4).apply(w, rows, cols, effective, mask, false);
    float[] scales =
        RangeQuantizer.perRowSymmetric(w, rows, cols, QuantType.INT4).scales().toArray();
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        float q = effective[i] / scales[r];
        assertEquals(Math.rint(q), q, 0.0, "an integer multiple of the row scale");
        assertTrue(Math.abs(q) <= 7);
        assertEquals(1f, mask[i], "min/max scales clip nothing");
      }
    }
  }

  @Test
  void binaryAlphasEqualThePreparedLayersAndSignOfZeroIsPlus() {
    float[] w = {0f, -0.5f, 0.25f, 3f, -1.5f, -0.25f};
    float[] effective = new float[6];
    float[] mask = new float[6];
    new BinaryWeights().apply(w, 2, 3, effective, mask, true);
    BinaryDenseParams p =
        BinaryDenseParams.prepare(
            DenseWeights.of(3, 2, w, null), true, ActivationMode.FLOAT, Activation.NONE);
    assertEquals(p.alpha(0), effective[0]);
    assertEquals(-p.alpha(0), effective[1]);
    assertEquals(p.alpha(1), effective[3]);
    assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1}, mask); // |w| <= 1 passes
  }
}
