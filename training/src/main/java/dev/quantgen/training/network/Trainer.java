package dev.quantgen.training.network;

import dev.quantgen.quantize.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains an {@link Mlp} in float32 with minibatch softmax cross-entropy.
 *
 * <p>Each minibatch is cut into the configured number of fixed contiguous shards. Every shard
 * computes its part of the gradient into its own buffers (on whatever thread), then the parts are
 * added in shard order on the calling thread, so a run is bit-for-bit reproducible for a seed,
 * whatever the thread count and timing.
 */
public final class Trainer {
  private final TrainingConfig config;
  private final Optimizer optimizer;

  public Trainer(TrainingConfig config, Optimizer optimizer) {
    this.config = config;
    this.optimizer = optimizer;
  }

  /**
   * Trains {@code model} in place on {@code data} and returns one result per epoch.
   *
   * @throws IllegalArgumentException if the data does not fit the model
   */
  public List<EpochResult> train(Mlp model, Dataset data, TrainingListener listener) {
    int[] sizes = model.sizes();
    if (data.inputSize() != model.inputSize() || data.numClasses() != model.outputSize()) {
      throw new IllegalArgumentException(
          "data with "
              + data.inputSize()
              + " inputs and "
              + data.numClasses()
              + " classes: expected "
              + model.inputSize()
              + " inputs and "
              + model.outputSize()
              + " classes for the model");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("data is empty: expected at least one sample");
    }
    int layers = model.layers();
    int batchSize = Math.min(config.batchSize(), data.size());
    int shards = Math.min(config.shards(), batchSize);
    ShardPass[] passes = new ShardPass[shards];
    for (int s = 0; s < shards; s++) {
      passes[s] = new ShardPass(sizes, (batchSize + shards - 1) / shards);
    }
    float[][] weightsT = new float[layers][];
    float[][] weightGrad = new float[layers][];
    float[][] biasGrad = new float[layers][];
    for (int l = 0; l < layers; l++) {
      weightsT[l] = new float[sizes[l] * sizes[l + 1]];
      weightGrad[l] = new float[sizes[l] * sizes[l + 1]];
      biasGrad[l] = new float[sizes[l + 1]];
    }
    int batches = (data.size() + batchSize - 1) / batchSize;
    long totalSteps = (long) batches * config.epochs();
    int[] order = identity(data.size());
    Random shuffle = new Random(config.seed());
    List<EpochResult> results = new ArrayList<>();
    int step = 0;
    try (ShardRunner runner = new ShardRunner(Math.min(config.threads(), shards))) {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        long start = System.nanoTime();
        shuffle(order, shuffle);
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches; b++) {
          int from = b * batchSize;
          int n = Math.min(batchSize, data.size() - from);
          for (int l = 0; l < layers; l++) {
            TrainingLoops.transpose(model.weights[l], sizes[l + 1], sizes[l], weightsT[l]);
          }
          int shardCount = Math.min(shards, n);
          runner.run(
              shardCount,
              s ->
                  passes[s].run(
                      model,
                      weightsT,
                      data,
                      order,
                      from + shardStart(s, n, shardCount),
                      from + shardStart(s + 1, n, shardCount),
                      n));
          for (int s = 0; s < shardCount; s++) {
            lossSum += passes[s].lossSum;
            correct += passes[s].correct;
          }
          sumGradients(passes, shardCount, weightGrad, biasGrad);
          step++;
          optimizer.beginStep(step, learningRate(step, totalSteps));
          for (int l = 0; l < layers; l++) {
            optimizer.update(2 * l, model.weights[l], weightGrad[l]);
            optimizer.update(2 * l + 1, model.biases[l], biasGrad[l]);
          }
          listener.onProgress(epoch, b + 1, batches);
        }
        EpochResult result =
            new EpochResult(
                epoch,
                lossSum / data.size(),
                (double) correct / data.size(),
                (System.nanoTime() - start) / 1e9);
        results.add(result);
        listener.onEpoch(result);
      }
    }
    return results;
  }

  /**
   * The first row of shard {@code s} when {@code n} rows are cut into {@code shards} near-equal
   * parts.
   */
  private static int shardStart(int s, int n, int shards) {
    return (int) ((long) s * n / shards);
  }

  /** Adds the shards' gradients in shard order: the fixed order that makes a run reproducible. */
  private static void sumGradients(
      ShardPass[] passes, int count, float[][] weightGrad, float[][] biasGrad) {
    for (int l = 0; l < weightGrad.length; l++) {
      System.arraycopy(passes[0].weightGrads[l], 0, weightGrad[l], 0, weightGrad[l].length);
      System.arraycopy(passes[0].biasGrads[l], 0, biasGrad[l], 0, biasGrad[l].length);
      for (int s = 1; s < count; s++) {
        add(passes[s].weightGrads[l], weightGrad[l]);
        add(passes[s].biasGrads[l], biasGrad[l]);
      }
    }
  }

  private static void add(float[] from, float[] to) {
    for (int i = 0; i < to.length; i++) {
      to[i] += from[i];
    }
  }

  private float learningRate(int step, long totalSteps) {
    float base = optimizer.learningRate();
    if (!config.cosineDecay()) {
      return base;
    }
    return (float) (base * 0.5 * (1 + StrictMath.cos(Math.PI * (step - 1) / totalSteps)));
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Fisher-Yates with the trainer's own seeded generator: the same seed gives the same epochs. */
  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
