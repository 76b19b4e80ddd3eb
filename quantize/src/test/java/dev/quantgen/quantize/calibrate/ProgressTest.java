package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long MS = 1_000_000L;

  /** A clock the test moves by hand. */
  private static final class FakeClock {
    long nanos = 5_000 * MS;
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final FakeClock clock = new FakeClock();

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private Progress progress(long total, boolean interactive) {
    return new Progress("calibrate", total, out, interactive, () -> clock.nanos);
  }

  @Test
  void runsShorterThanASecondPrintNothing() {
    for (boolean interactive : new boolean[] {true, false}) {
      try (Progress p = progress(100, interactive)) {
        for (int i = 0; i < 100; i++) {
          clock.nanos += 9 * MS;
          p.step();
        }
      }
    }
    assertEquals("", printed());
  }

  @Test
  void logsGetAFewPlainLines() {
    try (Progress p = progress(1000, false)) {
      for (int i = 0; i < 1000; i++) {
        clock.nanos += 4 * MS;
        p.step();
      }
    }
    // 4 s at 250/s: the first second ends exactly at 25%; lines at each quarter, then the summary.
    assertEquals(
        ""
            + "calibrate: 250/1000 (25%)  250.0/s  ETA 0:03\n"
            + "calibrate: 500/1000 (50%)  250.0/s  ETA 0:02\n"
            + "calibrate: 750/1000 (75%)  250.0/s  ETA 0:01\n"
            + "calibrate: 1000/1000 (100%)  250.0/s  done in 0:04\n",
        printed());
  }

  @Test
  void terminalsGetOneLineRedrawnAtMostTenTimesASecond() {
    try (Progress p = progress(1000, true)) {
      for (int i = 0; i < 400; i++) {
        clock.nanos += 5 * MS;
        p.step();
      }
    }
    String s = printed();
    // 2 s of steps: redraws at 1.0 s and every 100 ms after, 11 in all, plus the final one.
    assertEquals(12, s.chars().filter(c -> c == '\r').count(), s);
    assertTrue(
        s.startsWith(
            "\rcalibrate [######------------------------]  200/1000  20%  200.0/s" + "  ETA 0:04"),
        s);
    // The summary replaces the bar in place, padded with blanks over the longer bar line.
    String last = s.substring(s.lastIndexOf('\r') + 1);
    assertEquals("calibrate: 400/1000 (40%)  200.0/s  done in 0:02", last.stripTrailing());
    assertTrue(last.endsWith(" \n"), last);
    assertEquals(1, s.chars().filter(c -> c == '\n').count(), "one newline, at the end");
  }

  @Test
  void aSlowRunThatNeverReachedAMilestoneStillGetsItsSummary() {
    try (Progress p = progress(10, false)) {
      clock.nanos += 1500 * MS;
      p.advance(2);
    }
    assertEquals("calibrate: 2/10 (20%)  1.3/s  done in 0:01\n", printed());
  }

  @Test
  void badCountsAreRejected() {
    Progress p = progress(10, false);
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> p.advance(-1));
    assertEquals("n is -1, expected 0..10 (count 0 of total 10)", negative.getMessage());
    p.advance(8);
    assertThrows(IllegalArgumentException.class, () -> p.advance(3));
    p.close();
    assertThrows(IllegalStateException.class, p::step);
    IllegalArgumentException total =
        assertThrows(IllegalArgumentException.class, () -> progress(-5, true));
    assertEquals("total is -5, expected >= 0", total.getMessage());
  }

  @Test
  void durationsShowMinutesOrHours() {
    assertEquals("0:05", Progress.duration(5));
    assertEquals("2:03", Progress.duration(123));
    assertEquals("1:00:01", Progress.duration(3601));
  }
}
