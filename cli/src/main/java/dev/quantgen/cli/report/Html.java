package dev.quantgen.cli.report;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * Escaping and number formatting for the report: text and attributes, independent of the locale.
 */
final class Html {
  private Html() {}

  /** {@code text} safe in element content and in double-quoted attributes. */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A coordinate: one decimal, no trailing {@code .0}. */
  static String coord(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  /** {@code %.2f}, or {@code inf} for an exact match. */
  static String db(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** A byte count grouped by thousands: {@code 940,584}. */
  static String bytes(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  /** A round byte count for axes, in decimal units: {@code 500 B}, {@code 20 kB}, {@code 1 MB}. */
  static String shortBytes(double v) {
    if (v >= 1e6) {
      return threeDigits(v / 1e6) + " MB";
    }
    if (v >= 1e3) {
      return threeDigits(v / 1e3) + " kB";
    }
    return String.format(Locale.ROOT, "%.0f B", v);
  }

  /** Three significant digits without trailing zeros: {@code 1.5}, {@code 100}, {@code 941}. */
  private static String threeDigits(double v) {
    return new BigDecimal(String.format(Locale.ROOT, "%.3g", v))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** An accuracy as a percentage with two decimals: {@code 84.53%}. */
  static String percent(double accuracy) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * accuracy);
  }

  /** Four significant digits, for activation values. */
  static String value(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** The CSS class of a precision label: {@code p-int8} for {@code int8 static}. */
  static String precisionClass(String label) {
    int space = label.indexOf(' ');
    String first = space < 0 ? label : label.substring(0, space);
    return "p-" + first.replaceAll("[^a-z0-9]", "");
  }
}
