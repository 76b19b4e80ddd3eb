package dev.quantgen.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * {@code quantgen report} end to end, without a browser: the page is parsed as XML and its charts'
 * numbers are compared with the model file and the JSON summary.
 */
class ReportCommandTest {
  @TempDir static Path tmp;

  static Path modelFile;
  static Path html;
  static JsonObject summary;

  /** One calibrate and one report run shared by the tests (each takes seconds). */
  @BeforeAll
  static void calibrateThenReport() {
    modelFile = tmp.resolve("m.qgen");
    CliRun calibrate = CliRun.of("calibrate", "--samples", "100", "--out", modelFile.toString());
    assertEquals(0, calibrate.exit(), calibrate.toString());
    html = tmp.resolve("report.html");
    CliRun report =
        CliRun.of(
            "report",
            "--samples",
            "100",
            "--model",
            modelFile.toString(),
            "--out",
            html.toString(),
            "--json");
    assertEquals(0, report.exit(), report.toString());
    summary = JsonParser.parseString(report.out()).getAsJsonObject();
  }

  @Test
  void thePageIsWellFormedWithEveryChart() throws Exception {
    Document doc = parse(html);
    List<String> ids = new ArrayList<>();
    NodeList svgs = doc.getElementsByTagName("svg");
    for (int i = 0; i < svgs.getLength(); i++) {
      Element svg = (Element) svgs.item(i);
      ids.add(svg.getAttribute("id"));
      assertEquals("img", svg.getAttribute("role"));
      String title = svg.getAttribute("id") + "-title";
      assertTrue(svg.getAttribute("aria-labelledby").contains(title), "accessible name of " + ids);
      assertEquals("title", ((Element) svg.getElementsByTagName("title").item(0)).getTagName());
    }
    assertEquals(
        List.of(
            "chart-sqnr",
            "chart-size",
            "chart-hist-0",
            "chart-hist-1",
            "chart-hist-2",
            "chart-hist-3",
            "chart-tradeoff"),
        ids);
    for (String section :
        new String[] {"summary", "layers", "activations", "tradeoff", "sensitivity"}) {
      assertTrue(elementById(doc, "section", section) != null, "section " + section);
    }
    assertTrue(
        elementById(doc, "section", "sensitivity").getTextContent().contains("Not available"));
  }

  @Test
  void thePageIsSelfContained() throws Exception {
    String text = Files.readString(html);
    assertFalse(text.contains("<script"), "no script");
    assertFalse(text.contains("src="), "no external resource");
    assertFalse(text.contains("href="), "no link");
    assertFalse(text.contains("@import") || text.contains("url("), "no CSS import");
    assertEquals(
        count(text, "xmlns=\"http://www.w3.org/2000/svg\""),
        count(text, "http"),
        "the only URLs are SVG namespace names");
  }

  @Test
  void layerBarsCarryTheModelFilesSizes() throws Exception {
    QuantizedModel model = QuantizedModelFiles.load(modelFile);
    Document doc = parse(html);
    List<Element> sizeBars = bars(doc, "chart-size");
    List<Element> sqnrBars = bars(doc, "chart-sqnr");
    assertEquals(model.size(), sizeBars.size());
    JsonArray layers = summary.getAsJsonArray("layers");
    for (int k = 0; k < model.size(); k++) {
      assertEquals(
          String.format("%,d B", model.layer(k).parameterBytes()),
          sizeBars.get(k).getAttribute("data-value"));
      assertEquals(
          model.layer(k).name() + " (int8 static)", sizeBars.get(k).getAttribute("data-label"));
      double db = layers.get(k).getAsJsonObject().get("sqnr_db").getAsDouble();
      assertEquals(
          String.format(java.util.Locale.ROOT, "%.2f dB", db),
          sqnrBars.get(k).getAttribute("data-value"));
    }
    assertEquals(model.parameterBytes(), summary.get("parameter_bytes").getAsLong());
  }

