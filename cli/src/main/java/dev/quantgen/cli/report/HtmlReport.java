package dev.quantgen.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link ModelReport} as one self-contained HTML page: inline CSS and inline SVG, no
 * script, no external resource, so it opens offline and can be mailed as one file. The output
 * depends only on the report (no timestamp), every text is escaped, and the markup is well-formed
 * XML as well as HTML, so tests can parse it with the JDK's XML parser.
 */
public final class HtmlReport {
  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2433;
        background: #f6f7f9; margin: 0; }
      main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 40px; }
      h1 { font-size: 26px; margin: 0 0 4px; }
      h2 { font-size: 19px; margin: 0 0 10px; }
      h3 { font-size: 15px; margin: 0 0 6px; }
      p.lead { color: #4a5263; margin: 0 0 18px; }
      section { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 16px 20px;
        margin: 0 0 18px; }
      .row { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px 28px;
        align-items: start; }
      figure { margin: 0; }
      figcaption { color: #4a5263; font-size: 13px; max-width: 540px; }
      dl.figures { display: flex; flex-wrap: wrap; gap: 12px 36px; margin: 0; }
      dl.figures div { min-width: 150px; }
      dl.figures dt { color: #4a5263; font-size: 13px; }
      dl.figures dd { margin: 0; font-size: 22px; font-weight: 600; }
      table { border-collapse: collapse; font-size: 14px; margin-top: 8px; }
      caption { text-align: left; color: #4a5263; font-size: 13px; padding-bottom: 4px; }
      th, td { padding: 4px 12px; border-bottom: 1px solid #e6e9ef; text-align: left; }
      td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
      svg.chart { background: #fff; max-width: 100%; height: auto; }
      svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 12px; fill: #1d2433; }
      svg text.tick, svg text.note { fill: #4a5263; font-size: 11px; }
      svg text.axis-label { fill: #4a5263; }
      svg text.point-label { font-weight: 600; }
      .axis { stroke: #7b8494; stroke-width: 1; }
      .gridline { stroke: #e6e9ef; stroke-width: 1; }
      .bar { stroke: none; }
      .p-fp32 { fill: #4e79a7; } .p-fp16 { fill: #59a14f; } .p-int8 { fill: #f28e2b; }
      .p-int4 { fill: #e15759; } .p-binary { fill: #8f6bb3; }
      .hist { fill: #4e79a7; }
      .clip { fill: #f28e2b; fill-opacity: 0.16; stroke: none; }
      .clip-edge { stroke: #d9730d; stroke-width: 2; }
      .grid-range { stroke: #1d2433; stroke-width: 1.5; stroke-dasharray: 5 4; }
      .grid-swatch { fill: none; stroke: #1d2433; stroke-width: 1.5; stroke-dasharray: 3 2; }
      .frontier { fill: none; stroke: #9aa3b2; stroke-width: 1.5; stroke-dasharray: 4 4; }
      .point { stroke: #fff; stroke-width: 2; }
      .unavailable { color: #8a5a00; background: #fff7e6; border: 1px solid #f3d19c; border-radius: 6px;
        padding: 10px 14px; margin: 0; }
      footer { color: #7b8494; font-size: 12px; }
      """;

  private HtmlReport() {}

  /** The page. */
  public static String render(ModelReport r) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>")
        .append(Html.escape("quantgen report: " + r.modelName() + ", " + r.modelLabel()))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
    h.append("<h1>quantgen report</h1>\n<p class=\"lead\">")
        .append(Html.escape(r.modelName()))
        .append(" at <strong>")
        .append(Html.escape(r.modelLabel()))
        .append("</strong> (")
        .append(Html.escape(r.modelSource()))
        .append("). Data: ")
        .append(Html.escape(r.dataDescription()))
        .append(".</p>\n");
    summary(h, r);
    layers(h, r);
    activations(h, r);
    tradeoff(h, r);
    h.append(
        "<section id=\"sensitivity\">\n<h2>Sensitivity ranking</h2>\n<p class=\"unavailable\">Not available: "
            + "this build has no per-layer sensitivity analysis yet (it comes with mixed-precision training). The "
            + "per-layer SQNR above is the closest measure: the lower a layer's SQNR, the more its precision costs."
            + "</p>\n</section>\n");
    h.append(
        "<footer>Written by quantgen report. Self-contained: inline CSS and SVG, no script, no network."
            + "</footer>\n</main>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, ModelReport r) {
    long fp32 =
        r.precisions().stream()
            .filter(p -> p.label().equals("fp32"))
            .mapToLong(ModelReport.PrecisionPoint::parameterBytes)
            .findFirst()
            .orElse(r.parameterBytes());
    h.append("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"figures\">\n");
    figure(h, "precision", r.modelLabel());
    figure(h, "parameter bytes", Html.bytes(r.parameterBytes()));
    figure(
        h,
        "smaller than fp32",
        String.format(Locale.ROOT, "%.2fx", (double) fp32 / r.parameterBytes()));
    figure(
        h,
        "accuracy (" + String.format(Locale.ROOT, "%,d", r.evaluationImages()) + " images)",
        Html.percent(r.accuracy()));
    figure(h, "end-to-end SQNR", Html.db(r.endToEnd().sqnrDb()) + " dB");
    figure(h, "activation observer", r.observer() + ", " + r.calibrationSamples() + " samples");
    h.append("</dl>\n</section>\n");
  }

  private static void figure(StringBuilder h, String term, String value) {
    h.append("<div><dt>")
        .append(Html.escape(term))
        .append("</dt><dd>")
        .append(Html.escape(value))
        .append("</dd></div>\n");
  }

  private static void layers(StringBuilder h, ModelReport r) {
    List<Charts.Bar> sqnr = new ArrayList<>();
    List<Charts.Bar> size = new ArrayList<>();
    for (ModelReport.Layer l : r.layers()) {
      String label = l.name() + " (" + l.precision() + ")";
      String cls = Html.precisionClass(l.precision());
      sqnr.add(new Charts.Bar(label, l.sqnrDb(), Html.db(l.sqnrDb()) + " dB", cls));
      size.add(
          new Charts.Bar(label, l.parameterBytes(), Html.bytes(l.parameterBytes()) + " B", cls));
    }
    h.append(
        "<section id=\"layers\">\n<h2>Per-layer precision, size and SQNR</h2>\n<div class=\"row\">\n");
    h.append("<figure>\n")
        .append(
            Charts.bars(
                "chart-sqnr",
                "SQNR per layer",
                "Signal-to-quantization-noise ratio of each layer's output against FP32 on the same input, in dB; "
                    + "higher is better",
                sqnr))
        .append(
            "<figcaption>SQNR = 20 log10(|x| / |x - x'|) of each layer's output against FP32 on the same "
                + "input (")
        .append(String.format(Locale.ROOT, "%,d", r.errorSamples()))
        .append(" evaluation images); higher is better.</figcaption>\n</figure>\n");
    h.append("<figure>\n")
        .append(
            Charts.bars(
                "chart-size",
                "Parameter bytes per layer",
                "Bytes of every stored parameter of each layer: weights, scales, zero points, biases, requantization",
                size))
        .append(
            "<figcaption>Every stored parameter: weights, scales, zero points, biases and requantization "
                + "multipliers.</figcaption>\n</figure>\n</div>\n");
    h.append(
            "<table id=\"layer-table\">\n<caption>Layers in execution order, then the whole model</caption>\n")
        .append("<thead><tr><th>layer</th><th>precision</th><th class=\"num\">parameter bytes</th>")
        .append(
            "<th class=\"num\">SQNR dB</th><th class=\"num\">max abs error</th></tr></thead>\n<tbody>\n");
    List<ModelReport.Layer> rows = new ArrayList<>(r.layers());
    rows.add(r.endToEnd());
    for (ModelReport.Layer l : rows) {
      h.append("<tr><td>")
          .append(Html.escape(l.name()))
          .append("</td><td>")
          .append(Html.escape(l.precision()))
          .append("</td><td class=\"num\">")
          .append(Html.bytes(l.parameterBytes()))
          .append("</td><td class=\"num\">")
          .append(Html.db(l.sqnrDb()))
          .append("</td><td class=\"num\">")
          .append(Html.value(l.maxAbsError()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</section>\n");
  }

  private static void activations(StringBuilder h, ModelReport r) {
    h.append(
            "<section id=\"activations\">\n<h2>Activations and their calibrated clipping ranges</h2>\n")
        .append("<p>FP32 values at each layer boundary over the ")
        .append(r.calibrationSamples())
        .append(" calibration samples. Shaded: the clipping range the <strong>")
        .append(Html.escape(r.observer()))
        .append(
            "</strong> observer chose (values outside it saturate); dashed: the int8 range the model's static "
                + "layers represent (the clipping range widened to include 0).</p>\n<div class=\"row\">\n");
    int i = 0;
    for (ModelReport.Boundary b : r.boundaries()) {
      h.append("<figure>\n<h3>")
          .append(Html.escape(b.name().equals("input") ? "model input" : b.name() + " output"))
          .append("</h3>\n")
          .append(Charts.histogram("chart-hist-" + i++, b, r.observer()))
          .append("</figure>\n");
    }
    h.append("</div>\n</section>\n");
  }

  private static void tradeoff(StringBuilder h, ModelReport r) {
    h.append(
            "<section id=\"tradeoff\">\n<h2>Accuracy against model size</h2>\n<div class=\"row\">\n<figure>\n")
        .append(Charts.tradeoff("chart-tradeoff", r.precisions()))
        .append(
            "<figcaption>The same FP32 model quantized after training at each precision with the default recipe "
                + "(weights symmetric per channel; int8 activations static), on ")
        .append(String.format(Locale.ROOT, "%,d", r.evaluationImages()))
        .append(" evaluation images.</figcaption>\n")
        .append(
            "</figure>\n<table id=\"tradeoff-table\">\n<caption>One model per precision</caption>\n")
        .append(
            "<thead><tr><th>precision</th><th class=\"num\">parameter bytes</th><th class=\"num\">accuracy</th>")
        .append("</tr></thead>\n<tbody>\n");
    for (ModelReport.PrecisionPoint p : r.precisions()) {
      h.append("<tr><td>")
          .append(Html.escape(p.label()))
          .append("</td><td class=\"num\">")
          .append(Html.bytes(p.parameterBytes()))
          .append("</td><td class=\"num\">")
          .append(Html.percent(p.accuracy()))
          .append("</td></tr>\n");
    }
    h.append("</tbody>\n</table>\n</div>\n</section>\n");
  }
}
