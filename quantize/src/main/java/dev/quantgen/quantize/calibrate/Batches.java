package dev.quantgen.quantize.calibrate;

import java.util.Objects;

/** Argument checks shared by the observers. */
final class Batches {
  private Batches() {}

  /**
   * Checks that {@code [off, off + len)} lies in {@code batch} and that every value in it is
   * finite. Runs before an observer changes any state, so a rejected batch leaves no trace.
   *
   * @param observer names the observer in the message
   */
  static void requireFinite(String observer, float[] batch, int off, int len) {
    Objects.requireNonNull(batch, "batch");
    Objects.checkFromIndexSize(off, len, batch.length);
    for (int i = off; i < off + len; i++) {
      float v = batch[i];
      if (!Float.isFinite(v)) {
        // docs/numerics.md#1-quantize-and-dequantize: NaN is an error at calibration. An infinity
        // would turn every
        // range statistic (and hence the scale) infinite, so it is refused as well.
        throw new IllegalArgumentException(
            observer
                + ": batch["
                + i
                + "] is "
                + v
                + ", expected a finite value (calibration data must not contain NaN or infinities)");
      }
    }
  }

  /** The smallest value of a non-empty, finite run. */
  static float min(float[] batch, int off, int len) {
    float m = batch[off];
    for (int i = off + 1; i < off + len; i++) {
      m = Math.min(m, batch[i]);
    }
    return m;
  }

  /** The largest value of a non-empty, finite run. */
  static float max(float[] batch, int off, int len) {
    float m = batch[off];
    for (int i = off + 1; i < off + len; i++) {
      m = Math.max(m, batch[i]);
    }
    return m;
  }
}
