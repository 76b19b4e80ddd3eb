package dev.quantgen.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The split of a layer's rows across the persistent workers: every row once, failures, contention,
 * no garbage.
 */
class RowsTest {
  /** Large enough per row that every row count below splits. */
  private static final long MACS = Rows.MIN_PARALLEL_MACS;

  @Test
  void everyRowRunsExactlyOnceWhateverTheRowCount() {
    assumeTrue(Rows.threads() > 1, "one thread: nothing splits");
    for (int rows = 1; rows <= 300; rows++) {
      AtomicIntegerArray runs = new AtomicIntegerArray(rows);
      Rows.forEach(
          rows,
          MACS,
          (from, to) -> {
            for (int r = from; r < to; r++) {
              runs.incrementAndGet(r);
            }
          });
      for (int r = 0; r < rows; r++) {
        assertEquals(1, runs.get(r), "row " + r + " of " + rows);
      }
    }
  }

  @Test
  void partsWithAGranuleStartOnItsMultiplesAndCoverEveryRowOnce() {
    assumeTrue(Rows.threads() > 1, "one thread: nothing splits");
    for (int rows = 1; rows <= 300; rows += 7) {
      AtomicIntegerArray runs = new AtomicIntegerArray(rows);
      List<Integer> starts = java.util.Collections.synchronizedList(new ArrayList<>());
      Rows.forEach(
          rows,
          MACS,
          64,
          (from, to) -> {
            starts.add(from);
            for (int r = from; r < to; r++) {
              runs.incrementAndGet(r);
            }
          });
      for (int r = 0; r < rows; r++) {
        assertEquals(1, runs.get(r), "row " + r + " of " + rows);
      }
      for (int start : starts) {
        assertEquals(0, start % 64, "a part of " + rows + " rows starts at " + start);
      }
      assertEquals(Math.min(Rows.threads(), (rows + 63) / 64), starts.size(), rows + " rows");
    }
  }

  @Test
  void aFailingPartIsRethrownToTheCallerAfterEveryPartHasEnded() {
    assumeTrue(Rows.threads() > 1, "one thread: nothing splits");
    AtomicIntegerArray ended = new AtomicIntegerArray(1);
    IllegalStateException failure = new IllegalStateException("row kernel failed");
    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                Rows.forEach(
                    256,
                    MACS,
                    (from, to) -> {
                      if (from > 0) {
                        throw failure; // a worker's part
                      }
                      sleep(20);
                      ended.incrementAndGet(0);
                    }));
    assertSame(failure, thrown);
    assertEquals(1, ended.get(0), "the caller's own part ran to its end");
    // the workers are still usable
    everyRowRunsExactlyOnceWhateverTheRowCount();
  }

  @Test
  void aBodyThatSplitsAgainRunsItsInnerRowsOnItsOwnThread() {
    AtomicIntegerArray runs = new AtomicIntegerArray(64 * 64);
    Rows.forEach(
        64,
        MACS,
        (from, to) -> {
          for (int r = from; r < to; r++) {
            int outer = r;
            Rows.forEach(
                64,
                MACS,
                (a, b) -> {
                  for (int i = a; i < b; i++) {
                    runs.incrementAndGet(outer * 64 + i);
                  }
                });
          }
        });
    for (int i = 0; i < runs.length(); i++) {
      assertEquals(1, runs.get(i), "cell " + i);
    }
  }

  @Test
  void callersOnSeveralThreadsAtOnceEachGetEveryRowOnce() throws InterruptedException {
    List<Thread> callers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread caller =
          new Thread(
              () -> {
                for (int call = 0; call < 500; call++) {
                  int rows = 8 + call % 200;
                  AtomicIntegerArray runs = new AtomicIntegerArray(rows);
                  Rows.forEach(
                      rows,
                      MACS,
                      (from, to) -> {
                        for (int r = from; r < to; r++) {
                          runs.incrementAndGet(r);
                        }
                      });
                  for (int r = 0; r < rows; r++) {
                    assertEquals(1, runs.get(r), "row " + r + " of " + rows);
                  }
                }
              });
      caller.setUncaughtExceptionHandler(
          (th, e) -> {
            synchronized (failures) {
              failures.add(e);
            }
          });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join();
    }
    assertEquals(List.of(), failures);
  }

  @Test
  void aSplitAllocatesNothingOnTheCallingThread() {
    assumeTrue(Rows.threads() > 1, "one thread: nothing splits");
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] sums = new long[256];
    RowRange body =
        (from, to) -> {
          for (int r = from; r < to; r++) {
            sums[r] += r;
          }
        };
    for (int i = 0; i < 20_000; i++) { // let the JIT compile the hand-over
      Rows.forEach(256, MACS, body);
    }
    // Windows of 1,000 calls, until one allocates nothing (at most three): an allocation per call
    // shows in every window (16 KB or more), while a one-off event of the JVM's (168 bytes, seen
    // twice over sessions 9 and 10, both in the 256-bit execution) leaves the next window at 0.
    long id = Thread.currentThread().getId();
    List<Long> windows = new ArrayList<>();
    for (int w = 0; w < 3 && !windows.contains(0L); w++) {
      long before = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < 1_000; i++) {
        Rows.forEach(256, MACS, body);
      }
      windows.add(threads.getThreadAllocatedBytes(id) - before);
    }
    assertTrue(
        windows.contains(0L), "bytes allocated by each window of 1,000 split calls: " + windows);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
