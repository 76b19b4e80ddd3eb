package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The provider's choices and the row splitter. */
class KernelsTest {
  @Test
  void scalarCanAlwaysBeForced() {
    assertEquals("scalar", Kernels.lookup("scalar").name());
    assertEquals("scalar", Kernels.lookup(" SCALAR ").name());
  }

  @Test
  void vectorIsChosenWhenTheModuleIsPresentAndForcingItWithoutTheModuleFails() {
    boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    assertEquals(present, Kernels.vector().isPresent());
    if (present) {
      assertTrue(Kernels.lookup("vector").name().startsWith("vector"));
      assertTrue(Kernels.lookup(null).name().startsWith("vector"));
    } else {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Kernels.lookup("vector"));
      assertTrue(
          e.getMessage().contains("quantgen.kernels") && e.getMessage().contains("--add-modules"),
          e.getMessage());
      assertEquals("scalar", Kernels.lookup("").name());
    }
  }

  @Test
  void aForcedVectorWidthIsTheOneTheKernelsUse() {
    String forced = System.getProperty("quantgen.vectorBits");
    if (Kernels.vector().isPresent() && forced != null) {
      assertEquals("vector(" + forced + " bit)", Kernels.vector().get().name());
    }
  }

  @Test
  void theScalarNoteIsOneShortLineSayingWhatToAdd() {
    assertTrue(
        !Kernels.SCALAR_NOTE.contains("\n") && Kernels.SCALAR_NOTE.length() < 100,
        Kernels.SCALAR_NOTE);
    assertTrue(
        Kernels.SCALAR_NOTE.contains("--add-modules jdk.incubator.vector"), Kernels.SCALAR_NOTE);
  }

  @Test
  void theInlineDepthNoteIsOneShortLineNamingTheOptionAndHotSpotsLimitIsRead() {
    assertTrue(
        !InlineDepth.NOTE.contains("\n") && InlineDepth.NOTE.length() < 100, InlineDepth.NOTE);
    assertTrue(InlineDepth.NOTE.endsWith("-XX:MaxInlineLevel=30"), InlineDepth.NOTE);
    // HotSpot (every JDK this project builds on) exposes the limit; 15 unless the JVM was told
    int level = InlineDepth.current().orElseThrow();
    assertTrue(level >= 1, "MaxInlineLevel " + level);
  }

  @Test
  void anUnknownPathIsRejectedNamingThePropertyAndTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Kernels.lookup("gpu"));
    assertEquals("quantgen.kernels: expected 'scalar' or 'vector', got 'gpu'", e.getMessage());
  }

  @Test
  void threadCountMustBePositive() {
    assertEquals(3, Rows.threads("3"));
    assertEquals(Runtime.getRuntime().availableProcessors(), Rows.threads(null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Rows.threads("0"));
    assertEquals("quantgen.threads: expected a thread count >= 1, got '0'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Rows.threads("two"));
  }

  @Test
  void everyRowIsRunExactlyOnceAndRangesStartOnMultiplesOfFour() {
    for (int rows : new int[] {1, 7, 8, 9, 1023, 4096}) {
      AtomicIntegerArray seen = new AtomicIntegerArray(rows);
      Rows.forEach(
          rows,
          Rows.MIN_PARALLEL_MACS,
          (from, to) -> {
            assertEquals(0, from % 4, "range start " + from);
            for (int r = from; r < to; r++) {
              seen.incrementAndGet(r);
            }
          });
      for (int r = 0; r < rows; r++) {
        assertEquals(1, seen.get(r), "row " + r + " of " + rows);
      }
    }
  }

  @Test
  void aFailureInAWorkerReachesTheCaller() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                Rows.forEach(
                    4096,
                    Rows.MIN_PARALLEL_MACS,
                    (from, to) -> {
                      if (from > 0 || Rows.threads() == 1) {
                        throw new IllegalStateException("boom");
                      }
                    }));
    assertEquals("boom", e.getMessage());
  }
}
