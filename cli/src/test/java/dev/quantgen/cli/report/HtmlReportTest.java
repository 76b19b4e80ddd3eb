package dev.quantgen.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The page for a hand-made report: escaping, special values, determinism. */
class HtmlReportTest {
  static ModelReport report(String modelName) {
    return new ModelReport(
        modelName,
        "data <b>",
        "int8 static",
        "calibrated",
        "minmax",
        10,
        20,
        20,
        0.875,
        List.of(
            new ModelReport.Layer("fc1", "fp32", 400, Double.POSITIVE_INFINITY, 0),
            new ModelReport.Layer("fc2", "int8 static", 60, 12.345, 0.5)),
        new ModelReport.Layer("model (end to end)", "fp32 / int8 static", 460, 12.0, 0.5),
        List.of(
            new ModelReport.Boundary(
                "input", 0f, 1f, new long[] {5, 0, 5}, 0f, 1f, Optional.empty()),
            new ModelReport.Boundary(
                "fc1",
                2f,
                2f,
                new long[] {10},
                0f,
                2f,
                Optional.of(new ModelReport.Grid(2f / 255, -128)))),
        List.of(
            new ModelReport.PrecisionPoint("fp32", 460, 0.9),
            new ModelReport.PrecisionPoint("int8 static", 130, 0.875)));
  }

  @Test
  void textIsEscapedEverywhere() throws Exception {
    String html = HtmlReport.render(report("M<script>alert('x')</script> & \"q\""));
    assertFalse(html.contains("<script"), html);
    assertTrue(
        html.contains("M&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assertTrue(html.contains("data &lt;b&gt;"));
    parse(html);
  }

  @Test
  void anExactLayerShowsInfinityAndAFullBar() throws Exception {
    String html = HtmlReport.render(report("m"));
    assertTrue(html.contains("data-label=\"fc1 (fp32)\" data-value=\"inf dB\""), html);
    assertTrue(html.contains("<td class=\"num\">inf</td>"), html);
    // The finite bar is scaled to the largest finite value: it fills the width too.
    assertTrue(html.contains("width=\"290\" height=\"20\" data-label=\"fc2 (int8 static)\""), html);
  }

  @Test
  void aBoundaryWithoutStaticLayersSaysSoAndOneWithThemHasItsInt8Range() {
    String html = HtmlReport.render(report("m"));
    assertTrue(html.contains("no int8 range here"), html);
    ModelReport.Grid grid = new ModelReport.Grid(2f / 255, -128);
    assertTrue(
        html.contains("data-grid-lo=\"" + grid.lo() + "\" data-grid-hi=\"" + grid.hi() + "\""),
        html);
    assertEquals(0f, grid.lo(), "z = -128 puts 0 at the bottom of the range");
    assertEquals(2f, grid.hi(), 1e-6f);
    assertEquals(
        1,
        html.split("class=\"grid-range\"", -1).length - 1 - 1,
        "two dashed lines for the one grid");
  }

  @Test
  void renderingIsDeterministic() {
    assertEquals(HtmlReport.render(report("m")), HtmlReport.render(report("m")));
  }

  @Test
  void summaryFiguresComeFromTheReport() throws Exception {
    String html = HtmlReport.render(report("m"));
    assertTrue(html.contains("<dt>parameter bytes</dt><dd>460</dd>"), html);
    assertTrue(html.contains("<dt>smaller than fp32</dt><dd>1.00x</dd>"), html);
    assertTrue(html.contains("<dd>87.50%</dd>"), html);
    assertTrue(html.contains("<dd>12.00 dB</dd>"), html);
    Document doc = parse(html);
    assertEquals(
        7,
        doc.getElementsByTagName("svg").getLength() + 2,
        "two bar charts, two histograms, one tradeoff");
  }

  static Document parse(String html) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
  }
}
