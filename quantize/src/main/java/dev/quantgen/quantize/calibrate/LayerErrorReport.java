package dev.quantgen.quantize.calibrate;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The per-layer error report of a quantized model (issue 4, docs/numerics.md#9-reporting-error):
 * for each layer, its precision, the SQNR of its output against FP32 on the same inputs, the
 * largest absolute error and, when known, its size. Rendered as a {@link TextTable}:
 *
 * <pre>
 * layer  precision  SQNR dB  max abs error  size bytes
 * -----  ---------  -------  -------------  ----------
 * fc1    int8         41.23      0.003052      200,960
 * fc2    int4         19.87        0.1310       16,512
 * </pre>
 *
 * SQNR has two decimals ({@code inf} for an exact match), the error four significant digits, sizes
 * are grouped by thousands ({@code -} when unknown). Formatting ignores the default locale.
 */
public final class LayerErrorReport {
  /** One layer's line. {@code sizeBytes < 0} means unknown. */
  public record Row(
      String layer, String precision, double sqnrDb, double maxAbsError, long sizeBytes) {
    public Row {
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(precision, "precision");
    }
  }

  private final List<Row> rows = new ArrayList<>();

  /** Adds a layer from its accumulated {@link Sqnr}; {@code sizeBytes < 0} when unknown. */
  public LayerErrorReport add(String layer, String precision, Sqnr sqnr, long sizeBytes) {
    Objects.requireNonNull(sqnr, "sqnr");
    return add(new Row(layer, precision, sqnr.db(), sqnr.maxAbsError(), sizeBytes));
  }

  /** Adds a row. */
  public LayerErrorReport add(Row row) {
    rows.add(Objects.requireNonNull(row, "row"));
    return this;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The table as text, each line ending in {@code \n}. */
  public String render() {
    TextTable table =
        new TextTable()
            .column("layer", TextTable.Align.LEFT)
            .column("precision", TextTable.Align.LEFT)
            .column("SQNR dB", TextTable.Align.RIGHT)
            .column("max abs error", TextTable.Align.RIGHT)
            .column("size bytes", TextTable.Align.RIGHT);
    for (Row row : rows) {
      table.row(
          row.layer(),
          row.precision(),
          formatDb(row.sqnrDb()),
          String.format(Locale.ROOT, "%.4g", row.maxAbsError()),
          row.sizeBytes() < 0 ? "-" : String.format(Locale.ROOT, "%,d", row.sizeBytes()));
    }
    return table.render();
  }

  /** Prints {@link #render()} to {@code out}. */
  public void print(PrintStream out) {
    out.print(render());
    out.flush();
  }

  static String formatDb(double db) {
    if (Double.isInfinite(db)) {
      return db > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.2f", db);
  }
}
