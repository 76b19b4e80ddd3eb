package dev.quantgen.runtime.kernel;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a large layer's output rows across cores. The caller's thread runs the first share and
 * persistent daemon workers run the others; results are exact regardless of the split, because each
 * row is computed by one thread from start to end. Layers below {@link #MIN_PARALLEL_MACS} run on
 * the caller's thread only, and so does everything when {@value #PROPERTY} is 1.
 *
 * <p>A split allocates nothing: each worker has one job slot (the body and its rows, written by the
 * caller, published by a volatile write), and caller and worker hand over by spinning for a few
 * tens of microseconds before parking, since a parked thread takes longer to wake than a layer of a
 * small model takes to run. One caller at a time owns the workers; a second thread that splits
 * while they are busy (two models run from two threads, or a session that already splits its batch)
 * runs all of its rows itself, which gives the same results and keeps every core busy without
 * waiting.
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
   * {@code rows * macsPerRow} is large. Rethrows the first failure of any part, after every part
   * has ended (the parts share the output arrays).
   */
  public static void forEach(int rows, long macsPerRow, RowRange body) {
    int parts = parts(rows, macsPerRow);
    forEach(rows, parts, parts <= 1 ? 1 : unit(rows, parts), body);
  }

  /**
   * {@link #forEach(int, long, RowRange)} with every part starting at a multiple of {@code granule}
   * rows (a caller's block), so each part sees the same blocks as one thread would.
   */
  public static void forEach(int rows, long macsPerRow, int granule, RowRange body) {
    if (granule < 1) {
      throw new IllegalArgumentException("granule: expected >= 1, got " + granule);
    }
    int units = (rows + granule - 1) / granule;
    forEach(rows, Math.min(parts(rows, macsPerRow), units), granule, body);
  }

  private static void forEach(int rows, int parts, int unit, RowRange body) {
    if (parts <= 1 || !Pool.BUSY.compareAndSet(false, true)) {
      body.run(0, rows);
      return;
    }
    try {
      int units = (rows + unit - 1) / unit;
      Worker[] workers = Pool.WORKERS;
      for (int p = 1; p < parts; p++) {
        int from = Math.min(rows, units * p / parts * unit);
        int to = p == parts - 1 ? rows : Math.min(rows, units * (p + 1) / parts * unit);
        workers[p - 1].post(body, from, to);
      }
      Throwable failure = null;
      try {
        body.run(0, Math.min(rows, units / parts * unit));
      } catch (Throwable e) {
        failure = e;
      }
      for (int p = 1; p < parts; p++) {
        Throwable t = workers[p - 1].await();
        failure = failure == null ? t : failure;
      }
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      if (failure != null) {
        throw new IllegalStateException(failure); // a checked exception thrown sneakily
      }
    } finally {
      Pool.BUSY.set(false);
    }
  }

  /**
   * Whether {@link #forEach} would split {@code rows} of {@code macsPerRow} multiply-adds across
   * threads. Generated code asks first and runs a small product directly.
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
    throw new IllegalArgumentException(
        PROPERTY + ": expected a thread count >= 1, got '" + value + "'");
  }

  /** The system property that sets how long a thread spins for a hand-over before it parks. */
  public static final String SPIN_PROPERTY = "quantgen.spinMicros";

  private static final long DEFAULT_SPIN_MICROS = 50;

  /**
   * How long a thread spins for its hand-over before it parks: {@value #SPIN_PROPERTY} microseconds
   * (default {@value #DEFAULT_SPIN_MICROS}).
   */
  private static final long SPIN_NANOS = spinMicros(System.getProperty(SPIN_PROPERTY)) * 1000L;

  static long spinMicros(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_SPIN_MICROS;
    }
    try {
      long micros = Long.parseLong(value.trim());
      if (micros >= 0) {
        return micros;
      }
    } catch (NumberFormatException e) {
      // reported below with the value
    }
    throw new IllegalArgumentException(
        SPIN_PROPERTY + ": expected microseconds >= 0, got '" + value + "'");
  }

  /** The workers, started on first parallel use only. */
  private static final class Pool {
    /**
     * Set while one caller owns the workers; not reentrant, so a body that splits again runs
     * inline.
     */
    static final AtomicBoolean BUSY = new AtomicBoolean();

    static final Worker[] WORKERS = start();

    private static Worker[] start() {
      Worker[] workers = new Worker[THREADS - 1];
      for (int i = 0; i < workers.length; i++) {
        workers[i] = new Worker(i + 1);
        workers[i].start();
      }
      return workers;
    }
  }

  /** A daemon thread with a one-job slot. */
  private static final class Worker extends Thread {
    private static final int IDLE = 0;
    private static final int POSTED = 1;
    private static final int DONE = 2;

    private volatile int state = IDLE;
    private volatile Thread caller;
    private RowRange body;
    private int from;
    private int to;
    private Throwable failure;

    Worker(int index) {
      super("quantgen-rows-" + index);
      setDaemon(true);
    }

    /**
     * Hands {@code body} over {@code [from, to)} to this worker (plain writes, published by {@code
     * state}).
     */
    void post(RowRange body, int from, int to) {
      this.body = body;
      this.from = from;
      this.to = to;
      this.failure = null;
      this.caller = Thread.currentThread();
      state = POSTED;
      LockSupport.unpark(this);
    }

    /** Waits for the posted job; returns its failure, or null. */
    Throwable await() {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (state != DONE) {
        if (System.nanoTime() < deadline) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      state = IDLE;
      body = null;
      return failure;
    }

    @Override
    public void run() {
      while (true) {
        long deadline = System.nanoTime() + SPIN_NANOS;
        while (state != POSTED) {
          if (System.nanoTime() < deadline) {
            Thread.onSpinWait();
          } else {
            LockSupport.park(this);
          }
        }
        try {
          body.run(from, to);
        } catch (Throwable t) {
          failure = t;
        }
        state = DONE;
        LockSupport.unpark(caller);
      }
    }
  }
}
