package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SqnrTest {
  @Test
  void aRelativeErrorOfOnePerMilleIsSixtyDecibels() {
    Random random = new Random(41);
    float[] x = new float[10_000];
    float[] xq = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
      xq[i] = (float) (x[i] * (1 + 1e-3));
    }
    // Rounding x * 1.001 to float adds a relative error of at most 6e-8 / 1e-3 = 6e-5 to the
    // noise norm: 20 * log10(1 + 6e-5) < 6e-4 dB.
    assertEquals(60.0, Sqnr.db(x, xq), 6e-4);
  }

  @Test
  void handComputedRatio() {
    // signal 3^2 + 4^2 = 25, noise 0.5^2 = 0.25: 10 * log10(100) = 20 dB exactly.
    assertEquals(20.0, Sqnr.db(new float[] {3, 4}, new float[] {3, 4.5f}));
  }

  @Test
  void batchesAccumulateLikeOneBatch() {
    Sqnr sqnr = new Sqnr();
    sqnr.add(new float[] {3}, new float[] {3});
    sqnr.add(new float[] {0, 4, 0}, 1, new float[] {4.5f}, 0, 1);
    assertEquals(20.0, sqnr.db());
    assertEquals(0.5, sqnr.maxAbsError());
    assertEquals(2, sqnr.count());
  }

  @Test
  void anExactMatchIsInfinite() {
    assertEquals(Double.POSITIVE_INFINITY, Sqnr.db(new float[] {1, -2}, new float[] {1, -2}));
    assertEquals(
        Double.POSITIVE_INFINITY,
        Sqnr.db(new float[] {0, 0}, new float[] {0, 0}),
        "zero signal reproduced exactly: nothing lost");
  }

  @Test
  void noiseOnAZeroSignalIsMinusInfinity() {
    assertEquals(Double.NEGATIVE_INFINITY, Sqnr.db(new float[] {0, 0}, new float[] {0, 0.1f}));
  }

  @Test
  void mismatchedLengthsAreRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Sqnr.db(new float[2], new float[3]));
    assertEquals("quantized has 3 values, expected 2 as reference", e.getMessage());
  }

  @Test
  void nonFiniteValuesAreRejectedBeforeAnythingIsAdded() {
    Sqnr sqnr = new Sqnr();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> sqnr.add(new float[] {1, 2}, new float[] {1, Float.NaN}));
    assertEquals("Sqnr: quantized[1] is NaN, expected a finite value", e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> sqnr.add(new float[] {Float.POSITIVE_INFINITY}, new float[] {1}));
    assertEquals(0, sqnr.count());
  }

  @Test
  void noValuesIsAnError() {
    assertThrows(IllegalStateException.class, () -> new Sqnr().db());
  }
}
