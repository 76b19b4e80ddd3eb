package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MovingAverageObserverTest {
  @Test
  void theFirstBatchInitializesAndLaterBatchesMoveByOnePercent() {
    MovingAverageObserver o = new MovingAverageObserver();
    o.observe(new float[] {-1f, 0.5f, 2f});
    assertEquals(new Range(-1f, 2f), o.range());
    o.observe(new float[] {-3f, 5f});
    double min = -1 + 0.01 * (-3 - -1);
    double max = 2 + 0.01 * (5 - 2);
    assertEquals(new Range((float) min, (float) max), o.range());
    assertEquals(new Range(-1.02f, 2.03f), o.range());
    o.observe(new float[] {7f, 11f});
    min += 0.01 * (7 - min);
    max += 0.01 * (11 - max);
    assertEquals(new Range((float) min, (float) max), o.range());
  }

  @Test
  void anOutlierBatchMovesTheRangeOnlyByTheAveragingConstant() {
    MovingAverageObserver o = new MovingAverageObserver(0.1);
    o.observe(new float[] {0f, 1f});
    o.observe(new float[] {0f, 101f});
    assertEquals(new Range(0f, 11f), o.range());
  }

  @Test
  void constantOneKeepsOnlyTheLastBatch() {
    MovingAverageObserver o = new MovingAverageObserver(1);
    o.observe(new float[] {-5f, 5f});
    o.observe(new float[] {1f, 2f});
    assertEquals(new Range(1f, 2f), o.range());
  }

  @Test
  void emptyBatchesDoNotCountAsBatches() {
    MovingAverageObserver o = new MovingAverageObserver();
    o.observe(new float[0]);
    o.observe(new float[] {3f});
    assertEquals(new Range(3f, 3f), o.range(), "the first non-empty batch initializes");
  }

  @Test
  void theAveragingConstantMustLieInZeroToOne() {
    for (double c : new double[] {0, -0.5, 1.5, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new MovingAverageObserver(c));
      assertTrue(e.getMessage().startsWith("averagingConstant is " + c), e.getMessage());
    }
  }

  @Test
  void rangeBeforeAnyBatchIsAnError() {
    assertThrows(IllegalStateException.class, () -> new MovingAverageObserver().range());
  }
}
