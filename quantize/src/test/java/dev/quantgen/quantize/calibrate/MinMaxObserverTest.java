package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MinMaxObserverTest {
  @Test
  void keepsTheRunningMinimumAndMaximumOfAllBatches() {
    MinMaxObserver o = new MinMaxObserver();
    o.observe(new float[] {0.5f, -1f, 2f});
    o.observe(new float[] {1f, 1.5f});
    o.observe(new float[] {-3f, 0f});
    assertEquals(new Range(-3f, 2f), o.range());
  }

  @Test
  void keepsASingleOutlier() {
    MinMaxObserver o = new MinMaxObserver();
    float[] data = new float[1001];
    for (int i = 0; i < 1000; i++) {
      data[i] = i / 1000f;
    }
    data[1000] = 1000f;
    o.observe(data);
    assertEquals(new Range(0f, 1000f), o.range());
  }

  @Test
  void readsOnlyTheGivenWindowOfTheArray() {
    MinMaxObserver o = new MinMaxObserver();
    o.observe(new float[] {-100f, 1f, 2f, 3f, 100f}, 1, 3);
    assertEquals(new Range(1f, 3f), o.range());
  }

  @Test
  void emptyBatchesAreIgnored() {
    MinMaxObserver o = new MinMaxObserver();
    o.observe(new float[0]);
    assertThrows(IllegalStateException.class, o::range);
    o.observe(new float[] {4f});
    o.observe(new float[] {9f}, 0, 0);
    assertEquals(new Range(4f, 4f), o.range());
  }

  @Test
  void aWindowOutsideTheArrayIsRejected() {
    assertThrows(
        IndexOutOfBoundsException.class, () -> new MinMaxObserver().observe(new float[3], 2, 2));
  }
}
