package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.training.network.EpochResult;
import dev.quantgen.training.network.Evaluation;
import dev.quantgen.training.network.Mlp;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.Trainer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Trains the FP32 baseline of the demo: a 784-256-128-10 ReLU MLP on the 60,000 Fashion-MNIST
 * training images, evaluated on the 10,000 test images, saved as {@code .npz} with PyTorch names
 * ({@code fc1.weight [256, 784]}, {@code fc1.bias}, ..., {@code fc3.bias}).
 *
 * <p>Usage: {@code TrainFashionMlp [--data DIR] [--out FILE.npz] [--epochs N] [--threads T]}. The
 * data folder defaults to the Debian package's {@code /usr/share/datasets/fashion-mnist}. The
 * hyperparameters are fixed in advance (not tuned on the test set): Adam, learning rate 1e-3 with
 * cosine decay, batch 64, He initialization, seed 20260101.
 */
public final class TrainFashionMlp {
  /** Seed of both the initialization and the shuffles. */
  public static final long SEED = 20260101L;

  @SuppressWarnings("MutablePublicArray") // read by the demo and tests, never written
  public static final int[] SIZES = {784, 256, 128, 10};

  private TrainFashionMlp() {}

  @SuppressWarnings("IncrementInForLoopAndHeader") // an option skips its value
  public static void main(String[] args) throws IOException {
    Path data = Paths.get("/usr/share/datasets/fashion-mnist");
    Path out = Paths.get("fashion-mlp.npz");
    int epochs = 15;
    int threads = 2;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--data" -> data = Paths.get(require(args[i], value));
        case "--out" -> out = Paths.get(require(args[i], value));
        case "--epochs" -> epochs = Integer.parseInt(require(args[i], value));
        case "--threads" -> threads = Integer.parseInt(require(args[i], value));
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + ": expected --data DIR, --out FILE.npz, --epochs N or --threads T");
      }
      i++;
    }
    long start = System.nanoTime();
    Dataset train =
        Dataset.of(
            Idx.readImages(data.resolve("train-images-idx3-ubyte.gz")),
            Idx.readLabels(data.resolve("train-labels-idx1-ubyte.gz")),
            10);
    Dataset test =
        Dataset.of(
            Idx.readImages(data.resolve("t10k-images-idx3-ubyte.gz")),
            Idx.readLabels(data.resolve("t10k-labels-idx1-ubyte.gz")),
            10);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withEpochs(epochs)
            .withBatchSize(64)
            .withSeed(SEED)
            .withThreads(threads)
            .withCosineDecay(true);
    System.out.println("training 784-256-128-10 on " + train.size() + " images: " + config);
    Mlp model = Mlp.heInit(SEED, SIZES);
    new Trainer(config, Optimizer.adam(1e-3f))
        .train(
            model,
            train,
            new TrainingListener() {
              @Override
              public void onEpoch(EpochResult result) {
                System.out.println(result);
              }
            });
    double accuracy = Evaluation.accuracy(model, test, threads);
    NpyWriter.writeNpz(out, model.namedTensors(), true);
    System.out.printf(
        Locale.ROOT,
        "FP32 test accuracy %.4f on %d images; saved %s; %.0f s in all%n",
        accuracy,
        test.size(),
        out,
        (System.nanoTime() - start) / 1e9);
  }

  private static String require(String flag, String value) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
