package dev.quantgen.quantize.calibrate;

import java.util.Objects;

/**
 * Signal-to-quantization-noise ratio of a layer's quantized output against its FP32 output on the
 * same inputs, accumulated over batches (docs/numerics.md#9-reporting-error): {@code SQNR = 20 *
 * log10(||x|| / ||x - x'||)} dB, i.e. {@code 10 * log10(sum x^2 / sum (x - x')^2)}.
 *
 * <p>Both sums are kept in double and added in the order values arrive, so the result is
 * deterministic. Edge cases: an exact match (no noise) is {@code +Infinity}, also when the signal
 * is zero as well (nothing was lost); a zero signal with non-zero noise is {@code -Infinity}
 * (nothing but noise). Every 20 dB is a factor of 10 in relative error: {@code x' = x * (1 + 1e-3)}
 * gives 60 dB. Not thread-safe.
 */
public final class Sqnr {
  private double signal;
  private double noise;
  private double maxAbsError;
  private long count;

  /** Adds a batch: {@code reference} (FP32) and {@code quantized} outputs, element by element. */
  public void add(float[] reference, float[] quantized) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(quantized, "quantized");
    if (reference.length != quantized.length) {
      throw new IllegalArgumentException(
          "quantized has "
              + quantized.length
              + " values, expected "
              + reference.length
              + " as reference");
    }
    add(reference, 0, quantized, 0, reference.length);
  }

  /**
   * Adds {@code reference[refOff .. refOff + len)} against {@code quantized[qOff .. qOff + len)}.
   *
   * @throws IllegalArgumentException for a NaN or infinite value, naming the array and index; no
   *     value of the batch is added then
   */
  public void add(float[] reference, int refOff, float[] quantized, int qOff, int len) {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(quantized, "quantized");
    Objects.checkFromIndexSize(refOff, len, reference.length);
    Objects.checkFromIndexSize(qOff, len, quantized.length);
    requireFinite("reference", reference, refOff, len);
    requireFinite("quantized", quantized, qOff, len);
    for (int i = 0; i < len; i++) {
      double x = reference[refOff + i];
      double e = x - quantized[qOff + i];
      signal += x * x;
      noise += e * e;
      maxAbsError = Math.max(maxAbsError, Math.abs(e));
    }
    count += len;
  }

  private static void requireFinite(String name, float[] a, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (!Float.isFinite(a[i])) {
        throw new IllegalArgumentException(
            "Sqnr: " + name + "[" + i + "] is " + a[i] + ", expected a finite value");
      }
    }
  }

  /**
   * The ratio in decibels; see the class comment for exact matches and zero signals.
   *
   * @throws IllegalStateException if no value has been added
   */
  public double db() {
    if (count == 0) {
      throw new IllegalStateException("Sqnr: no value added yet");
    }
    if (noise == 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (signal == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return 10 * Math.log10(signal / noise);
  }

  /** The largest {@code |x - x'|} seen (0 before any value). */
  public double maxAbsError() {
    return maxAbsError;
  }

  /** How many value pairs were added. */
  public long count() {
    return count;
  }

  /** The SQNR in dB of one batch. */
  public static double db(float[] reference, float[] quantized) {
    Sqnr sqnr = new Sqnr();
    sqnr.add(reference, quantized);
    return sqnr.db();
  }
}
