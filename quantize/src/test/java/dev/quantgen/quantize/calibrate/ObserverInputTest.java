package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every observer does with values calibration must not accept. */
class ObserverInputTest {
  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void nanIsRejectedNamingTheObserverAndIndex(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.SYMMETRIC);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> o.observe(new float[] {1f, 2f, 3f, Float.NaN}));
    assertEquals(
        o.getClass().getSimpleName()
            + ": batch[3] is NaN, expected a finite value"
            + " (calibration data must not contain NaN or infinities)",
        e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void infinitiesAreRejected(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> o.observe(new float[] {Float.NEGATIVE_INFINITY, 0f}));
    assertEquals(
        o.getClass().getSimpleName()
            + ": batch[0] is -Infinity, expected a finite value"
            + " (calibration data must not contain NaN or infinities)",
        e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void aRejectedBatchLeavesTheRangeAsItWas(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.SYMMETRIC);
    o.observe(new float[] {-1f, 0.5f, 1f});
    Range before = o.range();
    assertThrows(
        IllegalArgumentException.class,
        () -> o.observe(new float[] {100f, Float.POSITIVE_INFINITY}));
    assertEquals(before, o.range());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void rangeBeforeAnyValueIsAnError(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.SYMMETRIC);
    IllegalStateException e = assertThrows(IllegalStateException.class, o::range);
    assertEquals(o.getClass().getSimpleName() + ": no value observed yet", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void theSameBatchesGiveTheSameRange(ObserverKind kind) {
    float[] data = Distributions.laplace(new Random(31), 10_000, 1.0);
    Observer a = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    Observer b = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    for (int off = 0; off < data.length; off += 1000) {
      a.observe(data, off, 1000);
      b.observe(data, off, 1000);
    }
    assertEquals(a.range(), b.range());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void dataAwayFromZeroGivesARangeInsideTheDataWidenedToZero(ObserverKind kind) {
    float[] positive = Distributions.uniform(new Random(32), 5000, 0.5f);
    float[] negative = new float[positive.length];
    for (int i = 0; i < positive.length; i++) {
      positive[i] += 4.5f;
      negative[i] = -positive[i];
    }
    for (Scheme scheme : Scheme.values()) {
      for (float[] data : new float[][] {positive, negative}) {
        Observer o = kind.newObserver(QuantType.INT8, scheme);
        o.observe(data);
        Range r = o.range();
        float amax = Distributions.amax(data);
        String what = kind + " " + scheme + " " + r;
        assertTrue(r.lo() >= -amax && r.hi() <= amax, what);
        assertTrue(r.hi() > 0 || r.lo() < 0, what);
      }
    }
  }
}
