package dev.quantgen.cli.demo;

import dev.quantgen.examples.mlp.FashionMlp;
import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.ImageSet;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.io.PrintStream;
import java.util.Random;

/**
 * The Fashion-MNIST recipe shared by the demo and the targets test: calibration samples drawn from
 * the training set with a fixed seed, every precision at {@link PtqConfig#of(Precision)}'s defaults
 * on the generated kernels of {@link FashionMlp}, accuracy by argmax.
 */
public final class FashionPtq {
  /** Calibration samples: a few hundred, as the literature recommends. */
  public static final int CALIBRATION_SAMPLES = 500;

  /** The seed of the shuffle that picks the calibration samples. */
  public static final long CALIBRATION_SEED = 2024;

  private FashionPtq() {}

  /**
   * {@code count} images drawn without replacement by a seeded shuffle, scaled to [0, 1] as {@link
   * Dataset} scales them, as one row-major array.
   */
  public static float[] calibrationSamples(ImageSet images, int count) {
    int n = Math.min(count, images.count());
    int[] order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(CALIBRATION_SEED);
    int size = images.imageSize();
    float[] x = new float[n * size];
    for (int s = 0; s < n; s++) {
      int j = s + random.nextInt(order.length - s); // Fisher-Yates, stopped after n draws
      int chosen = order[j];
      order[j] = order[s];
      order[s] = chosen;
      int[] pixels = images.image(chosen);
      for (int i = 0; i < size; i++) {
        x[s * size + i] = pixels[i] / 255f;
      }
    }
    return x;
  }

  /**
   * Quantizes {@code model} at {@code precision} with the default recipe, on the kernels javac
   * generated for {@link FashionMlp} (every layer matches them at the defaults; a layer that did
   * not would be a {@code KernelMismatchException}).
   */
  public static QuantizedModel quantize(
      FloatModel model, Precision precision, float[] calibration, PrintStream progress) {
    int count = calibration.length / model.inputSize();
    return PostTrainingQuantizer.quantize(
        model,
        PtqConfig.of(precision).withProgress(progress),
        calibration,
        count,
        FashionMlp_Model.kernels());
  }

  /**
   * The fraction of {@code data} that {@code model} classifies correctly: one batch through a
   * session that splits it across up to {@code threads} threads.
   */
  public static double accuracy(QuantizedModel model, Dataset data, float[] inputs, int threads) {
    int n = data.size();
    int[] predicted = new int[n];
    new InferenceSession(model, threads).classify(inputs, n, predicted);
    int correct = 0;
    for (int i = 0; i < n; i++) {
      correct += predicted[i] == data.label(i) ? 1 : 0;
    }
    return (double) correct / n;
  }
}
