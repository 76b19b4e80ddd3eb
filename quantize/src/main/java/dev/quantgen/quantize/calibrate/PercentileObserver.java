package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import java.util.Objects;

/**
 * Clips at a percentile of a histogram of the observed values (docs/numerics.md#7-calibration), as
 * ONNX Runtime's PercentileCalibrater does: 2048 bins, default percentile 99.999.
 *
 * <ul>
 *   <li>Symmetric: a histogram of {@code |x|}; the threshold {@code t} is the upper edge of the
 *       first bin where the cumulative count reaches {@code p%} of all values, and the range is
 *       {@code [-t, t]} clipped to the observed {@code [min, max]}.
 *   <li>Asymmetric: a histogram of {@code x}; {@code (100 - p) / 2 %} is cut from each tail: the
 *       lower edge of the first bin where the cumulative count reaches that share, and the upper
 *       edge of the first bin where it reaches {@code 100 - (100 - p) / 2 %}, clipped likewise.
 * </ul>
 *
 * <p>One deliberate difference from ONNX Runtime: it takes the <em>lower</em> edge of the upper
 * percentile bin, which can clip values inside the requested percentile; the upper edge used here
 * keeps at least {@code p%} of the values inside the range. The histogram grows by exact re-binning
 * (see {@link Histogram}), so the result does not depend on how the data is split into batches.
 */
public final class PercentileObserver implements Observer {
  /** The percentile ONNX Runtime uses by default. */
  public static final double DEFAULT_PERCENTILE = 99.999;

  /** The histogram size ONNX Runtime uses by default for percentiles. */
  public static final int BINS = 2048;

  private final Scheme scheme;
  private final double percentile;
  private final Histogram histogram;

  /** An observer at the 99.999th percentile. */
  public PercentileObserver(Scheme scheme) {
    this(scheme, DEFAULT_PERCENTILE);
  }

  /**
   * @param percentile in {@code (0, 100]}; 100 keeps every value, like {@link MinMaxObserver}
   */
  public PercentileObserver(Scheme scheme, double percentile) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException(
          "percentile is " + percentile + ", expected a value in (0, 100]");
    }
    this.percentile = percentile;
    this.histogram = new Histogram(BINS, scheme == Scheme.ASYMMETRIC);
  }

  @Override
  public void observe(float[] batch, int off, int len) {
    Batches.requireFinite("PercentileObserver", batch, off, len);
    histogram.add(batch, off, len);
  }

  @Override
  public Range range() {
    if (histogram.total() == 0) {
      throw new IllegalStateException("PercentileObserver: no value observed yet");
    }
    double lo;
    double hi;
    if (scheme == Scheme.SYMMETRIC) {
      hi = histogram.upperEdge(firstBinReaching(percentile / 100));
      lo = -hi;
    } else {
      double tail = (100 - percentile) / 200;
      lo = histogram.lowerEdge(firstBinReaching(tail));
      hi = histogram.upperEdge(firstBinReaching(1 - tail));
    }
    // Clipping to what was observed also brings the edges (at most 2^128) into float range.
    return new Range((float) Math.max(lo, histogram.min()), (float) Math.min(hi, histogram.max()));
  }

  /** The first bin whose cumulative count reaches {@code fraction} of all values. */
  private int firstBinReaching(double fraction) {
    double target = fraction * histogram.total();
    long cumulative = 0;
    for (int bin = 0; bin < histogram.bins(); bin++) {
      cumulative += histogram.count(bin);
      if (cumulative >= target) {
        return bin;
      }
    }
    return histogram.bins() - 1;
  }
}
