package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import java.util.Objects;

/**
 * Chooses the clipping threshold that minimizes the KL divergence between the observed distribution
 * and its quantized image (docs/numerics.md#7-calibration), the TensorRT method (Migacz, "8-bit
 * Inference with TensorRT", GTC 2017) as ONNX Runtime's {@code calibrate.py} implements it in
 * {@code HistogramCollector.get_entropy_threshold} together with {@code smooth_distribution}.
 *
 * <p>Histogram: {@value #BINS} bins, of {@code |x|} for {@link Scheme#SYMMETRIC} (TensorRT), of
 * {@code x} over {@code [-edge, edge)} for {@link Scheme#ASYMMETRIC} (ONNX Runtime's {@code
 * collect_value}). For each candidate window of {@code n >= 128} bins (symmetric: {@code [0, n)};
 * asymmetric: {@code n} bins centred on zero, {@code n} even):
 *
 * <ol>
 *   <li>{@code P} = the window's counts, with the counts outside it folded into its first and last
 *       bin;
 *   <li>{@code Q} = the window's own counts merged into 128 levels of {@code n / 128} bins (the
 *       last level also takes the remainder), each level's count spread evenly over the bins where
 *       {@code P} is non-zero, and 0 where {@code P} is zero;
 *   <li>both smoothed (zeros become {@code 1e-4}, the mass taken evenly from the non-zeros), both
 *       normalized, {@code KL(P||Q) = sum P log(P / Q)} in double, summed in bin order;
 * </ol>
 *
 * and the window with the smallest divergence wins (the narrowest on ties). The threshold is the
 * window's edge, clipped to the observed {@code [min, max]}; symmetric gives {@code [-t, t]} so
 * clipped.
 *
 * <p>Where ONNX Runtime's port departs from the MXNet code it cites, this follows MXNet: {@code Q}
 * is computed in floating point (ONNX Runtime stores it in an int64 array, truncating), the last
 * level extends to the end of the window (ONNX Runtime leaves the remainder bins of {@code Q} at
 * 0), and {@code Q} is zeroed where {@code P} is. Candidates end at the last non-empty bin: wider
 * windows only add empty bins. Asymmetric windows have an even number of bins centred on zero
 * ({@code 2i}, where ONNX Runtime slices {@code 2i + 1}). A candidate whose smoothed {@code Q}
 * would not be a distribution counts as infinitely far. The histogram grows by exact re-binning
 * (see {@link Histogram}), so the result does not depend on how the data is split into batches.
 */
public final class EntropyObserver implements Observer {
  /** Histogram bins, as TensorRT. */
  public static final int BINS = 2048;

  /** Levels the window is quantized to: the 128 magnitudes of int8. */
  public static final int LEVELS = 128;

  private static final double SMOOTHING_EPS = 1e-4;

  private final Scheme scheme;
  private final Histogram histogram;

  public EntropyObserver(Scheme scheme) {
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.histogram = new Histogram(BINS, scheme == Scheme.ASYMMETRIC);
  }

  @Override
  public void observe(float[] batch, int off, int len) {
    Batches.requireFinite("EntropyObserver", batch, off, len);
    histogram.add(batch, off, len);
  }

  @Override
  public Range range() {
    if (histogram.total() == 0) {
      throw new IllegalStateException("EntropyObserver: no value observed yet");
    }
    long[] counts = histogram.counts();
    int zero = histogram.zeroBin();
    // Half-widths i (in bins) from the narrowest window of LEVELS bins to the one reaching the
    // farthest non-empty bin.
    int sides = scheme == Scheme.SYMMETRIC ? 1 : 2;
    int minHalf = LEVELS / sides;
    int maxHalf = Math.max(minHalf, farthestNonEmpty(counts, zero));
    double[] p = new double[counts.length];
    double[] q = new double[counts.length];
    long[] before = prefixSums(counts);
    int bestHalf = maxHalf;
    double bestKl = Double.POSITIVE_INFINITY;
    for (int half = minHalf; half <= maxHalf; half++) {
      int start = scheme == Scheme.SYMMETRIC ? 0 : zero - half;
      int stop = zero + half;
      double kl = divergence(counts, before, start, stop, p, q);
      if (kl < bestKl) {
        bestKl = kl;
        bestHalf = half;
      }
    }
    double t = bestHalf * histogram.width();
    return new Range((float) Math.max(-t, histogram.min()), (float) Math.min(t, histogram.max()));
  }

