package dev.quantgen.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchReportTest {
  private static final String CPUINFO =
      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B45\n"
          + "flags\t\t: fpu sse2 avx avx2 fma avx512f avx512bw avx512vl avx512_vnni sha_ni\n\nprocessor\t: 1\n";

  @Test
  void theMachineIsNamedByItsCpuModelAndVectorFlags() {
    assertEquals(Optional.of("AMD EPYC 9B45"), BenchReport.modelName(CPUINFO));
    assertEquals(
        Set.of("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"),
        BenchReport.vectorFlags(CPUINFO));
  }

  @Test
  void everyMeasurementIsKeptWithItsRateAndTheTableBesideIt() {
    List<Measurement> runs =
        List.of(
            new Measurement("generated", "INT8", 1000, 1000, 1, 100),
            new Measurement("onnxruntime", "INT8", 1000, 1000, 1, 200));
    JsonObject report =
        BenchReport.of(
            "short",
            2,
            new BenchTable.Peaks(20, 19, 100),
            10e9,
            runs,
            List.of("header", "row"),
            Optional.of(CPUINFO));
    assertEquals(runs, measurements(report));
    assertEquals(
        10.0,
        report.getAsJsonArray("measurements").get(0).getAsJsonObject().get("gmacs").getAsDouble(),
        1e-12);
    assertEquals("AMD EPYC 9B45", report.getAsJsonObject("machine").get("cpu").getAsString());
    assertEquals(
        Runtime.version().toString(), report.getAsJsonObject("machine").get("jdk").getAsString());
    assertEquals(20.0, report.getAsJsonObject("peaks").get("fp32_gmacs_per_core").getAsDouble());
    assertEquals(2, report.getAsJsonArray("table").size());
  }

  @Test
  void aMachineWithoutCpuinfoSaysUnknown() {
    JsonObject report =
        BenchReport.of(
            "short", 1, new BenchTable.Peaks(1, 1, 1), 1e9, List.of(), List.of(), Optional.empty());
    assertEquals("unknown", report.getAsJsonObject("machine").get("cpu").getAsString());
    assertEquals(0, report.getAsJsonObject("machine").getAsJsonArray("vector_flags").size());
  }

  /** The report's measurements back as records. */
  private static List<Measurement> measurements(JsonObject report) {
    List<Measurement> list = new ArrayList<>();
    for (var e : report.getAsJsonArray("measurements")) {
      JsonObject r = e.getAsJsonObject();
      list.add(
          new Measurement(
              r.get("kernel").getAsString(),
              r.get("precision").getAsString(),
              r.get("in").getAsInt(),
              r.get("out").getAsInt(),
              r.get("batch").getAsInt(),
              r.get("micros").getAsDouble()));
    }
    return list;
  }
}
