package dev.quantgen.examples.residual;

import dev.quantgen.examples.fashion.FashionData;
import dev.quantgen.quantize.calibrate.TextTable;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.numerics.FloatTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * The residual network's rows of the Fashion-MNIST results table, every one on the kernels javac
 * generated from {@link ResidualFashionInt8}, {@link ResidualFashionFp16} and {@link
 * ResidualFashionInt4}: FP32 ({@code ResidualFashionInt8_Model.fp32}, the {@code *_Fp32} kernels),
 * FP16 ({@code ResidualFashionFp16_Model.floats}, the {@code *_Fp16} kernels: binary16 weights,
 * float activations), static INT8 and INT4 with int8 activations ({@code *_Model.calibrate} on the
 * same 500 training images as the other rows, the {@code *_Int8} and {@code *_Int4} kernels; the
 * residual connection is {@code Int8Join}, QLinearAdd's arithmetic, with its own parameters).
 *
 * <p>Usage: {@code ResidualFashionResults [--data DIR]} prints the rows alone; {@code
 * FashionResults} appends them to the whole table.
 */
public final class ResidualFashionResults {
  /** The committed FP32 weights, among this package's resources. */
  public static final String WEIGHTS = "fashion-residual.npz";

  /** Calibration images drawn from the training set (as the MLP and CNN rows draw them). */
  static final int CALIBRATION = 500;

  /** The seed that draws the calibration images (the MLP's and the CNN's). */
  static final long CALIBRATION_SEED = 20260101L;

  private ResidualFashionResults() {}

  public static void main(String[] args) throws IOException {
    Path data =
        args.length == 2 && args[0].equals("--data") ? Path.of(args[1]) : FashionData.DEFAULT_DIR;
    TextTable table =
        new TextTable()
            .column("model", TextTable.Align.LEFT)
            .column("precision", TextTable.Align.LEFT)
            .column("method", TextTable.Align.LEFT)
            .column("kernels", TextTable.Align.LEFT)
            .column("bytes", TextTable.Align.RIGHT)
            .column("accuracy", TextTable.Align.RIGHT)
            .column("vs fp32", TextTable.Align.RIGHT);
    addRows(table, FashionData.train(data), FashionData.test(data));
    System.out.println(table.render());
  }

  /** One row's figures: the accuracy on the test set and the generated kernels that ran. */
  public record Row(String precision, String kernels, long bytes, double accuracy) {}

  /** FP32, FP16, INT8 and INT4 (int8 activations) on {@code test}, in that order. */
  public static List<Row> measure(Dataset train, Dataset test) throws IOException {
    Map<String, FloatTensor> weights = ResidualFashion.weights(resource(WEIGHTS));
    List<float[]> calibration = calibration(train);
    List<Row> rows = new ArrayList<>();
    rows.add(
        new Row(
            "fp32",
            "ResidualFashionInt8_*_Fp32, GraphOps",
            bytes(32),
            accuracy(ResidualFashionInt8_Model.fp32(weights)::forward, test)));
    rows.add(
        new Row(
            "fp16",
            "ResidualFashionFp16_*_Fp16, GraphOps",
            bytes(16),
            accuracy(ResidualFashionFp16_Model.floats(weights)::forward, test)));
    rows.add(
        new Row(
            "int8",
            "ResidualFashionInt8_*_Int8, Int8Join",
            bytes(8),
            accuracy(ResidualFashionInt8_Model.calibrate(weights, calibration)::forward, test)));
    rows.add(
        new Row(
            "int4 (int8 act.)",
            "ResidualFashionInt4_*_Int4, Int8Join",
            bytes(4),
            accuracy(ResidualFashionInt4_Model.calibrate(weights, calibration)::forward, test)));
    return rows;
  }

  /** Appends the residual network's rows to {@code table} (the MLP table's columns). */
  public static void addRows(TextTable table, Dataset train, Dataset test) throws IOException {
    if (ResidualFashionResults.class.getResource(WEIGHTS) == null) {
      table.row("residual", "fp32", "trained", "(no committed weights)", "", "", "");
      return;
    }
    List<Row> rows = measure(train, test);
    double base = rows.get(0).accuracy();
    for (Row row : rows) {
      table.row(
          "residual",
          row.precision(),
          row.precision().equals("fp32") ? "trained" : "ptq",
          row.kernels(),
          Long.toString(row.bytes()),
          String.format(Locale.ROOT, "%.4f", row.accuracy()),
          String.format(Locale.ROOT, "%+.2f", 100 * (row.accuracy() - base)));
    }
  }

  /** {@link #CALIBRATION} training images drawn with the other rows' seed. */
  static List<float[]> calibration(Dataset train) {
    Dataset drawn = train.shuffled(CALIBRATION_SEED).subset(0, CALIBRATION);
    List<float[]> samples = new ArrayList<>(CALIBRATION);
    for (int i = 0; i < CALIBRATION; i++) {
      float[] x = new float[drawn.inputSize()];
      drawn.copyInput(i, x, 0);
      samples.add(x);
    }
    return samples;
  }

  /** The fraction of {@code test} whose largest output (first on a tie) is the label. */
  static double accuracy(UnaryOperator<float[]> model, Dataset test) {
    long correct =
        IntStream.range(0, test.size())
            .parallel()
            .filter(
                i -> {
                  float[] x = new float[test.inputSize()];
                  test.copyInput(i, x, 0);
                  return argmax(model.apply(x)) == test.label(i);
                })
            .count();
    return (double) correct / test.size();
  }

  static int argmax(float[] y) {
    int best = 0;
    for (int i = 1; i < y.length; i++) {
      if (y[i] > y[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Stored parameter bytes with weights of {@code bits} each, counted as the other rows count them:
   * packed weights per output channel, a float32 scale per channel below 16 bits, a float32 bias
   * per channel.
   */
  static long bytes(int bits) {
    int w = ResidualFashion.WIDTH;
    int f = ResidualFashion.FEATURES;
    return layerBytes(w, 9, bits) // Stem
        + layerBytes(w, 9, bits) // Depthwise: one 3x3 filter per channel
        + layerBytes(w, w, bits) // Pointwise
        + layerBytes(f, w * 9, bits) // Expand
        + layerBytes(10, f * 49, bits); // Head
  }

  private static long layerBytes(int rows, int cols, int bits) {
    return rows * (((long) cols * bits + 7) / 8) + 4L * rows + (bits < 16 ? 4L * rows : 0);
  }

  /** A file among this package's resources. */
  static Path resource(String name) {
    try {
      return Path.of(ResidualFashionResults.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing resource " + name, e);
    }
  }
}
