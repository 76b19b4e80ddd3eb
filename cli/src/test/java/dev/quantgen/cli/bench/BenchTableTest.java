package dev.quantgen.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTableTest {
  /** Peaks as a run would measure them (G MAC/s per core). */
  private static final BenchTable.Peaks PEAKS = new BenchTable.Peaks(20, 19, 100);

  private static final Measurement FP32 = new Measurement("generated", "FP32", 1000, 1000, 1, 400);
  private static final Measurement BIG_FP32 =
      new Measurement("generated", "FP32", 8192, 4096, 1, 26843.5456);
  private static final Measurement FP32_GENERIC =
      new Measurement("generic", "FP32", 1000, 1000, 1, 800);
  private static final Measurement INT8 = new Measurement("generated", "INT8", 1000, 1000, 1, 100);
  private static final Measurement ORT_INT8 =
      new Measurement("onnxruntime", "INT8", 1000, 1000, 1, 200);

  @Test
  void gmacsCountBatchTimesInTimesOutPerMicrosecond() {
    assertEquals(10.0, INT8.gmacs(), 1e-12); // 1e6 MACs in 100 us
  }

  @Test
  void ratiosAreSpeedupsAgainstPeersOfTheSameShapeAndBatch() {
    BenchTable t = new BenchTable(List.of(FP32, FP32_GENERIC, INT8, ORT_INT8), 10e9, 2, PEAKS);
    String int8 = t.lines().get(3);
    assertTrue(int8.contains("4.00x"), int8); // vs the best FP32 (400 us)
    assertTrue(int8.contains("2.00x"), int8); // vs ONNX Runtime INT8 (200 us)
    assertEquals("-", t.find("generic", "INT8", INT8).map(Measurement::kernel).orElse("-"));
    assertEquals(FP32, t.bestFp32(INT8).orElseThrow());
  }

  @Test
  void convolutionRowsCompareWithTheGenericConvolutionAndModelRowsWithNoGenericLoop() {
    Measurement conv = new Measurement("conv-gen", "INT8", 1, 1_228_800, 1, 100);
    Measurement convGeneric = new Measurement("conv-generic", "INT8", 1, 1_228_800, 1, 300);
    Measurement cnn = new Measurement("cnn-gen", "INT8", 1, 1_116_416, 64, 1000);
    BenchTable t = new BenchTable(List.of(conv, convGeneric, cnn), 10e9, 1, PEAKS);
    assertEquals(java.util.Optional.of("conv-generic"), BenchTable.genericOf(conv));
    assertEquals(java.util.Optional.empty(), BenchTable.genericOf(convGeneric));
    assertEquals(java.util.Optional.empty(), BenchTable.genericOf(cnn));
    assertTrue(t.lines().get(1).contains("3.00x"), t.lines().get(1));
  }

  @Test
  void modelAndConvolutionRowsAreBoundByArithmeticOnly() {
    BenchTable t = new BenchTable(List.of(), 1e9, 1, PEAKS);
    // 1 x 28.9 M "weights" would be 29 ms of memory at 1 GB/s; it is MACs, compute binds: 28.9e6 /
    // 20e9 s
    Measurement conv = new Measurement("conv-gen", "FP32", 1, 28_901_376, 1, 28_901_376 / 20e3);
    assertEquals(1.0, t.roofline(conv), 1e-9);
  }

  @Test
  void aConvolutionRowIsHeldToOneCoresPeak() {
    // a conv layer runs one sample on one core: at 20 G MAC/s it reaches 100% of a 2-thread run
    BenchTable t = new BenchTable(List.of(), 1e9, 2, PEAKS);
    Measurement conv = new Measurement("conv-gen", "FP32", 1, 20_000_000, 1, 1000);
    assertEquals(1.0, t.roofline(conv), 1e-9);
    Measurement cnn = new Measurement("cnn-gen", "FP32", 1, 20_000_000, 1, 1000);
    assertEquals(0.5, t.roofline(cnn), 1e-9);
  }

  @Test
  void integerRowsAreBoundByTheLargerOfTheFmaAndInt8Peaks() {
    // the batched integer products run float FMAs, so the int8 loop's 19 G MAC/s is not their
    // bound: the FMA's 20 is; at 19 G MAC/s an INT8 row reaches 95%
    BenchTable t = new BenchTable(List.of(), 1e9, 1, PEAKS);
    Measurement int8 = new Measurement("conv-gen", "INT8", 1, 19_000_000, 1, 1000);
    assertEquals(0.95, t.roofline(int8), 1e-9);
    BenchTable.Peaks fastInt8 = new BenchTable.Peaks(20, 40, 100);
    assertEquals(40, fastInt8.integer(), 0);
  }

  @Test
  void rooflineTakesTheBindingLimit() {
    BenchTable t = new BenchTable(List.of(), 10e9, 1, PEAKS);
    // 128 MiB of FP32 at 10 GB/s = 13.42 ms (compute 1.68 ms): memory binds; measured twice that:
    // 50%
    assertEquals(0.5, t.roofline(BIG_FP32), 1e-9);
    // 4 MB of FP32 stays in cache: compute binds, 1e6 / 20e9 = 50 us of 400 us = 12.5%
    assertEquals(0.125, t.roofline(FP32), 1e-9);
    // a batch reads the weights once, not once per sample: 64 samples of the 128 MiB layer are
    // 13.42 ms of memory but 64 x 33.55 M / 20e9 = 107.4 ms of arithmetic, which binds; measured
    // twice that: 50%
    Measurement batched = new Measurement("generated", "FP32", 8192, 4096, 64, 214_748.3648);
    assertEquals(0.5, t.roofline(batched), 1e-9);
    // BINARY: 1e6 / 100e9 = 10 us, measured 50 us: 20%
    assertEquals(0.2, t.roofline(new Measurement("generated", "BINARY", 1000, 1000, 1, 50)), 1e-9);
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BenchTable(List.of(), 0, 1, PEAKS));
    assertEquals("bytesPerSecond: expected > 0, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new BenchTable(List.of(), 1, 0, PEAKS));
    assertEquals("threads: expected >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BenchTable.weightBytes("INT2"));
    assertEquals("precision: expected FP32, FP16, INT8, INT4 or BINARY, got INT2", e.getMessage());
  }
}
