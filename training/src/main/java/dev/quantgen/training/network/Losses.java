package dev.quantgen.training.network;

/**
 * Softmax cross-entropy, computed stably. {@code StrictMath} rather than {@code Math}: its results
 * are fixed by specification, so a seed gives the same training run on every JVM and platform.
 */
final class Losses {
  private Losses() {}

  /**
   * Writes {@code softmax(logits[off..off+n))} into {@code probabilities} and returns {@code -log
   * p[label]}. The max logit is subtracted first so {@code exp} cannot overflow, and the loss is
   * taken as {@code log(sum exp(z - max)) - (z[label] - max)} rather than {@code -log p}, which
   * would lose precision (or be infinite) for a tiny {@code p}.
   */
  static double softmaxCrossEntropy(
      float[] logits, int off, int n, int label, float[] probabilities) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, logits[off + i]);
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double e = StrictMath.exp(logits[off + i] - max);
      probabilities[i] = (float) e;
      sum += e;
    }
    for (int i = 0; i < n; i++) {
      probabilities[i] = (float) (probabilities[i] / sum);
    }
    return StrictMath.log(sum) - (logits[off + label] - max);
  }
}