  @Test
  void histogramsDrawTheClippingRangeAndTheModelsInt8Range() throws Exception {
    QuantizedModel model = QuantizedModelFiles.load(modelFile);
    Document doc = parse(html);
    NodeList groups = doc.getElementsByTagName("g");
    JsonArray boundaries = summary.getAsJsonArray("boundaries");
    assertEquals(model.size() + 1, groups.getLength());
    for (int b = 0; b < groups.getLength(); b++) {
      Element g = (Element) groups.item(b);
      JsonObject json = boundaries.get(b).getAsJsonObject();
      assertEquals(json.get("name").getAsString(), g.getAttribute("data-boundary"));
      assertEquals(
          json.get("clip_lo").getAsFloat(), Float.parseFloat(g.getAttribute("data-clip-lo")));
      assertEquals(
          json.get("clip_hi").getAsFloat(), Float.parseFloat(g.getAttribute("data-clip-hi")));
      assertEquals(
          100L * (b == 0 ? 784 : model.layer(b - 1).out()),
          Long.parseLong(g.getAttribute("data-total")),
          "every calibration value is binned");
      assertEquals(
          1, g.getElementsByTagName("rect").getLength() - count(g, "hist"), "one clip rectangle");
      // Every layer is static int8, so every boundary has the int8 range the file stores: the
      // clipping range widened to include 0, its ends moved by at most half a step when the zero
      // point is rounded to an integer.
      float gridLo = Float.parseFloat(g.getAttribute("data-grid-lo"));
      float gridHi = Float.parseFloat(g.getAttribute("data-grid-hi"));
      double halfStep = (gridHi - gridLo) / 255 / 2 * (1 + 1e-5);
      assertEquals(
          Math.min(0, json.get("clip_lo").getAsFloat()), gridLo, halfStep, "lower end of " + json);
      assertEquals(
          Math.max(0, json.get("clip_hi").getAsFloat()), gridHi, halfStep, "upper end of " + json);
      assertEquals(
          gridHi - gridLo,
          Math.max(0, json.get("clip_hi").getAsFloat())
              - Math.min(0, json.get("clip_lo").getAsFloat()),
          2 * halfStep * 1e-3,
          "the width is exact up to rounding");
    }
  }

  @Test
  void tradeoffHasOnePointPerPrecision() throws Exception {
    Document doc = parse(html);
    NodeList circles = doc.getElementsByTagName("circle");
    JsonArray precisions = summary.getAsJsonArray("precisions");
    assertEquals(5, circles.getLength());
    assertEquals(5, precisions.size());
    long fp32Bytes = 0;
    for (int i = 0; i < precisions.size(); i++) {
      JsonObject p = precisions.get(i).getAsJsonObject();
      if (p.get("label").getAsString().equals("fp32")) {
        fp32Bytes = p.get("parameter_bytes").getAsLong();
      }
    }
    assertEquals(4L * (784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10), fp32Bytes);
  }

  @Test
  void theSameInputsGiveTheSameBytes() throws Exception {
    Path again = tmp.resolve("again.html");
    CliRun run =
        CliRun.of(
            "report",
            "--samples",
            "100",
            "--model",
            modelFile.toString(),
            "--out",
            again.toString());
    assertEquals(0, run.exit(), run.toString());
    assertArrayEquals(Files.readAllBytes(html), Files.readAllBytes(again));
    assertTrue(run.out().startsWith("wrote " + again + " ("), run.out());
  }

  @Test
  void aMissingModelFileIsAUsageError() {
    CliRun run =
        CliRun.of(
            "report",
            "--model",
            tmp.resolve("nope.qgen").toString(),
            "--out",
            tmp.resolve("x.html").toString());
    assertEquals(CommandLine.ExitCode.USAGE, run.exit());
    assertTrue(
        run.err().contains("--model " + tmp.resolve("nope.qgen") + " is not a file"), run.err());
    assertFalse(Files.exists(tmp.resolve("x.html")));
  }

  @Test
  void aCorruptModelFileIsARuntimeErrorNamingIt() throws Exception {
    Path bad = tmp.resolve("bad.qgen");
    byte[] good = Files.readAllBytes(modelFile);
    Files.write(bad, java.util.Arrays.copyOf(good, good.length / 2));
    CliRun run =
        CliRun.of(
            "report",
            "--samples",
            "100",
            "--model",
            bad.toString(),
            "--out",
            tmp.resolve("x.html").toString());
    assertEquals(CommandLine.ExitCode.SOFTWARE, run.exit(), run.toString());
    assertTrue(run.err().startsWith("report: ") && run.err().contains("bad.qgen"), run.err());
  }

  @Test
  void helpExitsZero() {
    CliRun run = CliRun.of("report", "--help");
    assertEquals(0, run.exit());
    assertTrue(run.out().contains("--model") && run.out().contains("--out"), run.out());
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
    f.setExpandEntityReferences(false);
    return f.newDocumentBuilder().parse(file.toFile());
  }

  private static Element elementById(Document doc, String tag, String id) {
    NodeList nodes = doc.getElementsByTagName(tag);
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (id.equals(e.getAttribute("id"))) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> bars(Document doc, String chart) {
    Element svg = elementById(doc, "svg", chart);
    List<Element> bars = new ArrayList<>();
    NodeList rects = svg.getElementsByTagName("rect");
    for (int i = 0; i < rects.getLength(); i++) {
      Element r = (Element) rects.item(i);
      if (r.getAttribute("class").startsWith("bar ")) {
        bars.add(r);
      }
    }
    return bars;
  }

  private static int count(Element parent, String cssClass) {
    int n = 0;
    NodeList rects = parent.getElementsByTagName("rect");
    for (int i = 0; i < rects.getLength(); i++) {
      n += cssClass.equals(((Element) rects.item(i)).getAttribute("class")) ? 1 : 0;
    }
    return n;
  }

  private static int count(String text, String needle) {
    return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
  }
}
