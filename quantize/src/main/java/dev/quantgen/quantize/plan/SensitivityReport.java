package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.calibrate.TextTable;
import dev.quantgen.quantize.ptq.LayerQuantization;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The result of a {@link SensitivityAnalysis}: the FP32 accuracy and one {@link LayerSensitivity}
 * per layer and candidate precision.
 */
public final class SensitivityReport {
  /** Most harmful first: by accuracy drop, then by lower SQNR. */
  static final Comparator<LayerSensitivity> MOST_SENSITIVE_FIRST =
      Comparator.comparingDouble(LayerSensitivity::dropPoints)
          .reversed()
          .thenComparingDouble(LayerSensitivity::sqnrDb);

  private final double fp32Accuracy;
  private final List<LayerSensitivity> rows;

  SensitivityReport(double fp32Accuracy, List<LayerSensitivity> rows) {
    this.fp32Accuracy = fp32Accuracy;
    this.rows = List.copyOf(rows);
  }

  /** The accuracy of the model with every layer at FP32. */
  public double fp32Accuracy() {
    return fp32Accuracy;
  }

  /** The rows in measurement order (layer by layer, candidates from high to low precision). */
  public List<LayerSensitivity> rows() {
    return rows;
  }

  /** The rows, most sensitive first. */
  public List<LayerSensitivity> ranked() {
    List<LayerSensitivity> sorted = new ArrayList<>(rows);
    sorted.sort(MOST_SENSITIVE_FIRST);
    return sorted;
  }

  /**
   * The row of {@code layer} quantized as {@code quantization}.
   *
   * @throws IllegalArgumentException if the analysis did not measure that combination
   */
  public LayerSensitivity row(String layer, LayerQuantization quantization) {
    for (LayerSensitivity r : rows) {
      if (r.layer().equals(layer) && r.quantization().equals(quantization)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "layer, quantization: expected a measured combination, got "
            + layer
            + " at "
            + quantization.label());
  }

  /** The ranked table: rank, layer, precision, accuracy, drop in points, SQNR, layer size. */
  public TextTable table() {
    TextTable table =
        new TextTable()
            .column("rank", TextTable.Align.RIGHT)
            .column("layer", TextTable.Align.LEFT)
            .column("precision", TextTable.Align.LEFT)
            .column("accuracy", TextTable.Align.RIGHT)
            .column("drop (points)", TextTable.Align.RIGHT)
            .column("layer SQNR dB", TextTable.Align.RIGHT)
            .column("layer bytes", TextTable.Align.RIGHT);
    int rank = 1;
    for (LayerSensitivity r : ranked()) {
      table.row(
          Integer.toString(rank++),
          r.layer(),
          r.quantization().label(),
          String.format(Locale.ROOT, "%.4f", r.accuracy()),
          String.format(Locale.ROOT, "%+.2f", r.dropPoints()),
          Double.isNaN(r.sqnrDb())
              ? "-"
              : Double.isInfinite(r.sqnrDb())
                  ? "inf"
                  : String.format(Locale.ROOT, "%.2f", r.sqnrDb()),
          String.format(Locale.ROOT, "%,d", r.layerBytes()));
    }
    return table;
  }
}
