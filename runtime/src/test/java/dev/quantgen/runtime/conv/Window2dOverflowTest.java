package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Window sizes near 2^31 (issue 19): extent, padding and output size are computed in long, so an
 * attribute value that wrapped an int before is now rejected instead of giving a wrong size.
 */
class Window2dOverflowTest {
  private static final int NEAR_2_31 = Integer.MAX_VALUE;

  @Test
  void aDilationNear2To31IsRejectedInsteadOfWrappingToASmallExtent() {
    // int arithmetic: 2147483647 * 2 + 1 wrapped to -1, and a 28-wide input gave 30 outputs
    Window2d w = Window2d.of(3, 3).withDilations(NEAR_2_31, NEAR_2_31);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.resolve(28, 28));
    assertEquals(
        "height 28 with pads 0+0 is smaller than the dilated kernel extent 4294967295: expected at least"
            + " one output position",
        e.getMessage());
  }

  @Test
  void padsWhosePaddedSizePasses2To31AreRejectedInsteadOfWrapping() {
    // int arithmetic: 28 + 2 * 2147483647 wrapped to 26, and a 3x3 kernel gave 24 outputs
    Window2d w = Window2d.of(3, 3).withPads(NEAR_2_31, 0, NEAR_2_31, 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.resolve(28, 28));
    assertEquals(
        "height 28 with pads 2147483647+2147483647 is 4294967322 cells: expected a padded size of at most"
            + " 2^31 - 1 (dilated kernel extent 3)",
        e.getMessage());
  }

  @Test
  void samePaddingWithAHugeDilationIsRejected() {
    Window2d w = Window2d.of(3, 1).withDilations(1 << 30, 1).withPadMode(PadMode.SAME_UPPER);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> w.resolve(28, 28));
    assertEquals(
        "height 28 with pads 1073741824+1073741824 is 2147483676 cells: expected a padded size of at"
            + " most 2^31 - 1 (dilated kernel extent 2147483649)",
        e.getMessage());
  }

  @Test
  void thePaddedSizeMayReach2To31MinusOneExactly() {
    // the largest accepted geometry: every tap coordinate still fits an int
    WindowGeometry g =
        Window2d.of(1, 1).withPads(NEAR_2_31 - 28, 0, 0, 0).withStrides(1 << 30, 1).resolve(28, 28);
    assertEquals(2, g.outHeight()); // (2147483647 - 1) / 2^30 + 1
    assertEquals(NEAR_2_31 - 28, g.padTop());
  }

  @Test
  void aKernelWithMoreCellsThanAnArrayHoldsIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Window2d.of(65_536, 65_536));
    assertEquals(
        "kernel 65536 x 65536: more than 2^31 - 9 cells, expected a window whose cells fit an array",
        e.getMessage());
  }
}
