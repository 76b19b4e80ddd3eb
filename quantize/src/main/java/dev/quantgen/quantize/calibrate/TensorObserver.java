package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * Observes a shaped tensor over calibration batches, per tensor or per channel; made by {@link
 * ObserverSpec#newObserver()}. Each {@link #observe} call is one batch.
 */
public interface TensorObserver {
  /**
   * Adds {@code shape.size()} row-major values starting at {@code data[off]} as one batch. The
   * shape may change between batches (a different batch size), except the channel dimension of a
   * per-channel observer.
   *
   * @throws IllegalArgumentException for a NaN or infinite value (naming the observer and its index
   *     in {@code data}), a shape the data does not hold, or a channel count that changed
   */
  void observe(float[] data, int off, Shape shape);

  /** Adds a tensor as one batch. */
  default void observe(FloatTensor tensor) {
    observe(tensor.toArray(), 0, tensor.shape());
  }

  /**
   * The clipping ranges: one per channel (in channel order), or a single one per tensor.
   *
   * @throws IllegalStateException if nothing has been observed
   */
  List<Range> ranges();

  /**
   * The scales and zero points of the {@link #ranges()} for {@code type} and {@code scheme} ({@link
   * Range#quantParams}): per tensor, or per axis along the channel axis.
   *
   * @throws IllegalStateException if nothing has been observed
   */
  QuantParams quantParams(QuantType type, Scheme scheme);
}
