package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * Chooses the clipping range that minimizes the squared quantization error of the observed values
 * for a given integer type (docs/numerics.md#7-calibration); recommended for weights, above all at
 * 4 bits, where clipping a few outliers buys a much finer step for everything else (Nagel et al.,
 * "A White Paper on Neural Network Quantization", 2021, section 3.4).
 *
 * <p>The values go into a {@value #BINS}-bin histogram (of {@code |x|} when symmetric: a symmetric
 * quantizer is odd, {@code fq(-x) = -fq(x)}, so the sign does not change the error; of {@code x}
 * when asymmetric). The grid search tries {@value #GRID} candidates, the observed range widened to
 * include zero and then scaled by {@code k / GRID} for {@code k = 1 .. GRID}: symmetric {@code [-t,
 * t]} with {@code t = k / GRID * max|x|}, asymmetric {@code [k / GRID * lo', k / GRID * hi']}. Both
 * ends shrink together: a one-dimensional search, where a two-dimensional one would cost {@code
 * GRID} times more. A candidate's error is {@code sum count * (c - fakeQuantize(c))^2} over the
 * non-empty bins, {@code c} being the bin's centre clipped to the observed range, with exactly the
 * scale and zero point {@link Range#quantParams} derives. The smallest error wins; ties keep the
 * wider range. Candidate {@code k = GRID} is the min/max range, so the estimated error is never
 * worse than {@link MinMaxObserver}'s. The range returned always contains zero.
 *
 * <p>Representing a bin by its centre moves a value by at most half a bin, at most 1/1024 of the
 * largest magnitude (the histogram spans up to twice it), well below the quantization step of every
 * type up to 8 bits (at least 1/255 of the range). For 16 bits the histogram is too coarse to see
 * the step: use {@link MinMaxObserver} there.
 */
public final class MseObserver implements Observer {
  /** Histogram bins. */
  public static final int BINS = 2048;

  /** Candidate clipping ranges tried. */
  public static final int GRID = 128;

  private final QuantType type;
  private final Scheme scheme;
  private final Histogram histogram;

  /**
   * @param type the type the values will be quantized to: the error depends on its step
   * @throws IllegalArgumentException for {@link Scheme#SYMMETRIC} with an unsigned type, or a type
   *     wider than 16 bits
   */
  public MseObserver(QuantType type, Scheme scheme) {
    this.type = Objects.requireNonNull(type, "type");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    // Fail now (unsigned symmetric, over 16 bits) rather than after a whole calibration run.
    new Range(0f, 0f).quantParams(type, scheme);
    this.histogram = new Histogram(BINS, scheme == Scheme.ASYMMETRIC);
  }

  @Override
  public void observe(float[] batch, int off, int len) {
    Batches.requireFinite("MseObserver", batch, off, len);
    histogram.add(batch, off, len);
  }

  @Override
  public Range range() {
    if (histogram.total() == 0) {
      throw new IllegalStateException("MseObserver: no value observed yet");
    }
    int bins = histogram.bins();
    float[] centers = new float[bins];
    long[] counts = new long[bins];
    int used = 0;
    // In |x| mode the observed range of the binned values is [0, amax], not [min, max].
    double lowest = histogram.isSigned() ? histogram.min() : 0;
    double highest = histogram.isSigned() ? histogram.max() : histogram.amax();
    for (int bin = 0; bin < bins; bin++) {
      long count = histogram.count(bin);
      if (count != 0) {
        centers[used] = (float) Math.min(highest, Math.max(lowest, histogram.center(bin)));
        counts[used++] = count;
      }
    }
    Range best = null;
    double bestError = Double.POSITIVE_INFINITY;
    for (int k = GRID; k >= 1; k--) {
      Range candidate = candidate((double) k / GRID);
      FakeQuantizer quantizer = new FakeQuantizer(candidate.quantParams(type, scheme));
      double error = 0;
      for (int i = 0; i < used; i++) {
        double e = centers[i] - quantizer.apply(centers[i]);
        error += counts[i] * e * e;
      }
      if (error < bestError) {
        bestError = error;
        best = candidate;
      }
    }
    return best;
  }

  /**
   * The observed range widened to include zero (as {@link Range#quantParams} would), then shrunk
   * towards zero by {@code fraction}.
   */
  private Range candidate(double fraction) {
    double lo = Math.min(histogram.min(), 0f);
    double hi = Math.max(histogram.max(), 0f);
    if (scheme == Scheme.SYMMETRIC) {
      double t = fraction * histogram.amax();
      return new Range((float) Math.max(-t, lo), (float) Math.min(t, hi));
    }
    return new Range((float) (fraction * lo), (float) (fraction * hi));
  }
}
