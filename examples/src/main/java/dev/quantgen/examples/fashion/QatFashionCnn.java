package dev.quantgen.examples.fashion;

import dev.quantgen.onnx.Int8Executor;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Quantization-aware fine-tuning of the committed FP32 {@link FashionCnn}, then the INT4 layers on
 * the integer convolutions: prints the fake-quant accuracy, the integer model's accuracy and on how
 * many test images the two agree, and saves the trained weights and boundary ranges.
 *
 * <p>Usage: {@code QatFashionCnn --variant int4|binary [--epochs N] [--lr R] [--out FILE.npz]
 * [--data DIR] [--threads T]}. Hyperparameters fixed in advance: Adam with cosine decay, batch 64,
 * seed 20260101.
 */
public final class QatFashionCnn {
  static final String CNN_FP32 = "fashion-cnn.npz";

  private QatFashionCnn() {}

  public static void main(String[] args) throws IOException {
    QatCnnModels.Variant variant = null;
    int epochs = 2;
    float lr = 1e-4f;
    Path out = null;
    Path data = FashionData.DEFAULT_DIR;
    int threads = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--variant" ->
            variant = QatCnnModels.Variant.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        case "--lr" -> lr = Float.parseFloat(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--data" -> data = Path.of(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (variant == null) {
      throw new IllegalArgumentException("--variant: expected int4 or binary");
    }
    if (out == null) {
      out = Path.of("fashion-cnn-qat-" + variant.label() + ".npz");
    }
    Dataset train = FashionData.train(data);
    Dataset test = FashionData.test(data);
    Network network = QatCnnModels.of(variant, FashionCnn.load(FashionResults.resource(CNN_FP32)));
    TrainingConfig config =
        TrainingConfig.defaults()
            .withEpochs(epochs)
            .withBatchSize(64)
            .withSeed(QatFashionMlp.SEED)
            .withThreads(threads)
            .withCosineDecay(true);
    System.out.println(variant + " QAT of the CNN: " + config);
    new NetworkTrainer(config, Optimizer.adam(lr))
        .train(network, train, TrainingListener.printing(200));
    QatCnnModels.save(network, out);
    Network trained = QatCnnModels.load(variant, out);
    int[] fake = trained.predict(test, threads);
    System.out.printf(
        Locale.ROOT,
        "%s QAT CNN: fake-quant accuracy %.4f%n",
        variant,
        FashionResults.accuracy(fake, test));
    if (variant == QatCnnModels.Variant.INT4) {
      int[] ints = classify(QatCnnModels.integerModel(trained), test);
      int agree = 0;
      for (int i = 0; i < ints.length; i++) {
        agree += ints[i] == fake[i] ? 1 : 0;
      }
      System.out.printf(
          Locale.ROOT,
          "integer model accuracy %.4f; predictions identical on %d of %d test images%n",
          FashionResults.accuracy(ints, test),
          agree,
          ints.length);
    }
    System.out.println("saved " + out);
  }

  /** The predicted class of every sample, run through {@code model} in batches of 500. */
  static int[] classify(Int8Executor model, Dataset data) {
    int[] predictions = new int[data.size()];
    int per = data.inputSize();
    for (int start = 0; start < data.size(); start += 500) {
      int n = Math.min(500, data.size() - start);
      float[] x = new float[n * per];
      for (int i = 0; i < n; i++) {
        data.copyInput(start + i, x, i * per);
      }
      FloatTensor logits = model.run(FloatTensor.of(Shape.of(n, 1, 28, 28), x));
      int classes = logits.size() / n;
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (logits.get(i * classes + c) > logits.get(i * classes + best)) {
            best = c;
          }
        }
        predictions[start + i] = best;
      }
    }
    return predictions;
  }
}
