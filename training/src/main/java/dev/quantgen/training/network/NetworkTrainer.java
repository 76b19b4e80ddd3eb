package dev.quantgen.training.network;

import dev.quantgen.quantize.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link Network} with minibatch softmax cross-entropy, reproducibly: as {@link Trainer},
 * each minibatch is cut into fixed contiguous shards whose gradients are added in shard order, so a
 * seed gives the same bits whatever the thread count and timing.
 */
public final class NetworkTrainer {
  private final TrainingConfig config;
  private final Optimizer optimizer;

  public NetworkTrainer(TrainingConfig config, Optimizer optimizer) {
    this.config = config;
    this.optimizer = optimizer;
  }

  /**
   * Trains {@code network} in place on {@code data} and returns one result per epoch.
   *
   * @throws IllegalArgumentException if the data does not fit the network or is empty
   */
  public List<EpochResult> train(Network network, Dataset data, TrainingListener listener) {
    if (data.inputSize() != network.inputSize() || data.numClasses() != network.outputSize()) {
      throw new IllegalArgumentException(
          "data with "
              + data.inputSize()
              + " inputs and "
              + data.numClasses()
              + " classes: expected "
              + network.inputSize()
              + " inputs and "
              + network.outputSize()
              + " classes");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("data is empty: expected at least one sample");
    }
    List<Layer> layers = network.layers();
    int batchSize = Math.min(config.batchSize(), data.size());
    int shards = Math.min(config.shards(), batchSize);
    int maxRows = (batchSize + shards - 1) / shards;
    Shard[] shardState = new Shard[shards];
    for (int s = 0; s < shards; s++) {
      shardState[s] = new Shard(network, maxRows);
    }
    List<float[]> params = new ArrayList<>();
    for (Layer layer : layers) {
      params.addAll(layer.parameters());
    }
    List<float[]> grads = new ArrayList<>();
    for (float[] p : params) {
      grads.add(new float[p.length]);
    }
    int batches = (data.size() + batchSize - 1) / batchSize;
    long totalSteps = (long) batches * config.epochs();
    int[] order = new int[data.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
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
          for (Layer layer : layers) {
            layer.beginStep(true);
          }
          int shardCount = Math.min(shards, n);
          runner.run(
              shardCount,
              s ->
                  shardState[s].run(
                      data,
                      order,
                      from + (int) ((long) s * n / shardCount),
                      from + (int) ((long) (s + 1) * n / shardCount),
                      n));
          for (int s = 0; s < shardCount; s++) {
            lossSum += shardState[s].lossSum;
            correct += shardState[s].correct;
          }
          sumGradients(shardState, shardCount, grads);
          step++;
          optimizer.beginStep(step, learningRate(step, totalSteps));
          for (int i = 0; i < params.size(); i++) {
            optimizer.update(i, params.get(i), grads.get(i));
          }
          for (int l = 0; l < layers.size(); l++) {
            List<LayerPass> ran = new ArrayList<>(shardCount);
            for (int s = 0; s < shardCount; s++) {
              ran.add(shardState[s].passes.get(l));
            }
            layers.get(l).endStep(ran);
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

  private static void sumGradients(Shard[] shards, int count, List<float[]> grads) {
    int i = 0;
    for (int l = 0; l < shards[0].passes.size(); l++) {
      int params = shards[0].passes.get(l).gradients().length;
      for (int p = 0; p < params; p++, i++) {
        float[] sum = grads.get(i);
        System.arraycopy(shards[0].passes.get(l).gradients()[p], 0, sum, 0, sum.length);
        for (int s = 1; s < count; s++) {
          float[] g = shards[s].passes.get(l).gradients()[p];
          for (int k = 0; k < sum.length; k++) {
            sum[k] += g[k];
          }
        }
      }
    }
  }

  private float learningRate(int step, long totalSteps) {
    float base = optimizer.learningRate();
    if (!config.cosineDecay()) {
      return base;
    }
    return (float) (base * 0.5 * (1 + StrictMath.cos(Math.PI * (step - 1) / totalSteps)));
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** One shard's passes, input buffer and loss bookkeeping. */
  private static final class Shard {
    final List<LayerPass> passes;
    final float[] x;
    final float[] delta;
    final float[] probabilities;
    final int inputSize;
    final int classes;
    double lossSum;
    int correct;

    Shard(Network network, int maxRows) {
      passes = network.newPasses(maxRows);
      inputSize = network.inputSize();
      classes = network.outputSize();
      x = new float[maxRows * inputSize];
      delta = new float[maxRows * classes];
      probabilities = new float[classes];
    }

    /**
     * Forward and backward of samples {@code order[from..to)}; gradients are of the mean loss over
     * {@code batchSize}.
     */
    void run(Dataset data, int[] order, int from, int to, int batchSize) {
      int rows = to - from;
      for (int r = 0; r < rows; r++) {
        data.copyInput(order[from + r], x, r * inputSize);
      }
      float[] logits = Network.forward(passes, x, rows, true);
      lossSum = 0;
      correct = 0;
      float invBatch = 1f / batchSize;
      for (int r = 0; r < rows; r++) {
        int label = data.label(order[from + r]);
        int off = r * classes;
        lossSum += Losses.softmaxCrossEntropy(logits, off, classes, label, probabilities);
        if (TrainingLoops.argmax(logits, off, classes) == label) {
          correct++;
        }
        for (int c = 0; c < classes; c++) {
          delta[off + c] = (probabilities[c] - (c == label ? 1f : 0f)) * invBatch;
        }
      }
      float[] d = delta;
      for (int l = passes.size() - 1; l >= 0; l--) {
        d = passes.get(l).backward(d, rows, l > 0);
      }
    }
  }
}
