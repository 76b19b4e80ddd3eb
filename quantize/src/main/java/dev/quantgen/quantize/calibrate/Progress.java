package dev.quantgen.quantize.calibrate;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A progress display for long runs (calibration, training): count and total, percentage, rate and
 * estimated time left.
 *
 * <ul>
 *   <li>Runs that end within {@link #QUIET_NANOS one second} print nothing at all.
 *   <li>On an interactive terminal the line is redrawn in place ({@code \r}) at most every {@link
 *       #REDRAW_NANOS 100 ms}, then finished with a newline by {@link #close()}.
 *   <li>Otherwise (a CI log, a pipe) it prints at most one plain line at each quarter of the run
 *       and a final summary line, so logs stay short.
 * </ul>
 *
 * <pre>
 * calibrate [############------------------]   400/1000  40%  812.3/s  ETA 0:01
 * calibrate: 1000/1000 (100%)  805.1/s  done in 0:01
 * </pre>
 *
 * <p>The clock is injectable for tests. Not thread-safe: advance it from the thread that runs the
 * work.
 */
public final class Progress implements AutoCloseable {
  /** Runs shorter than this print nothing. */
  public static final long QUIET_NANOS = 1_000_000_000L;

  /** Shortest time between two redraws on an interactive terminal. */
  public static final long REDRAW_NANOS = 100_000_000L;

  private static final int BAR_WIDTH = 30;

  private final String label;
  private final long total;
  private final PrintStream out;
  private final boolean interactive;
  private final LongSupplier nanoTime;
  private final long startNanos;
  private long count;
  private long lastDrawNanos;
  private int lastWidth;
  private boolean shown;
  private long lastQuarter;
  private boolean closed;

  /**
   * A progress display on {@code out} that redraws only if this JVM has a console ({@code
   * System.console() != null}), timed by {@link System#nanoTime()}.
   */
  public static Progress start(String label, long total, PrintStream out) {
    // On JDK 22+ System.console() is also non-null when the output is redirected
    // (Console.isTerminal,
    // JDK 22, tells them apart but does not exist on 17): there the bar redraws into the log.
    @SuppressWarnings("SystemConsoleNull")
    boolean interactive = System.console() != null;
    return new Progress(label, total, out, interactive, System::nanoTime);
  }

  /**
   * @param label names the run at the start of each line
   * @param total the count that means done, {@code >= 0}
   * @param interactive true to redraw one line in place, false for plain lines
   * @param nanoTime a monotonic clock in nanoseconds; read once here for the start
   */
  public Progress(
      String label, long total, PrintStream out, boolean interactive, LongSupplier nanoTime) {
    this.label = Objects.requireNonNull(label, "label");
    if (total < 0) {
      throw new IllegalArgumentException("total is " + total + ", expected >= 0");
    }
    this.total = total;
    this.out = Objects.requireNonNull(out, "out");
    this.interactive = interactive;
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.startNanos = nanoTime.getAsLong();
  }

  /** Counts one more unit of work done. */
  public void step() {
    advance(1);
  }

  /**
   * Counts {@code n} more units of work done and updates the display when due.
   *
   * @throws IllegalArgumentException if {@code n < 0} or the count would pass the total
   * @throws IllegalStateException after {@link #close()}
   */
  public void advance(long n) {
    if (closed) {
      throw new IllegalStateException("progress '" + label + "' is closed");
    }
    if (n < 0 || n > total - count) {
      throw new IllegalArgumentException(
          "n is "
              + n
              + ", expected 0.."
              + (total - count)
              + " (count "
              + count
              + " of total "
              + total
              + ")");
    }
    count += n;
    long now = nanoTime.getAsLong();
    long elapsed = now - startNanos;
    if (elapsed < QUIET_NANOS) {
      return;
    }
    if (interactive) {
      if (!shown || now - lastDrawNanos >= REDRAW_NANOS) {
        redraw(barLine(elapsed));
        lastDrawNanos = now;
      }
    } else {
      long quarter = total == 0 ? 4 : count * 4 / total;
      if (quarter > lastQuarter && quarter < 4) {
        out.println(plainLine(elapsed));
        out.flush();
        shown = true;
        lastQuarter = quarter;
      }
    }
  }

  /** How many units are done. */
  public long count() {
    return count;
  }

  /**
   * Ends the display: a summary line if anything was shown or the run took at least {@link
   * #QUIET_NANOS}; nothing otherwise. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long elapsed = nanoTime.getAsLong() - startNanos;
    if (!shown && elapsed < QUIET_NANOS) {
      return;
    }
    String done =
        String.format(
            Locale.ROOT,
            "%s: %d/%d (%d%%)  %s/s  done in %s",
            label,
            count,
            total,
            percent(),
            rate(elapsed),
            duration(elapsed / 1_000_000_000L));
    if (interactive) {
      redraw(done);
      out.println();
    } else {
      out.println(done);
    }
    out.flush();
  }

  private void redraw(String line) {
    // Blank out what is left of a longer previous line.
    String pad = " ".repeat(Math.max(0, lastWidth - line.length()));
    out.print("\r" + line + pad);
    out.flush();
    lastWidth = line.length();
    shown = true;
  }

  private String barLine(long elapsed) {
    int filled = total == 0 ? BAR_WIDTH : (int) (count * BAR_WIDTH / total);
    String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
    int digits = Long.toString(total).length();
    return String.format(
        Locale.ROOT,
        "%s [%s] %" + digits + "d/%d %3d%%  %s/s  ETA %s",
        label,
        bar,
        count,
        total,
        percent(),
        rate(elapsed),
        eta(elapsed));
  }

  private String plainLine(long elapsed) {
    return String.format(
        Locale.ROOT,
        "%s: %d/%d (%d%%)  %s/s  ETA %s",
        label,
        count,
        total,
        percent(),
        rate(elapsed),
        eta(elapsed));
  }

  private int percent() {
    return total == 0 ? 100 : (int) (count * 100 / total);
  }

  /** Units per second; only called once the quiet second is over, so never a division by 0. */
  private String rate(long elapsedNanos) {
    return String.format(Locale.ROOT, "%.1f", count * 1e9 / elapsedNanos);
  }

  private String eta(long elapsedNanos) {
    if (count == 0) {
      return "?";
    }
    double secondsLeft = (double) (total - count) * elapsedNanos / count / 1e9;
    return duration((long) Math.ceil(secondsLeft));
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String duration(long seconds) {
    long h = seconds / 3600;
    long m = seconds / 60 % 60;
    long s = seconds % 60;
    return h > 0
        ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
        : String.format(Locale.ROOT, "%d:%02d", m, s);
  }
}
