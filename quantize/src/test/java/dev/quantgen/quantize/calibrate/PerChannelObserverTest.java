package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerChannelObserverTest {
  @Test
  void denseOutputsGetOneRangePerColumn() {
    PerChannelObserver o = new PerChannelObserver(1, MinMaxObserver::new);
    o.observe(new float[] {1, -2, 30, 4, 5, -60}, 0, Shape.of(2, 3));
    o.observe(new float[] {-1, 7, 0}, 0, Shape.of(1, 3));
    assertEquals(List.of(new Range(-1f, 4f), new Range(-2f, 7f), new Range(-60f, 30f)), o.ranges());
  }

  @Test
  void weightRowsGetOneRangeEachOnAxisZero() {
    PerChannelObserver o = new PerChannelObserver(0, MinMaxObserver::new);
    o.observe(new float[] {1, -2, 3, 40, 50, -60}, 0, Shape.of(2, 3));
    assertEquals(List.of(new Range(-2f, 3f), new Range(-60f, 50f)), o.ranges());
  }

  @Test
  void nchwChannelsGatherEveryImageAndPixel() {
    // [N=2, C=2, H=1, W=2]: channel 0 holds 0,1 and 4,5; channel 1 holds 2,3 and 6,7.
    float[] data = {0, 1, 2, 3, 4, 5, 6, 7};
    for (int axis : new int[] {1, -3}) {
      PerChannelObserver o = new PerChannelObserver(axis, MinMaxObserver::new);
      o.observe(data, 0, Shape.of(2, 2, 1, 2));
      assertEquals(List.of(new Range(0f, 5f), new Range(2f, 7f)), o.ranges(), "axis " + axis);
    }
  }

  @Test
  void eachChannelSeesOneBatchPerCall() {
    PerChannelObserver o = new PerChannelObserver(1, () -> new MovingAverageObserver(0.5));
    o.observe(new float[] {0, 10, 2, 20}, 0, Shape.of(2, 2));
    o.observe(new float[] {4, 40, 6, 60}, 0, Shape.of(2, 2));
    // Channel 0: batches {0, 2} then {4, 6}: min 0 + 0.5 * (4 - 0), max 2 + 0.5 * (6 - 2).
    assertEquals(new Range(2f, 4f), o.ranges().get(0));
    // Channel 1: batches {10, 20} then {40, 60}.
    assertEquals(new Range(25f, 40f), o.ranges().get(1));
  }

  @Test
  void readsFromTheOffset() {
    PerChannelObserver o = new PerChannelObserver(-1, MinMaxObserver::new);
    o.observe(new float[] {99, 1, 2, 3, 4}, 1, Shape.of(2, 2));
    assertEquals(List.of(new Range(1f, 3f), new Range(2f, 4f)), o.ranges());
  }

  @Test
  void aChangedChannelCountIsRejected() {
    PerChannelObserver o = new PerChannelObserver(1, MinMaxObserver::new);
    o.observe(new float[6], 0, Shape.of(2, 3));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> o.observe(new float[8], 0, Shape.of(2, 4)));
    assertEquals(
        "shape [2, 4]: axis 1 has 4 channels, expected 3 as in earlier batches", e.getMessage());
  }

  @Test
  void anAxisOutsideTheShapeIsRejected() {
    PerChannelObserver o = new PerChannelObserver(2, MinMaxObserver::new);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> o.observe(new float[6], 0, Shape.of(2, 3)));
    assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
  }

  @Test
  void dataShorterThanTheShapeIsRejected() {
    PerChannelObserver o = new PerChannelObserver(0, MinMaxObserver::new);
    assertThrows(IndexOutOfBoundsException.class, () -> o.observe(new float[5], 0, Shape.of(2, 3)));
  }

  @Test
  void aNanIsReportedWithItsIndexInTheDataAndNoChannelChanges() {
    PerChannelObserver o = new PerChannelObserver(1, MinMaxObserver::new);
    o.observe(new float[] {1, 2, 3, 4}, 0, Shape.of(2, 2));
    float[] bad = {0, -100, 100, 100, Float.NaN};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.observe(bad, 1, Shape.of(2, 2)));
    assertTrue(e.getMessage().startsWith("PerChannelObserver: batch[4] is NaN"), e.getMessage());
    assertEquals(List.of(new Range(1f, 3f), new Range(2f, 4f)), o.ranges());
  }

  @Test
  void rangesBeforeAnyBatchAreAnError() {
    assertThrows(
        IllegalStateException.class, () -> new PerChannelObserver(0, MinMaxObserver::new).ranges());
  }
}
