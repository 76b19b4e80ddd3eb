package dev.quantgen.runtime.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.runtime.numerics.QuantType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every observer does with values calibration must not accept. */
class ObserverInputTest {
  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void nanIsRejectedNamingTheObserverAndIndex(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.SYMMETRIC);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> o.observe(new float[] {1f, 2f, 3f, Float.NaN}));
    assertEquals(o.getClass().getSimpleName() + ": batch[3] is NaN, expected a finite value"
        + " (calibration data must not contain NaN or infinities)", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void infinitiesAreRejected(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> o.observe(new float[] {Float.NEGATIVE_INFINITY, 0f}));
    assertEquals(o.getClass().getSimpleName() + ": batch[0] is -Infinity, expected a finite value"
        + " (calibration data must not contain NaN or infinities)", e.getMessage());
  }

  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void aRejectedBatchLeavesTheRangeAsItWas(ObserverKind kind) {
    Observer o = kind.newObserver(QuantType.INT8, Scheme.SYMMETRIC);
    o.observe(new float[] {-1f, 0.5f, 1f});
    Range before = o.range();
    assertThrows(IllegalArgumentException.class,
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
    float[] data = Distributions.laplace(new java.util.Random(31), 10_000, 1.0);
    Observer a = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    Observer b = kind.newObserver(QuantType.INT8, Scheme.ASYMMETRIC);
    for (int off = 0; off < data.length; off += 1000) {
      a.observe(data, off, 1000);
      b.observe(data, off, 1000);
    }
    assertEquals(a.range(), b.range());
  }
}
