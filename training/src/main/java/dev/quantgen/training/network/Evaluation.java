package dev.quantgen.training.network;

import dev.quantgen.quantize.data.Dataset;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** Measures a float32 {@link Mlp} on labelled data. */
public final class Evaluation {
  private static final int CHUNK = 256;

  private Evaluation() {}

  /**
   * The fraction of samples whose predicted class (largest logit, first on a tie) equals the label,
   * computed on up to {@code threads} threads; the result does not depend on the thread count.
   */
  public static double accuracy(Mlp model, Dataset data, int threads) {
    if (data.inputSize() != model.inputSize()) {
      throw new IllegalArgumentException(
          "data with " + data.inputSize() + " inputs: expected " + model.inputSize());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads is " + threads + ": expected >= 1");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("data is empty: expected at least one sample");
    }
    int[] sizes = model.sizes();
    float[][] weightsT = new float[model.layers()][];
    for (int l = 0; l < weightsT.length; l++) {
      weightsT[l] = new float[sizes[l] * sizes[l + 1]];
      TrainingLoops.transpose(model.weights[l], sizes[l + 1], sizes[l], weightsT[l]);
    }
    int chunks = (data.size() + CHUNK - 1) / CHUNK;
    int used = Math.min(threads, chunks);
    ShardPass[] passes = new ShardPass[used];
    for (int t = 0; t < used; t++) {
      passes[t] = new ShardPass(sizes, CHUNK);
    }
    AtomicIntegerArray correct = new AtomicIntegerArray(chunks);
    try (ShardRunner runner = new ShardRunner(used)) {
      // Task t walks chunks t, t + used, ...: one ShardPass per task, never shared between threads.
      runner.run(
          used,
          t -> {
            for (int c = t; c < chunks; c += used) {
              int from = c * CHUNK;
              correct.set(
                  c,
                  passes[t].countCorrect(
                      model, weightsT, data, from, Math.min(from + CHUNK, data.size())));
            }
          });
    }
    long total = 0;
    for (int c = 0; c < chunks; c++) {
      total += correct.get(c);
    }
    return (double) total / data.size();
  }
}
