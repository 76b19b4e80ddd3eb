package dev.quantgen.training.network;

/**
 * What one epoch achieved: the mean training loss and training accuracy over its minibatches (as
 * measured during the epoch, with the weights of the moment), and its wall time.
 */
public record EpochResult(int epoch, double meanLoss, double trainAccuracy, double seconds) {
  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "epoch %d: loss %.4f, train accuracy %.4f, %.1f s",
        epoch,
        meanLoss,
        trainAccuracy,
        seconds);
  }
}
