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

  /**
   * A listener that prints to standard output: every {@code every}-th minibatch as {@code epoch E:
   * batch B/N}, and each epoch's result.
   */
  static TrainingListener printing(int every) {
    return new TrainingListener() {
      @Override
      public void onProgress(int epoch, int batch, int batches) {
        if (batch % every == 0) {
          System.out.printf(
              java.util.Locale.ROOT, "epoch %d: batch %d/%d%n", epoch, batch, batches);
        }
      }

      @Override
      public void onEpoch(EpochResult result) {
        System.out.println(result);
      }
    };
  }

  /** A listener that ignores everything. */
  static TrainingListener none() {
    return new TrainingListener() {};
  }
}
