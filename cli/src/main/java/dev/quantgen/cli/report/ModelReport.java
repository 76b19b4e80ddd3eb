package dev.quantgen.cli.report;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the HTML report shows, computed once by {@link ReportAnalysis} and rendered by {@link
 * HtmlReport}: plain values, so a test can check the page against them.
 *
 * @param modelName what the FP32 model is
 * @param dataDescription which images calibrate and which evaluate
 * @param modelLabel the detailed model's precision, e.g. {@code int8 static}
 * @param modelSource how the detailed model was obtained (calibrated here, or read from a file)
 * @param observer the activation observer's command-line name
 * @param calibrationSamples samples the observers saw
 * @param evaluationImages images the accuracies are measured on
 * @param errorSamples evaluation images the SQNR is measured on
 * @param accuracy the detailed model's accuracy
 * @param layers the detailed model's layers, in execution order
 * @param endToEnd the whole model's output against FP32's
 * @param boundaries the activation boundaries: the model input, then each layer's output
 * @param precisions the accuracy/size trade-off, one point per precision
 */
public record ModelReport(
    String modelName,
    String dataDescription,
    String modelLabel,
    String modelSource,
    String observer,
    int calibrationSamples,
    int evaluationImages,
    int errorSamples,
    double accuracy,
    List<Layer> layers,
    Layer endToEnd,
    List<Boundary> boundaries,
    List<PrecisionPoint> precisions) {

  public ModelReport {
    layers = List.copyOf(layers);
    boundaries = List.copyOf(boundaries);
    precisions = List.copyOf(precisions);
  }

  /** The detailed model's parameter bytes: the sum of its layers'. */
  public long parameterBytes() {
    return layers.stream().mapToLong(Layer::parameterBytes).sum();
  }

  /**
   * One layer of the detailed model.
   *
   * @param precision its label, e.g. {@code int8 static}
   * @param sqnrDb its output's SQNR against FP32 on the same input; infinite for an exact match
   */
  public record Layer(
      String name, String precision, long parameterBytes, double sqnrDb, double maxAbsError) {
    public Layer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(precision, "precision");
    }
  }

  /**
   * One activation boundary over the calibration samples (FP32 values).
   *
   * @param name {@code input} or the name of the layer whose output it is
   * @param min the smallest value seen
   * @param max the largest value seen
   * @param counts a histogram of equal bins over {@code [min, max]} (one bin when they are equal)
   * @param clipLo the lower end of the observer's clipping range
   * @param clipHi the upper end of the observer's clipping range
   * @param grid the int8 range the detailed model's static layers use here, if any
   */
  public record Boundary(
      String name,
      float min,
      float max,
      long[] counts,
      float clipLo,
      float clipHi,
      Optional<Grid> grid) {
    public Boundary {
      counts = counts.clone();
    }

    @Override
    public long[] counts() {
      return counts.clone();
    }

    /** Values seen. */
    public long total() {
      long sum = 0;
      for (long c : counts) {
        sum += c;
      }
      return sum;
    }
  }

  /**
   * The real values an int8 activation can represent: {@code [(-128 - z) s, (127 - z) s]}.
   *
   * @param scale {@code s}
   * @param zeroPoint {@code z}
   */
  public record Grid(float scale, int zeroPoint) {
    public float lo() {
      return (-128 - zeroPoint) * scale;
    }

    public float hi() {
      return (127 - zeroPoint) * scale;
    }
  }

  /** The model quantized at one precision with the default recipe: its size and accuracy. */
  public record PrecisionPoint(String label, long parameterBytes, double accuracy) {}
}
