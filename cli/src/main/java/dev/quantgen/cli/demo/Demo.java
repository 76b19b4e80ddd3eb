package dev.quantgen.cli.demo;

import dev.quantgen.runtime.calibrate.LayerErrorReport;
import dev.quantgen.runtime.calibrate.TextTable;
import dev.quantgen.runtime.data.Dataset;
import dev.quantgen.runtime.ptq.FloatModel;
import dev.quantgen.runtime.ptq.InferenceSession;
import dev.quantgen.runtime.ptq.LayerErrors;
import dev.quantgen.runtime.ptq.Precision;
import dev.quantgen.runtime.ptq.QuantizedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The demo: quantizes the embedded Fashion-MNIST MLP at every precision and prints one table
 * (precision, parameter bytes, test accuracy, throughput) and the per-layer error of INT8.
 *
 * <p>Throughput is measured side by side: after a warm-up (the accuracy pass), each round times
 * every precision once on the same images, in an order that rotates from round to round so no
 * precision always runs first; the table shows the median of the rounds, one thread.
 */
public final class Demo {
  /** Kernels the demo runs on, as printed. */
  static final String KERNELS = "quantgen runtime kernels (dev.quantgen.runtime.ptq), not generated ones: the "
      + "generated example model (examples FashionMlp) is 784-128-64-10, not this trained 784-256-128-10 MLP";

  private final PrintStream out;
  private final PrintStream err;
  private final int rounds;
  private final boolean embeddedOnly;

  /**
   * @param out the tables
   * @param err progress and notes
   * @param rounds throughput rounds, at least 1
   * @param embeddedOnly ignore an installed dataset
   */
  public Demo(PrintStream out, PrintStream err, int rounds, boolean embeddedOnly) {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds: expected >= 1, got " + rounds);
    }
    this.out = out;
    this.err = err;
    this.rounds = rounds;
    this.embeddedOnly = embeddedOnly;
  }

  /** Runs the demo. */
  public void run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    FloatModel model = FashionData.model();
    Optional<Path> installed = embeddedOnly ? Optional.empty() : FashionData.installed();
    Dataset test;
    float[] calibration;
    String data;
    if (installed.isPresent()) {
      test = FashionData.test(installed.get());
      calibration = FashionPtq.calibrationSamples(FashionData.trainImages(installed.get()),
          FashionPtq.CALIBRATION_SAMPLES);
      data = String.format(Locale.ROOT, "%,d test images and %d calibration images from the training set (%s)",
          test.size(), FashionPtq.CALIBRATION_SAMPLES, installed.get());
    } else {
      // Without the training set, calibrate on the first embedded test images and keep them out
      // of the accuracy.
      Dataset embedded = FashionData.embeddedTestSubset();
      int cal = FashionPtq.CALIBRATION_SAMPLES;
      calibration = FashionData.inputs(embedded.subset(0, cal));
      test = embedded.subset(cal, embedded.size());
      data = String.format(Locale.ROOT, "the embedded Fashion-MNIST test subset: images %d..%d calibrate, the other "
          + "%,d are the test set (install dataset-fashion-mnist for all 10,000 test images and calibration from "
          + "the training set)", 0, cal - 1, test.size());
    }
    float[] inputs = FashionData.inputs(test);
    out.println("quantgen demo: Fashion-MNIST MLP 784-256-128-10 (ReLU), FP32 weights trained by TrainFashionMlp,");
    out.println("post-training quantization (weights symmetric per channel; INT8 activations static, integer-only)");
    out.println("data: " + data);
    out.println("kernels: " + KERNELS);
    out.println();

    Precision[] precisions = Precision.values();
    QuantizedModel[] models = new QuantizedModel[precisions.length];
    double[] accuracy = new double[precisions.length];
    int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    for (int p = 0; p < precisions.length; p++) {
      models[p] = FashionPtq.quantize(model, precisions[p], calibration, err);
      accuracy[p] = FashionPtq.accuracy(models[p], test, inputs, threads);
    }
    double[] throughput = throughput(models, inputs, Math.min(test.size(), 1_000));

    long fp32Bytes = models[0].parameterBytes();
    TextTable table = new TextTable()
        .column("precision", TextTable.Align.LEFT)
        .column("size bytes", TextTable.Align.RIGHT)
        .column("vs fp32", TextTable.Align.RIGHT)
        .column("accuracy", TextTable.Align.RIGHT)
        .column("images/s", TextTable.Align.RIGHT);
    for (int p = 0; p < precisions.length; p++) {
      table.row(models[p].label(), String.format(Locale.ROOT, "%,d", models[p].parameterBytes()),
          String.format(Locale.ROOT, "%.2fx", (double) fp32Bytes / models[p].parameterBytes()),
          String.format(Locale.ROOT, "%.4f", accuracy[p]), String.format(Locale.ROOT, "%,.0f", throughput[p]));
    }
    out.print(table.render());
    out.printf(Locale.ROOT, "size: every stored parameter (weights, scales, zero points, biases, requantization); "
        + "images/s: median of %d interleaved rounds, one thread%n", rounds);
    out.println();

    int errorSamples = Math.min(test.size(), 1_000);
    LayerErrorReport report = LayerErrors.measure(model, models[Precision.INT8.ordinal()],
        Arrays.copyOf(inputs, errorSamples * model.inputSize()), errorSamples);
    out.printf(Locale.ROOT, "INT8 per-layer error: SQNR of each layer's output against FP32 on the same inputs "
        + "(%,d test images)%n", errorSamples);
    out.print(report.render());
    out.printf(Locale.ROOT, "%ndone in %.1f s%n", (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  /** Images per second of each model: the median over rounds of timing every model once. */
  private double[] throughput(QuantizedModel[] models, float[] inputs, int images) {
    InferenceSession[] sessions = new InferenceSession[models.length];
    for (int p = 0; p < models.length; p++) {
      sessions[p] = new InferenceSession(models[p]);
    }
    float[] batch = Arrays.copyOf(inputs, images * models[0].inputSize());
    int[] labels = new int[images];
    double[][] rates = new double[models.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < models.length; i++) {
        int p = (i + r) % models.length;
        long t0 = System.nanoTime();
        sessions[p].classify(batch, images, labels);
        rates[p][r] = images / ((System.nanoTime() - t0) / 1e9);
      }
    }
    double[] median = new double[models.length];
    for (int p = 0; p < models.length; p++) {
      double[] sorted = rates[p].clone();
      Arrays.sort(sorted);
      median[p] = rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
    }
    return median;
  }
}
