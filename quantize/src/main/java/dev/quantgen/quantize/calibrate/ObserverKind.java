package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * The calibration methods of docs/numerics.md#7-calibration, as a choice per model or per layer.
 */
public enum ObserverKind {
  /** {@link MinMaxObserver}. */
  MIN_MAX,
  /** {@link MovingAverageObserver} with {@code c = 0.01}. */
  MOVING_AVERAGE,
  /** {@link PercentileObserver} at the 99.999th percentile. */
  PERCENTILE,
  /** {@link EntropyObserver} (KL divergence). */
  ENTROPY,
  /** {@link MseObserver}. */
  MSE;

  /**
   * A fresh observer of this kind with its default settings.
   *
   * @param type the target type (only {@link #MSE} depends on it)
   * @param scheme symmetric or asymmetric (the histogram kinds and {@link #MSE} depend on it)
   */
  public Observer newObserver(QuantType type, Scheme scheme) {
    return switch (this) {
      case MIN_MAX -> new MinMaxObserver();
      case MOVING_AVERAGE -> new MovingAverageObserver();
      case PERCENTILE -> new PercentileObserver(scheme);
      case ENTROPY -> new EntropyObserver(scheme);
      case MSE -> new MseObserver(type, scheme);
    };
  }
}
