package dev.quantgen.examples.fashion;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.training.network.EpochResult;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import dev.quantgen.training.qat.IntegerConversion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Quantization-aware fine-tuning of the committed FP32 Fashion-MNIST MLP, then the same layers on
 * the integer kernels: prints the fake-quant accuracy, the integer model's accuracy and the number
 * of test images on which the two disagree, and saves the trained weights and activation ranges.
 * Training runs on the fake-quant operators javac generated from the annotated layers ({@link
 * QatModels}).
 *
 * <p>Usage: {@code QatFashionMlp --variant int4|binary|xnor [--epochs N] [--lr R] [--out FILE.npz]
 * [--data DIR] [--threads T]}. Hyperparameters fixed in advance: Adam with cosine decay, batch 64,
 * seed 20260101.
 */
public final class QatFashionMlp {
  static final long SEED = 20260101L;

  private QatFashionMlp() {}

  public static void main(String[] args) throws IOException {
    QatModels.Variant variant = null;
    int epochs = 3;
    float lr = 1e-4f;
    Path out = null;
    Path data = FashionData.DEFAULT_DIR;
    int threads = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--variant" ->
            variant = QatModels.Variant.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        case "--lr" -> lr = Float.parseFloat(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--data" -> data = Path.of(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (variant == null) {
      throw new IllegalArgumentException("--variant: expected int4, binary or xnor");
    }
    if (out == null) {
      out = Path.of("fashion-mlp-qat-" + variant.label() + ".npz");
    }
    Dataset train = FashionData.train(data);
    Dataset test = FashionData.test(data);
    float[][][] fp32 = QatModels.readMlp(FashionResults.resource(FashionResults.MLP_FP32));
    Network network = QatModels.mlp(variant, fp32[0], fp32[1]);
    System.out.printf(
        Locale.ROOT,
        "%s before QAT (fake-quant, ranges from the first batch): training...%n",
        variant);
    TrainingConfig config =
        TrainingConfig.defaults()
            .withEpochs(epochs)
            .withBatchSize(64)
            .withSeed(SEED)
            .withThreads(threads)
            .withCosineDecay(true);
    new NetworkTrainer(config, Optimizer.adam(lr))
        .train(
            network,
            train,
            new TrainingListener() {
              @Override
              public void onEpoch(EpochResult result) {
                System.out.println(result);
              }
            });
    QatModels.save(network, out);
    Network trained = QatModels.load(variant, out);
    report(variant, trained, test, threads);
    System.out.println("saved " + out);
  }

  /** Evaluates the fake-quant network and its integer model on {@code test} and prints both. */
  static void report(QatModels.Variant variant, Network network, Dataset test, int threads) {
    int[] fake = network.predict(test, threads);
    QuantizedModel integer = IntegerConversion.toQuantizedModel(network);
    int[] ints = FashionResults.classify(integer, test);
    int agree = 0;
    int correctFake = 0;
    int correctInt = 0;
    for (int i = 0; i < fake.length; i++) {
      agree += fake[i] == ints[i] ? 1 : 0;
      correctFake += fake[i] == test.label(i) ? 1 : 0;
      correctInt += ints[i] == test.label(i) ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "%s QAT: fake-quant accuracy %.4f, integer model (%s, %d bytes) accuracy %.4f, "
            + "predictions identical on %d of %d test images%n",
        variant,
        (double) correctFake / fake.length,
        integer.label(),
        integer.parameterBytes(),
        (double) correctInt / fake.length,
        agree,
        fake.length);
  }
}