  /**
   * Distance in bins from the zero bin's lower edge to the upper edge of the farthest non-empty
   * bin.
   */
  private static int farthestNonEmpty(long[] counts, int zero) {
    int far = 0;
    for (int bin = 0; bin < counts.length; bin++) {
      if (counts[bin] != 0) {
        far = Math.max(far, bin >= zero ? bin + 1 - zero : zero - bin);
      }
    }
    return far;
  }

  /** {@code sums[i]} = the count of bins {@code [0, i)}; one longer than {@code counts}. */
  private static long[] prefixSums(long[] counts) {
    long[] sums = new long[counts.length + 1];
    for (int i = 0; i < counts.length; i++) {
      sums[i + 1] = sums[i] + counts[i];
    }
    return sums;
  }

  /** KL(P||Q) for the window {@code [start, stop)} of {@code counts}. */
  static double divergence(long[] counts, int start, int stop) {
    return divergence(
        counts,
        prefixSums(counts),
        start,
        stop,
        new double[stop - start],
        new double[stop - start]);
  }

  /**
   * KL(P||Q) for the window {@code [start, stop)}; {@code before} holds the prefix sums of {@code
   * counts}, {@code p} and {@code q} are scratch arrays at least as long as the window.
   */
  private static double divergence(
      long[] counts, long[] before, int start, int stop, double[] p, double[] q) {
    int n = stop - start;
    for (int k = 0; k < n; k++) {
      p[k] = counts[start + k];
    }
    p[0] += before[start];
    p[n - 1] += before[counts.length] - before[stop];
    int merge = n / LEVELS;
    for (int level = 0; level < LEVELS; level++) {
      int from = level * merge;
      int to = level == LEVELS - 1 ? n : from + merge;
      long levelCount = 0;
      int nonZero = 0;
      for (int k = from; k < to; k++) {
        levelCount += counts[start + k];
        if (p[k] != 0) {
          nonZero++;
        }
      }
      for (int k = from; k < to; k++) {
        q[k] = p[k] != 0 ? (double) levelCount / nonZero : 0;
      }
    }
    if (!smooth(p, n) || !smooth(q, n)) {
      return Double.POSITIVE_INFINITY;
    }
    double sumP = 0;
    double sumQ = 0;
    for (int k = 0; k < n; k++) {
      sumP += p[k];
      sumQ += q[k];
    }
    double kl = 0;
    for (int k = 0; k < n; k++) {
      double pk = p[k] / sumP;
      kl += pk * Math.log(pk / (q[k] / sumQ));
    }
    return kl;
  }

  /**
   * ONNX Runtime's {@code smooth_distribution}: zeros become {@code eps}, the non-zeros give up
   * {@code eps * zeros / nonZeros} each. False when the result is not a distribution.
   */
  private static boolean smooth(double[] d, int n) {
    int zeros = 0;
    for (int k = 0; k < n; k++) {
      if (d[k] == 0) {
        zeros++;
      }
    }
    int nonZeros = n - zeros;
    if (nonZeros == 0) {
      return false;
    }
    double take = SMOOTHING_EPS * zeros / nonZeros;
    for (int k = 0; k < n; k++) {
      d[k] = d[k] == 0 ? SMOOTHING_EPS : d[k] - take;
      if (!(d[k] > 0)) {
        return false;
      }
    }
    return true;
  }
}
