package dev.quantgen.examples.residual;

import dev.quantgen.examples.fashion.FashionData;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains the FP32 {@link ResidualFashion} network on the 60,000 Fashion-MNIST training images and
 * evaluates it on the 10,000 test images. Hyperparameters fixed in advance: Adam 2e-3 with cosine
 * decay, batch 64, seed 20260101. Usage: {@code TrainResidualFashion [--epochs N] [--out FILE.npz]
 * [--data DIR] [--threads T]}.
 */
public final class TrainResidualFashion {
  /** The seed of the initialization and of the batch order. */
  static final long SEED = 20260101L;

  private TrainResidualFashion() {}

  public static void main(String[] args) throws IOException {
    int epochs = 3;
    Path out = Path.of("fashion-residual.npz");
    Path data = FashionData.DEFAULT_DIR;
    int threads = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--data" -> data = Path.of(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Dataset train = FashionData.train(data);
    Dataset test = FashionData.test(data);
    Network network = ResidualFashion.init(SEED);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withEpochs(epochs)
            .withBatchSize(64)
            .withSeed(SEED)
            .withThreads(threads)
            .withCosineDecay(true);
    System.out.println("training the residual network: " + config);
    new NetworkTrainer(config, Optimizer.adam(2e-3f))
        .train(network, train, TrainingListener.printing(200));
    ResidualFashion.save(network, out);
    System.out.printf(
        Locale.ROOT,
        "FP32 residual network test accuracy %.4f; saved %s%n",
        network.accuracy(test, threads),
        out);
  }
}
