package dev.quantgen.quantize.calibrate;

/**
 * An exponential moving average of each batch's minimum and maximum
 * (docs/numerics.md#7-calibration, the {@code moving_average} option of ONNX Runtime's
 * MinMaxCalibrater and PyTorch's MovingAverageMinMaxObserver): the first non-empty batch sets
 * {@code min} and {@code max}, each later one applies {@code min += c * (batchMin - min)}, likewise
 * for {@code max}.
 *
 * <p>The averages are kept in double and rounded to float only in {@link #range()}, so the result
 * does not drift with float rounding over many batches. Because the average weighs batches, the
 * range depends on how the data is split into batches.
 */
public final class MovingAverageObserver implements Observer {
  /** The averaging constant {@code c} ONNX Runtime and PyTorch use by default. */
  public static final double DEFAULT_AVERAGING_CONSTANT = 0.01;

  private final double c;
  private boolean seen;
  private double min;
  private double max;

  /** An observer with {@code c = 0.01}. */
  public MovingAverageObserver() {
    this(DEFAULT_AVERAGING_CONSTANT);
  }

  /**
   * @param averagingConstant {@code c} in {@code (0, 1]}; 1 keeps only the last batch
   */
  public MovingAverageObserver(double averagingConstant) {
    if (!(averagingConstant > 0 && averagingConstant <= 1)) {
      throw new IllegalArgumentException(
          "averagingConstant is " + averagingConstant + ", expected a value in (0, 1]");
    }
    this.c = averagingConstant;
  }

  @Override
  public void observe(float[] batch, int off, int len) {
    Batches.requireFinite("MovingAverageObserver", batch, off, len);
    if (len == 0) {
      return;
    }
    double lo = Batches.min(batch, off, len);
    double hi = Batches.max(batch, off, len);
    if (seen) {
      min += c * (lo - min);
      max += c * (hi - max);
    } else {
      min = lo;
      max = hi;
      seen = true;
    }
  }

  @Override
  public Range range() {
    if (!seen) {
      throw new IllegalStateException("MovingAverageObserver: no value observed yet");
    }
    // Both averages stay within the observed [min, max], so they are finite floats.
    return new Range((float) min, (float) max);
  }
}
