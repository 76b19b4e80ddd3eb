package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LayerErrorReportTest {
  @Test
  void printsOneAlignedLinePerLayer() {
    Sqnr fc1 = new Sqnr();
    fc1.add(new float[] {3, 4}, new float[] {3, 4.5f});
    Sqnr fc2 = new Sqnr();
    fc2.add(new float[] {1, 2}, new float[] {1, 2});
    LayerErrorReport report =
        new LayerErrorReport()
            .add("fc1", "int8", fc1, 200_960)
            .add("output", "fp16", fc2, -1)
            .add(new LayerErrorReport.Row("fc3", "int4", -3.25, 0.000123456, 16_512));
    assertEquals(
        ""
            + "layer   precision  SQNR dB  max abs error  size bytes\n"
            + "------  ---------  -------  -------------  ----------\n"
            + "fc1     int8         20.00         0.5000     200,960\n"
            + "output  fp16           inf          0.000           -\n"
            + "fc3     int4         -3.25      0.0001235      16,512\n",
        report.render());
  }

  @Test
  void printWritesTheRenderedTable() {
    LayerErrorReport report =
        new LayerErrorReport().add(new LayerErrorReport.Row("fc1", "int8", 41.5, 0.01, 10));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(report.render(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void infinitiesPrintAsWords() {
    assertEquals("inf", LayerErrorReport.formatDb(Double.POSITIVE_INFINITY));
    assertEquals("-inf", LayerErrorReport.formatDb(Double.NEGATIVE_INFINITY));
    assertEquals("60.00", LayerErrorReport.formatDb(59.999));
  }
}
