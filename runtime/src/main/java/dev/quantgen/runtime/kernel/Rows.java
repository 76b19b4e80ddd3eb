package dev.quantgen.runtime.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

/**
 * Splits a large layer's output rows across cores. The caller's thread runs the first share and
 * a small pool of daemon threads runs the others; results are exact regardless of the split,
 * because each row is computed by one thread from start to end. Layers below {@link
 * #MIN_PARALLEL_MACS} run on the caller's thread only (handing work over costs tens of
 * microseconds), and so does everything when {@value #PROPERTY} is 1.
 *
 * <p>The thread count is {@value #PROPERTY} if set (at least 1), else the available processors.
 */
public final class Rows {
  /** The system property that sets how many threads a layer may use. */
  public static final String PROPERTY = "quantgen.threads";

  /** Layers with fewer multiply-adds than this run on one thread. */
  public static final long MIN_PARALLEL_MACS = 1L << 20;

  private static final int THREADS = threads(System.getProperty(PROPERTY));

  private Rows() {}

  /** The number of threads a large layer uses. */
  public static int threads() {
    return THREADS;
  }

  /**
   * Runs {@code body} over {@code [0, rows)}, split into per-thread ranges whose starts are
   * multiples of four or of 64 (so the kernels' row tiles stay aligned, see {@link #unit}) when
   * {@code rows * macsPerRow} is large.
   */
  public static void forEach(int rows, long macsPerRow, RowRange body) {
    int parts = parts(rows, macsPerRow);
    if (parts <= 1) {
      body.run(0, rows);
      return;
    }
    int unit = unit(rows, parts);
    int units = (rows + unit - 1) / unit;
    Future<?>[] others = new Future<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int from = Math.min(rows, units * p / parts * unit);
      int to = p == parts - 1 ? rows : Math.min(rows, units * (p + 1) / parts * unit);
      others[p - 1] = Pool.EXECUTOR.submit(() -> body.run(from, to));
    }
    body.run(0, Math.min(rows, units / parts * unit));
    for (Future<?> f : others) {
      await(f);
    }
  }

  /**
   * Whether {@link #forEach} would split {@code rows} of {@code macsPerRow} multiply-adds across
   * threads. Generated code asks first and runs a small product directly, so that only a split
   * call creates the capturing lambda {@code forEach} takes (an allocation per call).
   */
  public static boolean splits(int rows, long macsPerRow) {
    return parts(rows, macsPerRow) > 1;
  }

  /**
   * The granule of a split: 64 rows where every part gets at least two (whole panels of the batched
   * int8 kernel at either vector width), else 4 (whole tiles of the four-row kernels).
   */
  private static int unit(int rows, int parts) {
    return rows >= 128 * parts ? 64 : 4;
  }

  private static int parts(int rows, long macsPerRow) {
    return THREADS == 1 || rows * macsPerRow < MIN_PARALLEL_MACS ? 1 : Math.min(THREADS, rows / 4);
  }

  private static void await(Future<?> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // finish the layer: the output array is shared with the worker
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          if (cause instanceof Error) {
            throw (Error) cause;
          }
          throw new IllegalStateException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int threads(String value) {
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new IllegalArgumentException(PROPERTY + ": expected a thread count >= 1, got '" + value + "'");
  }

  /** Daemon workers, created on first parallel use only. */
  private static final class Pool {
    static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(THREADS - 1, r -> {
      Thread t = new Thread(r, "quantgen-rows");
      t.setDaemon(true);
      return t;
    });
  }
}
