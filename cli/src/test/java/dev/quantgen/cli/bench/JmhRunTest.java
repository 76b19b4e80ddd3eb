package dev.quantgen.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading JMH's JSON results, as the bench command gets them from its child process. */
class JmhRunTest {
  @Test
  void readsNameParametersAndPrimaryScoreOfEachRun() throws IOException {
    List<JmhRun.Result> results =
        JmhRun.parse(
            """
        [ {"benchmark": "dev.quantgen.benchmarks.DenseBenchmark.run", "mode": "avgt",
           "params": {"batch": "1", "precision": "INT8", "shape": "1024x1024"},
           "primaryMetric": {"score": 12.5, "scoreUnit": "us/op"}},
          {"benchmark": "dev.quantgen.benchmarks.MemoryBandwidthBenchmark.read",
           "primaryMetric": {"score": 3000.25}} ]
        """);
    assertEquals(2, results.size());
    assertEquals("INT8", results.get(0).param("precision"));
    assertEquals(12.5, results.get(0).score());
    assertNull(results.get(1).param("batch"));
    assertEquals(3000.25, results.get(1).score());
  }

  @Test
  void anEmptyOrMalformedResultFileIsAnError() {
    assertThrows(IOException.class, () -> JmhRun.parse("[]"));
    assertThrows(IOException.class, () -> JmhRun.parse("{\"benchmark\": 1}"));
  }
}
