package dev.quantgen.quantize.calibrate;

/**
 * The running minimum and maximum of every value observed (docs/numerics.md#7-calibration): nothing
 * is clipped. The default observer for activations, and for 8-bit weights per channel.
 */
public final class MinMaxObserver implements Observer {
  private boolean seen;
  private float min;
  private float max;

  @Override
  public void observe(float[] batch, int off, int len) {
    Batches.requireFinite("MinMaxObserver", batch, off, len);
    if (len == 0) {
      return;
    }
    float lo = Batches.min(batch, off, len);
    float hi = Batches.max(batch, off, len);
    min = seen ? Math.min(min, lo) : lo;
    max = seen ? Math.max(max, hi) : hi;
    seen = true;
  }

  @Override
  public Range range() {
    if (!seen) {
      throw new IllegalStateException("MinMaxObserver: no value observed yet");
    }
    return new Range(min, max);
  }
}
