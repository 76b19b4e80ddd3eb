package dev.quantgen.cli.report;

import dev.quantgen.cli.demo.FashionData;
import dev.quantgen.cli.demo.FashionPtq;
import dev.quantgen.quantize.calibrate.LayerErrorReport;
import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.quantize.calibrate.Progress;
import dev.quantgen.quantize.calibrate.Range;
import dev.quantgen.quantize.calibrate.TensorObserver;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerErrors;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Shape;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Computes a {@link ModelReport}: the detailed model's per-layer SQNR and size, every activation
 * boundary's histogram over the calibration samples with the observer's clipping range (and the
 * int8 range the model really uses there), and the accuracy and size of the model at every
 * precision. Deterministic: the same inputs give the same report.
 */
public final class ReportAnalysis {
  /** Histogram bins per boundary: fine enough to see the shape, few enough to stay small. */
  public static final int BINS = 64;

  /** Evaluation images the per-layer SQNR is measured on, at most. */
  public static final int ERROR_SAMPLES = 1_000;

  private final FloatModel model;
  private final float[] calibration;
  private final int count;
  private final Dataset evaluation;
  private final int threads;

  /**
   * @param calibration {@code count} row-major calibration samples
   * @param evaluation labelled images for accuracy and SQNR
   */
  public ReportAnalysis(FloatModel model, float[] calibration, int count, Dataset evaluation) {
    if (count < 1 || (long) count * model.inputSize() != calibration.length) {
      throw new IllegalArgumentException(
          "calibration: expected count * inputSize = "
              + count
              + " * "
              + model.inputSize()
              + " values with count >= 1, got "
              + calibration.length);
    }
    this.model = model;
    this.calibration = calibration;
    this.count = count;
    this.evaluation = evaluation;
    this.threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
  }

  /** What the report says about the detailed model besides the numbers. */
  public record Labels(
      String modelName, String dataDescription, String modelSource, String observer) {}

  /**
   * Analyzes {@code detail} and quantizes the model at every precision.
   *
   * @param activations the observer spec of the activation boundaries (the clipping ranges drawn)
   * @param batchSize calibration batch size, as post-training quantization used it
   * @param sweep the configuration of each precision of the accuracy/size chart
   * @param progress where the progress bar goes (stderr), or null
   */
  public ModelReport analyze(
      QuantizedModel detail,
      Labels labels,
      ObserverSpec activations,
      int batchSize,
      Function<Precision, PtqConfig> sweep,
      PrintStream progress)
      throws InterruptedException {
    Precision[] precisions = Precision.values();
    Progress bar =
        progress == null ? null : Progress.start("report", 2 + precisions.length, progress);
    try {
      List<ModelReport.Boundary> boundaries = boundaries(detail, activations, batchSize);
      step(bar);
      float[] inputs = FashionData.inputs(evaluation);
      int errorSamples = Math.min(ERROR_SAMPLES, evaluation.size());
      LayerErrorReport errors =
          LayerErrors.measure(
              model, detail, Arrays.copyOf(inputs, errorSamples * model.inputSize()), errorSamples);
      List<ModelReport.Layer> layers = new ArrayList<>();
      for (LayerErrorReport.Row row : errors.rows()) {
        layers.add(
            new ModelReport.Layer(
                row.layer(), row.precision(), row.sizeBytes(), row.sqnrDb(), row.maxAbsError()));
      }
      ModelReport.Layer endToEnd = layers.remove(layers.size() - 1);
      double accuracy = FashionPtq.accuracy(detail, evaluation, inputs, threads);
      step(bar);
      List<ModelReport.PrecisionPoint> points = new ArrayList<>();
      for (Precision p : precisions) {
        QuantizedModel q =
            PostTrainingQuantizer.quantize(model, sweep.apply(p), calibration, count);
        points.add(
            new ModelReport.PrecisionPoint(
                q.label(),
                q.parameterBytes(),
                FashionPtq.accuracy(q, evaluation, inputs, threads)));
        step(bar);
      }
      return new ModelReport(
          labels.modelName(),
          labels.dataDescription(),
          detail.label(),
          labels.modelSource(),
          labels.observer(),
          count,
          evaluation.size(),
          errorSamples,
          accuracy,
          layers,
          endToEnd,
          boundaries,
          points);
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  private static void step(Progress bar) {
    if (bar != null) {
      bar.step();
    }
  }

  /**
   * Runs the FP32 model on the calibration samples and, for each boundary, bins the values and
   * feeds a fresh observer in the batches post-training quantization uses, so the drawn clipping
   * range is the one it computed.
   */
  private List<ModelReport.Boundary> boundaries(
      QuantizedModel detail, ObserverSpec spec, int batchSize) {
    int n = model.size();
    float[][] values = new float[n + 1][];
    values[0] = calibration;
    for (int k = 0; k < n; k++) {
      FloatLayer layer = model.layer(k);
      DenseLayer fp32 =
          new PreparedLayer.Fp32(layer.name(), layer.weights(), layer.activation()).kernel();
      int in = layer.weights().in();
      int out = layer.weights().out();
      values[k + 1] = new float[count * out];
      float[] x = new float[in];
      float[] y = new float[out];
      for (int s = 0; s < count; s++) {
        System.arraycopy(values[k], s * in, x, 0, in);
        fp32.forward(x, y);
        System.arraycopy(y, 0, values[k + 1], s * out, out);
      }
    }
    Optional<ModelReport.Grid>[] grids = grids(detail);
    List<ModelReport.Boundary> result = new ArrayList<>();
    for (int b = 0; b <= n; b++) {
      String name = b == 0 ? PtqConfig.INPUT : model.layer(b - 1).name();
      float[] v = values[b];
      int size = v.length / count;
      TensorObserver observer = spec.newObserver();
      int batch = Math.min(batchSize, count);
      for (int start = 0; start < count; start += batch) {
        int m = Math.min(batch, count - start);
        observer.observe(v, start * size, Shape.of(m, size));
      }
      Range clip = observer.ranges().get(0);
      float min = v[0];
      float max = v[0];
      for (float x : v) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      result.add(
          new ModelReport.Boundary(
              name, min, max, histogram(v, min, max), clip.lo(), clip.hi(), grids[b]));
    }
    return result;
  }

  /**
   * {@link #BINS} equal bins over {@code [min, max]}, the maximum in the last; one bin if min ==
   * max.
   */
  static long[] histogram(float[] v, float min, float max) {
    if (min == max) {
      return new long[] {v.length};
    }
    long[] counts = new long[BINS];
    double width = ((double) max - min) / BINS;
    for (float x : v) {
      int bin = (int) Math.min(BINS - 1, Math.floor((x - (double) min) / width));
      counts[bin]++;
    }
    return counts;
  }

  /** The int8 ranges the detailed model's static layers read and write at each boundary. */
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: Java has no new Optional<Grid>[n]
  private static Optional<ModelReport.Grid>[] grids(QuantizedModel detail) {
    Optional<ModelReport.Grid>[] grids = new Optional[detail.size() + 1];
    Arrays.fill(grids, Optional.empty());
    for (int k = 0; k < detail.size(); k++) {
      if (detail.layer(k) instanceof PreparedLayer.Quantized q
          && q.params().requantization() != null) {
        StaticRequantization r = q.params().requantization();
        grids[k] = Optional.of(grid(r.input()));
        grids[k + 1] = Optional.of(grid(r.output()));
      }
    }
    return grids;
  }

  private static ModelReport.Grid grid(ActivationParams p) {
    return new ModelReport.Grid(p.scale(), p.zeroPoint());
  }
}
