package dev.quantgen.cli.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The report's inline SVG charts. Each has a {@code <title>} and {@code <desc>} referenced by
 * {@code aria-labelledby} (screen readers announce them; browsers show the title on hover), and
 * carries its numbers in {@code data-*} attributes so tests can read them back without a browser.
 */
final class Charts {
  private static final int WIDTH = 540;

  private Charts() {}

  /** One horizontal bar. */
  record Bar(String label, double value, String valueText, String cssClass) {}

  /**
   * Horizontal bars from 0; an infinite value fills the width, a negative one draws no bar. The
   * value is printed after each bar.
   */
  static String bars(String id, String title, String desc, List<Bar> bars) {
    int labelWidth = 150;
    int rowHeight = 28;
    int barMax = WIDTH - labelWidth - 100;
    int height = 16 + rowHeight * bars.size();
    double max = 0;
    for (Bar b : bars) {
      if (Double.isFinite(b.value())) {
        max = Math.max(max, b.value());
      }
    }
    StringBuilder svg = open(id, title, desc, height);
    svg.append("<line class=\"axis\" x1=\"")
        .append(labelWidth)
        .append("\" y1=\"4\" x2=\"")
        .append(labelWidth)
        .append("\" y2=\"")
        .append(height - 4)
        .append("\"/>\n");
    int y = 8;
    for (Bar b : bars) {
      double w =
          b.value() == Double.POSITIVE_INFINITY
              ? barMax
              : max <= 0 || !(b.value() > 0) ? 0 : b.value() / max * barMax;
      svg.append("<text class=\"label\" x=\"")
          .append(labelWidth - 8)
          .append("\" y=\"")
          .append(y + 15)
          .append("\" text-anchor=\"end\">")
          .append(Html.escape(b.label()))
          .append("</text>\n");
      svg.append("<rect class=\"bar ")
          .append(b.cssClass())
          .append("\" x=\"")
          .append(labelWidth)
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"")
          .append(Html.coord(w))
          .append("\" height=\"")
          .append(rowHeight - 8)
          .append("\" data-label=\"")
          .append(Html.escape(b.label()))
          .append("\" data-value=\"")
          .append(Html.escape(b.valueText()))
          .append("\"><title>")
          .append(Html.escape(b.label() + ": " + b.valueText()))
          .append("</title></rect>\n");
      svg.append("<text class=\"value\" x=\"")
          .append(Html.coord(labelWidth + w + 6))
          .append("\" y=\"")
          .append(y + 15)
          .append("\">")
          .append(Html.escape(b.valueText()))
          .append("</text>\n");
      y += rowHeight;
    }
    return svg.append("</svg>\n").toString();
  }

  /**
   * A boundary's histogram (bar heights on a log scale, so the spike of ReLU zeros does not hide
   * the tail), the observer's clipping range shaded, and the int8 range the model uses dashed.
   */
  static String histogram(String id, ModelReport.Boundary b, String observer) {
    int height = 250;
    double x0 = 20;
    double x1 = WIDTH - 20;
    double top = 12;
    double bottom = 170;
    double lo = Math.min(Math.min(b.min(), b.clipLo()), 0);
    double hi = Math.max(Math.max(b.max(), b.clipHi()), 0);
    if (b.grid().isPresent()) {
      lo = Math.min(lo, b.grid().get().lo());
      hi = Math.max(hi, b.grid().get().hi());
    }
    if (lo == hi) {
      lo -= 1;
      hi += 1;
    }
    double pad = (hi - lo) * 0.03;
    double dLo = lo - pad;
    double dHi = hi + pad;
    Scale x = new Scale(dLo, dHi, x0, x1);

    String title = "Activation histogram of " + b.name();
    String desc =
        String.format(
            java.util.Locale.ROOT,
            "%,d values from %s to %s; %s clipping range [%s, %s]%s",
            b.total(),
            Html.value(b.min()),
            Html.value(b.max()),
            observer,
            Html.value(b.clipLo()),
            Html.value(b.clipHi()),
            b.grid()
                .map(
                    g ->
                        "; int8 range used by the model ["
                            + Html.value(g.lo())
                            + ", "
                            + Html.value(g.hi())
                            + "]")
                .orElse("; no int8 range at this boundary (its layers do not run static int8)"));
    StringBuilder svg = open(id, title, desc, height);
    svg.append("<g class=\"boundary\" data-boundary=\"")
        .append(Html.escape(b.name()))
        .append("\" data-min=\"")
        .append(b.min())
        .append("\" data-max=\"")
        .append(b.max())
        .append("\" data-total=\"")
        .append(b.total())
        .append("\" data-clip-lo=\"")
        .append(b.clipLo())
        .append("\" data-clip-hi=\"")
        .append(b.clipHi())
        .append("\"");
    b.grid()
        .ifPresent(
            g ->
                svg.append(" data-grid-lo=\"")
                    .append(g.lo())
                    .append("\" data-grid-hi=\"")
                    .append(g.hi())
                    .append("\""));
    svg.append(">\n");
    // The clipping range behind the bars.
    svg.append("<rect class=\"clip\" x=\"")
        .append(Html.coord(x.at(b.clipLo())))
        .append("\" y=\"")
        .append(top)
        .append("\" width=\"")
        .append(Html.coord(Math.max(1, x.at(b.clipHi()) - x.at(b.clipLo()))))
        .append("\" height=\"")
        .append(Html.coord(bottom - top))
        .append("\"><title>")
        .append(
            Html.escape(
                observer
                    + " clipping range ["
                    + Html.value(b.clipLo())
                    + ", "
                    + Html.value(b.clipHi())
                    + "]"))
        .append("</title></rect>\n");
    long[] counts = b.counts();
    long maxCount = 1;
    for (long c : counts) {
      maxCount = Math.max(maxCount, c);
    }
    double binWidth =
        counts.length == 1
            ? (dHi - dLo) / ReportAnalysis.BINS
            : ((double) b.max() - b.min()) / counts.length;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == 0) {
        continue;
      }
      double from = b.min() + i * binWidth;
      double left = counts.length == 1 ? x.at(b.min()) - 1 : x.at(from);
      double w = counts.length == 1 ? 2 : Math.max(0.5, x.at(from + binWidth) - x.at(from));
      double h = Math.log1p((double) counts[i]) / Math.log1p((double) maxCount) * (bottom - top);
      svg.append("<rect class=\"hist\" x=\"")
          .append(Html.coord(left))
          .append("\" y=\"")
          .append(Html.coord(bottom - h))
          .append("\" width=\"")
          .append(Html.coord(w))
          .append("\" height=\"")
          .append(Html.coord(h))
          .append("\"><title>")
          .append(
              Html.escape(
                  String.format(
                      java.util.Locale.ROOT,
                      "[%s, %s): %,d",
                      Html.value(from),
                      Html.value(from + binWidth),
                      counts[i])))
          .append("</title></rect>\n");
    }
    svg.append("</g>\n");
    for (double edge : new double[] {b.clipLo(), b.clipHi()}) {
      line(svg, "clip-edge", x.at(edge), top, bottom);
    }
    b.grid()
        .ifPresent(
            g -> {
              line(svg, "grid-range", x.at(g.lo()), top, bottom);
              line(svg, "grid-range", x.at(g.hi()), top, bottom);
            });
    svg.append("<line class=\"axis\" x1=\"")
        .append(Html.coord(x0))
        .append("\" y1=\"")
        .append(Html.coord(bottom))
        .append("\" x2=\"")
        .append(Html.coord(x1))
        .append("\" y2=\"")
        .append(Html.coord(bottom))
        .append("\"/>\n");
    List<Double> ticks = new ArrayList<>(List.of((double) b.min(), (double) b.max()));
    if (b.min() < 0 && b.max() > 0) {
      ticks.add(0.0);
    }
    for (double t : ticks) {
      svg.append("<text class=\"tick\" x=\"")
          .append(Html.coord(x.at(t)))
          .append("\" y=\"")
          .append(Html.coord(bottom + 14))
          .append("\" text-anchor=\"middle\">")
          .append(Html.escape(Html.value(t)))
          .append("</text>\n");
    }
    double ly = bottom + 38;
    legend(svg, x0, ly, "hist", "values (count, log scale)");
    legend(
        svg,
        x0 + 190,
        ly,
        "clip",
        observer + " clip [" + Html.value(b.clipLo()) + ", " + Html.value(b.clipHi()) + "]");
    if (b.grid().isPresent()) {
      ModelReport.Grid g = b.grid().get();
      legend(
          svg,
          x0 + 190,
          ly + 20,
          "grid-swatch",
          "int8 range [" + Html.value(g.lo()) + ", " + Html.value(g.hi()) + "]");
    } else {
      svg.append("<text class=\"note\" x=\"")
          .append(Html.coord(x0 + 190))
          .append("\" y=\"")
          .append(Html.coord(ly + 30))
          .append("\">no int8 range here: no static int8 layer</text>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /** One model per precision: accuracy against parameter bytes (log scale). */
  static String tradeoff(String id, List<ModelReport.PrecisionPoint> points) {
    int height = 320;
    double x0 = 70;
    double x1 = WIDTH - 30;
    double top = 20;
    double bottom = 270;
    double minBytes =
        points.stream().mapToLong(ModelReport.PrecisionPoint::parameterBytes).min().orElse(1);
    double maxBytes =
        points.stream().mapToLong(ModelReport.PrecisionPoint::parameterBytes).max().orElse(10);
    // Pad a little so the end points' labels stay inside the plot.
    double logLo = Math.log10(Math.max(1, minBytes)) - 0.2;
    double logHi = Math.log10(Math.max(1, maxBytes)) + 0.2;
    double minAcc =
        points.stream().mapToDouble(ModelReport.PrecisionPoint::accuracy).min().orElse(0) * 100;
    double accLo = Math.max(0, Math.floor(minAcc / 10) * 10);
    double accHi = 100;
    Scale x = new Scale(logLo, logHi, x0, x1);
    Scale y = new Scale(accLo, accHi, bottom, top);
    StringBuilder svg =
        open(
            id,
            "Accuracy against model size",
            "Test accuracy of the model quantized at each precision against its parameter bytes (log scale)",
            height);
    for (double a = accLo; a <= accHi + 1e-9; a += 10) {
      svg.append("<line class=\"gridline\" x1=\"")
          .append(Html.coord(x0))
          .append("\" y1=\"")
          .append(Html.coord(y.at(a)))
          .append("\" x2=\"")
          .append(Html.coord(x1))
          .append("\" y2=\"")
          .append(Html.coord(y.at(a)))
          .append("\"/>\n");
      svg.append("<text class=\"tick\" x=\"")
          .append(Html.coord(x0 - 6))
          .append("\" y=\"")
          .append(Html.coord(y.at(a) + 4))
          .append("\" text-anchor=\"end\">")
          .append(Html.coord(a))
          .append("%</text>\n");
    }
    for (double tick : sizeTicks(logLo, logHi)) {
      double tx = x.at(Math.log10(tick));
      svg.append("<line class=\"gridline\" x1=\"")
          .append(Html.coord(tx))
          .append("\" y1=\"")
          .append(Html.coord(top))
          .append("\" x2=\"")
          .append(Html.coord(tx))
          .append("\" y2=\"")
          .append(Html.coord(bottom))
          .append("\"/>\n");
      svg.append("<text class=\"tick\" x=\"")
          .append(Html.coord(tx))
          .append("\" y=\"")
          .append(Html.coord(bottom + 16))
          .append("\" text-anchor=\"middle\">")
          .append(Html.escape(Html.shortBytes(tick)))
          .append("</text>\n");
    }
    svg.append("<line class=\"axis\" x1=\"")
        .append(Html.coord(x0))
        .append("\" y1=\"")
        .append(Html.coord(bottom))
        .append("\" x2=\"")
        .append(Html.coord(x1))
        .append("\" y2=\"")
        .append(Html.coord(bottom))
        .append("\"/>\n");
    svg.append("<line class=\"axis\" x1=\"")
        .append(Html.coord(x0))
        .append("\" y1=\"")
        .append(Html.coord(top))
        .append("\" x2=\"")
        .append(Html.coord(x0))
        .append("\" y2=\"")
        .append(Html.coord(bottom))
        .append("\"/>\n");
    svg.append("<text class=\"axis-label\" x=\"")
        .append(Html.coord((x0 + x1) / 2))
        .append("\" y=\"")
        .append(Html.coord(bottom + 40))
        .append("\" text-anchor=\"middle\">parameter size (log scale)</text>\n");
    svg.append("<text class=\"axis-label\" transform=\"rotate(-90)\" x=\"")
        .append(Html.coord(-(top + bottom) / 2))
        .append("\" y=\"16\" text-anchor=\"middle\">accuracy</text>\n");
    List<ModelReport.PrecisionPoint> bySize = new ArrayList<>(points);
    bySize.sort(Comparator.comparingLong(ModelReport.PrecisionPoint::parameterBytes));
    StringBuilder path = new StringBuilder();
    for (ModelReport.PrecisionPoint p : bySize) {
      path.append(path.length() == 0 ? "" : " ")
          .append(Html.coord(x.at(Math.log10((double) p.parameterBytes()))))
          .append(',')
          .append(Html.coord(y.at(100 * p.accuracy())));
    }
    svg.append("<polyline class=\"frontier\" points=\"").append(path).append("\"/>\n");
    for (int i = 0; i < bySize.size(); i++) {
      ModelReport.PrecisionPoint p = bySize.get(i);
      double px = x.at(Math.log10((double) p.parameterBytes()));
      double py = y.at(100 * p.accuracy());
      svg.append("<circle class=\"point ")
          .append(Html.precisionClass(p.label()))
          .append("\" cx=\"")
          .append(Html.coord(px))
          .append("\" cy=\"")
          .append(Html.coord(py))
          .append("\" r=\"6\" data-label=\"")
          .append(Html.escape(p.label()))
          .append("\" data-bytes=\"")
          .append(p.parameterBytes())
          .append("\" data-accuracy=\"")
          .append(p.accuracy())
          .append("\"><title>")
          .append(
              Html.escape(
                  p.label()
                      + ": "
                      + Html.bytes(p.parameterBytes())
                      + " bytes, "
                      + Html.percent(p.accuracy())))
          .append("</title></circle>\n");
      // Neighbours in size often have nearly the same accuracy: alternate labels above and below.
      double labelY = i % 2 == 0 ? py - 12 : py + 22;
      svg.append("<text class=\"point-label\" x=\"")
          .append(Html.coord(px))
          .append("\" y=\"")
          .append(Html.coord(labelY))
          .append("\" text-anchor=\"middle\">")
          .append(Html.escape(p.label().split(" ")[0] + " " + Html.percent(p.accuracy())))
          .append("</text>\n");
    }
    return svg.append("</svg>\n").toString();
  }

  /**
   * Round sizes (1, 2 and 5 times a power of ten bytes) between {@code 10^logLo} and {@code
   * 10^logHi}.
   */
  static List<Double> sizeTicks(double logLo, double logHi) {
    List<Double> ticks = new ArrayList<>();
    for (int e = (int) Math.floor(logLo); e <= (int) Math.ceil(logHi); e++) {
      for (int m : new int[] {1, 2, 5}) {
        double tick = m * Math.pow(10, e);
        double log = Math.log10(tick);
        if (log >= logLo && log <= logHi) {
          ticks.add(tick);
        }
      }
    }
    return ticks;
  }

  private static StringBuilder open(String id, String title, String desc, int height) {
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"")
        .append(id)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-labelledby=\"")
        .append(id)
        .append("-title ")
        .append(id)
        .append("-desc\">\n");
    svg.append("<title id=\"")
        .append(id)
        .append("-title\">")
        .append(Html.escape(title))
        .append("</title>\n");
    svg.append("<desc id=\"")
        .append(id)
        .append("-desc\">")
        .append(Html.escape(desc))
        .append("</desc>\n");
    return svg;
  }

  private static void line(
      StringBuilder svg, String cssClass, double x, double top, double bottom) {
    svg.append("<line class=\"")
        .append(cssClass)
        .append("\" x1=\"")
        .append(Html.coord(x))
        .append("\" y1=\"")
        .append(Html.coord(top))
        .append("\" x2=\"")
        .append(Html.coord(x))
        .append("\" y2=\"")
        .append(Html.coord(bottom))
        .append("\"/>\n");
  }

  private static void legend(StringBuilder svg, double x, double y, String cssClass, String text) {
    svg.append("<rect class=\"")
        .append(cssClass)
        .append("\" x=\"")
        .append(Html.coord(x))
        .append("\" y=\"")
        .append(Html.coord(y))
        .append("\" width=\"12\" height=\"12\"/>\n");
    svg.append("<text class=\"legend\" x=\"")
        .append(Html.coord(x + 17))
        .append("\" y=\"")
        .append(Html.coord(y + 10))
        .append("\">")
        .append(Html.escape(text))
        .append("</text>\n");
  }

  /** A linear map from a data interval to a pixel interval. */
  private record Scale(double from, double to, double pixelFrom, double pixelTo) {
    double at(double v) {
      return pixelFrom + (v - from) / (to - from) * (pixelTo - pixelFrom);
    }
  }
}
