package dev.quantgen.quantize.calibrate;

/**
 * Collects statistics of one tensor's float values over calibration batches and turns them into a
 * clipping {@link Range} (docs/numerics.md#7-calibration).
 *
 * <p>Each {@link #observe} call is one batch: the moving-average observer weighs batches, the
 * others only see values. An empty batch is ignored. A NaN or infinite value is an {@link
 * IllegalArgumentException} naming the observer and the value's index in the array; the observer's
 * state is left as it was before the call. Results depend only on the values and their order of
 * batches, never on timing or threads. Observers are not thread-safe.
 *
 * <p>For per-channel statistics over a shaped tensor, see {@link TensorObserver}.
 */
public interface Observer {
  /** Adds {@code batch[off .. off + len)} as one calibration batch. */
  void observe(float[] batch, int off, int len);

  /** Adds the whole array as one calibration batch. */
  default void observe(float[] batch) {
    observe(batch, 0, batch.length);
  }

  /**
   * The clipping range the observed values call for.
   *
   * @throws IllegalStateException if no value has been observed yet
   */
  Range range();
}
