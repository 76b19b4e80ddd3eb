package dev.quantgen.training.network;

/**
 * How to train: epochs, minibatch size, optimizer, learning-rate schedule, shuffling seed and
 * threads. Immutable; the {@code with...} methods return changed copies.
 *
 * <p>Each minibatch is split into {@link #shards()} fixed contiguous parts whose gradients are
 * summed in shard order; threads only decide which thread computes which shard. So a seed gives
 * bit-identical weights whatever the thread count or timing.
 */
public final class TrainingConfig {
  private final int epochs;
  private final int batchSize;
  private final long seed;
  private final int shards;
  private final int threads;
  private final boolean cosineDecay;

  private TrainingConfig(
      int epochs, int batchSize, long seed, int shards, int threads, boolean cosineDecay) {
    check("epochs", epochs, 0);
    check("batchSize", batchSize, 1);
    check("shards", shards, 1);
    check("threads", threads, 1);
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.seed = seed;
    this.shards = shards;
    this.threads = threads;
    this.cosineDecay = cosineDecay;
  }

  private static void check(String name, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " is " + value + ": expected >= " + min);
    }
  }

  /** Defaults: 10 epochs, batch 64, seed 1, 2 shards on 2 threads, constant learning rate. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(10, 64, 1, 2, 2, false);
  }

  public TrainingConfig withEpochs(int epochs) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  public TrainingConfig withBatchSize(int batchSize) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  /** The seed of the per-epoch shuffles (initialization has its own seed, {@link Mlp#heInit}). */
  public TrainingConfig withSeed(long seed) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  /** Fixed parts per minibatch; changing it changes the summation order and so the low bits. */
  public TrainingConfig withShards(int shards) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  /** Worker threads (capped at {@link #shards()}); does not change any result. */
  public TrainingConfig withThreads(int threads) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  /** Cosine learning-rate decay from the base rate to zero over all steps. */
  public TrainingConfig withCosineDecay(boolean cosineDecay) {
    return new TrainingConfig(epochs, batchSize, seed, shards, threads, cosineDecay);
  }

  public int epochs() {
    return epochs;
  }

  public int batchSize() {
    return batchSize;
  }

  public long seed() {
    return seed;
  }

  public int shards() {
    return shards;
  }

  public int threads() {
    return threads;
  }

  public boolean cosineDecay() {
    return cosineDecay;
  }

  @Override
  public String toString() {
    return "epochs="
        + epochs
        + ", batchSize="
        + batchSize
        + ", seed="
        + seed
        + ", shards="
        + shards
        + ", threads="
        + threads
        + ", cosineDecay="
        + cosineDecay;
  }
}
