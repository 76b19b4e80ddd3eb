package dev.quantgen.training.network;

/**
 * Receives progress and per-epoch results from a {@link Trainer}; both methods do nothing by
 * default.
 */
public interface TrainingListener {
  /**
   * After each minibatch: {@code batch} of {@code batches} in epoch {@code epoch} (both from 1).
   */
  default void onProgress(int epoch, int batch, int batches) {}

  /** After each epoch. */
  default void onEpoch(EpochResult result) {}

  /** A listener that ignores everything. */
  static TrainingListener none() {
    return new TrainingListener() {};
  }
}
