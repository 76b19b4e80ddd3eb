package dev.quantgen.quantize.calibrate;

/**
 * A fixed number of equal bins over {@code [0, edge)} (of {@code |x|}) or {@code [-edge, edge)} (of
 * {@code x}), whose range grows as batches arrive. Used by the percentile, entropy and MSE
 * observers.
 *
 * <p>{@code edge} is always a power of two strictly greater than every magnitude seen. When a batch
 * brings a larger magnitude, {@code edge} doubles {@code k} times and each new bin is exactly the
 * sum of {@code 2^k} old bins: bin boundaries nest, so re-binning loses nothing. Because the bin
 * index {@code floor(x * bins / edge)} multiplies by a power of two (exact in double), a value
 * lands in the same bin whether it arrived before or after the growth. Together: the histogram is
 * the same, count for count, however the data is split into batches or ordered, and equals the one
 * a single batch of all the data gives. (ONNX Runtime's collector instead starts from the first
 * batch's range and appends bins of that width, so its result depends on the first batch.) The
 * price is resolution: the data's range covers between half and all of the bins.
 *
 * <p>A histogram of only zeros has {@code edge == 0}; all counts sit in the bin of 0.
 */
final class Histogram {
  private final boolean signed;
  private final long[] counts;
  private double edge;
  private long total;
  private float min;
  private float max;

  /**
   * @param bins a power of two, at least 2
   * @param signed true to bin {@code x} over {@code [-edge, edge)}, false to bin {@code |x|}
   */
  Histogram(int bins, boolean signed) {
    if (bins < 2 || Integer.bitCount(bins) != 1) {
      throw new IllegalArgumentException("bins is " + bins + ", expected a power of two >= 2");
    }
    this.signed = signed;
    this.counts = new long[bins];
  }

  /** Adds finite values (the caller has checked them). */
  void add(float[] batch, int off, int len) {
    if (len == 0) {
      return;
    }
    float lo = Batches.min(batch, off, len);
    float hi = Batches.max(batch, off, len);
    growTo(Math.max(-lo, hi));
    double perUnit = edge == 0 ? 0 : binsPerSide() / edge;
    int zeroBin = zeroBin();
    for (int i = off; i < off + len; i++) {
      float x = signed ? batch[i] : Math.abs(batch[i]);
      // Exact: x is a float, perUnit a power of two, and |x| < edge keeps the index in range.
      counts[zeroBin + (int) Math.floor(x * perUnit)]++;
    }
    min = total == 0 ? lo : Math.min(min, lo);
    max = total == 0 ? hi : Math.max(max, hi);
    total += len;
  }

  /** Makes {@code edge} the smallest power of two above {@code amax}, merging bins to fit. */
  private void growTo(float amax) {
    if (amax < edge || amax == 0f) {
      return;
    }
    double newEdge = Math.scalb(1.0, Math.getExponent((double) amax) + 1);
    if (edge == 0) {
      edge = newEdge;
      return;
    }
    // Each doubling halves the index distance to the zero bin, rounding towards -inf; past 11
    // doublings every old bin lands next to zero, so a shift by 31 is as good as any larger one.
    int k = Math.min(31, Math.getExponent(newEdge) - Math.getExponent(edge));
    int zeroBin = zeroBin();
    long[] merged = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      merged[zeroBin + ((i - zeroBin) >> k)] += counts[i];
    }
    System.arraycopy(merged, 0, counts, 0, counts.length);
    edge = newEdge;
  }

  private int binsPerSide() {
    return signed ? counts.length / 2 : counts.length;
  }

  /** The index of the bin {@code [0, width)}. */
  int zeroBin() {
    return signed ? counts.length / 2 : 0;
  }

  boolean isSigned() {
    return signed;
  }

  int bins() {
    return counts.length;
  }

  long count(int bin) {
    return counts[bin];
  }

  long total() {
    return total;
  }

  /** The smallest value added (not its magnitude). */
  float min() {
    return min;
  }

  /** The largest value added (not its magnitude). */
  float max() {
    return max;
  }

  /** The largest magnitude added. */
  float amax() {
    return Math.max(-min, max);
  }

  /** Width of one bin; 0 while only zeros were seen. */
  double width() {
    return edge / binsPerSide();
  }

  /** The lower edge of {@code bin}, exact in double. */
  double lowerEdge(int bin) {
    return (bin - zeroBin()) * width();
  }

  /** The upper edge of {@code bin}, exact in double. */
  double upperEdge(int bin) {
    return (bin + 1 - zeroBin()) * width();
  }

  /** The midpoint of {@code bin}. */
  double center(int bin) {
    return (bin - zeroBin() + 0.5) * width();
  }

  /** A copy of the counts. */
  long[] counts() {
    return counts.clone();
  }
}
