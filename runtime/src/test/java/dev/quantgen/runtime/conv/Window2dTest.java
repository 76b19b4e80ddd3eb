package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Window2dTest {
  @Test
  void explicitPaddingGivesTheFloorFormula() {
    // (7 + 1 + 2 - 3) / 2 + 1 = 4 rows; (5 + 0 + 0 - 3) / 2 + 1 = 2 columns
    WindowGeometry g = Window2d.of(3, 3).withStrides(2, 2).withPads(1, 0, 2, 0).resolve(7, 5);
    assertEquals(new WindowGeometry(7, 5, 4, 2, 1, 0), g);
  }

  @Test
  void sameUpperPutsTheOddPadCellAtTheEnd() {
    // 4x4 kernel, stride 1: 3 pad cells in total, 1 before and 2 after; output keeps the input size
    WindowGeometry g = Window2d.of(4, 4).withPadMode(PadMode.SAME_UPPER).resolve(6, 6);
    assertEquals(new WindowGeometry(6, 6, 6, 6, 1, 1), g);
  }

  @Test
  void sameLowerPutsTheOddPadCellAtTheBeginning() {
    WindowGeometry g = Window2d.of(4, 4).withPadMode(PadMode.SAME_LOWER).resolve(6, 6);
    assertEquals(new WindowGeometry(6, 6, 6, 6, 2, 2), g);
  }

  @Test
  void sameWithStrideGivesCeilOfInputOverStride() {
    WindowGeometry g =
        Window2d.of(3, 3).withStrides(2, 3).withPadMode(PadMode.SAME_UPPER).resolve(7, 7);
    assertEquals(4, g.outHeight()); // ceil(7 / 2)
    assertEquals(3, g.outWidth()); // ceil(7 / 3)
  }

  @Test
  void mnistFiveByFiveSameUpperPadsTwoOnEverySide() {
    assertEquals(
        new WindowGeometry(28, 28, 28, 28, 2, 2),
        Window2d.of(5, 5).withPadMode(PadMode.SAME_UPPER).resolve(28, 28));
  }

  @Test
  void dilationWidensTheKernelExtent() {
    // extent 2 * (3 - 1) + 1 = 5: a 6-wide input gives 2 positions
    assertEquals(2, Window2d.of(3, 3).withDilations(2, 2).resolve(6, 6).outWidth());
  }

  @Test
  void rejectsAKernelLargerThanThePaddedInput() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(5, 5).resolve(4, 9));
    assertTrue(e.getMessage().contains("height 4"), e.getMessage());
  }

  @Test
  void rejectsNonPositiveStrideNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(3, 3).withStrides(0, 1));
    assertEquals("strideHeight: expected a value >= 1, got 0", e.getMessage());
  }

  @Test
  void rejectsNegativePadNamingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(3, 3).withPads(0, 0, 0, -1));
    assertEquals("padRight: expected a value >= 0, got -1", e.getMessage());
  }

  @Test
  void rejectsExplicitPadsWithSamePadding() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Window2d(3, 3, 1, 1, 1, 1, PadMode.SAME_UPPER, 1, 1, 1, 1));
    assertTrue(e.getMessage().contains("padMode SAME_UPPER"), e.getMessage());
  }
}
