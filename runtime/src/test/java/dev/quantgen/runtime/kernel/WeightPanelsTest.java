package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** {@link WeightPanels} makes the support's own panels once, on first use, and keeps them. */
class WeightPanelsTest {
  private static byte[] weights(int size) {
    byte[] w = new byte[size];
    for (int i = 0; i < size; i++) {
      w[i] = (byte) (i * 37 + 11);
    }
    return w;
  }

  @Test
  void int8PanelsAreTheSupportsAndMadeOnce() {
    byte[] w = weights(70 * 33);
    WeightPanels panels = WeightPanels.int8(w, 70, 33);
    byte[] first = panels.get();
    assertArrayEquals(Kernels.support().int8Panels(w, 70, 33), first);
    assertSame(first, panels.get(), "kept, not made again");
  }

  @Test
  void int4PanelsAreTheSupportsAndMadeOnce() {
    byte[] w = weights(70 * 17);
    WeightPanels panels = WeightPanels.int4(w, 70, 33);
    byte[] first = panels.get();
    assertArrayEquals(Kernels.support().int4Panels(w, 70, 33), first);
    assertSame(first, panels.get(), "kept, not made again");
  }

  @Test
  void signPanelsAreTheSupportsAndMadeOnce() {
    long[] w = new long[70 * 2];
    for (int i = 0; i < w.length; i++) {
      w[i] = i * 0x9E37_79B9_7F4A_7C15L;
    }
    WeightPanels panels = WeightPanels.binary(w, 70, 100);
    int[] first = panels.signs();
    assertArrayEquals(Kernels.support().signPanels(w, 2, 70, 100), first);
    assertSame(first, panels.signs(), "kept, not made again");
  }
}
