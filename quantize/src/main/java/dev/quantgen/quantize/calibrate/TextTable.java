package dev.quantgen.quantize.calibrate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text table with aligned columns, for reports printed to a terminal or a log: a header
 * line, a line of dashes, then one line per row. Columns are separated by two spaces; text columns
 * are left-aligned, number columns right-aligned; lines carry no trailing spaces.
 *
 * <pre>
 * layer  precision  SQNR dB
 * -----  ---------  -------
 * fc1    int8         41.20
 * </pre>
 */
public final class TextTable {
  /** How a column lines up its cells. */
  public enum Align {
    LEFT,
    RIGHT
  }

  private final List<String> headers = new ArrayList<>();
  private final List<Align> aligns = new ArrayList<>();
  private final List<String[]> rows = new ArrayList<>();

  /** Adds a column; all columns come before the first row. */
  public TextTable column(String header, Align align) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(align, "align");
    if (!rows.isEmpty()) {
      throw new IllegalStateException("column '" + header + "' added after rows");
    }
    headers.add(header);
    aligns.add(align);
    return this;
  }

  /**
   * Adds a row of already formatted cells, one per column.
   *
   * @throws IllegalArgumentException if the number of cells differs from the number of columns
   */
  public TextTable row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row "
              + Arrays.toString(cells)
              + " has "
              + cells.length
              + " cells, expected "
              + headers.size()
              + " (one per column)");
    }
    for (int i = 0; i < cells.length; i++) {
      Objects.requireNonNull(cells[i], "cell " + i);
    }
    rows.add(cells.clone());
    return this;
  }

  /** The table, each line ending in {@code \n}. */
  public String render() {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (String[] row : rows) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    appendLine(out, headers.toArray(new String[0]), widths);
    String[] rules = new String[widths.length];
    for (int c = 0; c < widths.length; c++) {
      rules[c] = "-".repeat(widths[c]);
    }
    appendLine(out, rules, widths);
    for (String[] row : rows) {
      appendLine(out, row, widths);
    }
    return out.toString();
  }

  private void appendLine(StringBuilder out, String[] cells, int[] widths) {
    int start = out.length();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        out.append("  ");
      }
      String pad = " ".repeat(widths[c] - cells[c].length());
      if (aligns.get(c) == Align.RIGHT) {
        out.append(pad).append(cells[c]);
      } else {
        out.append(cells[c]).append(pad);
      }
    }
    int end = out.length();
    while (end > start && out.charAt(end - 1) == ' ') {
      end--;
    }
    out.setLength(end);
    out.append('\n');
  }

  @Override
  public String toString() {
    return render();
  }
}
