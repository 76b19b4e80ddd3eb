package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InferenceSessionTest {
  private static final FloatModel MODEL = TestModels.random(7, 30, 24, 10);
  private static final float[] SAMPLES = TestModels.samples(8, 64, 30);

  private static InferenceSession session(Precision precision) {
    return new InferenceSession(
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(precision), SAMPLES, 64));
  }

  @Test
  void batchRunsEqualSingleRunsBitForBit() {
    InferenceSession s = session(Precision.INT8);
    float[] flat = new float[64 * 10];
    s.run(SAMPLES, 64, flat);
    float[][] rows = new float[64][];
    float[][] outs = new float[64][10];
    for (int b = 0; b < 64; b++) {
      rows[b] = java.util.Arrays.copyOfRange(SAMPLES, b * 30, b * 30 + 30);
    }
    s.run(rows, outs);
    for (int b = 0; b < 64; b++) {
      float[] single = s.run(rows[b]);
      assertArrayEquals(
          TestModels.bits(single),
          TestModels.bits(java.util.Arrays.copyOfRange(flat, b * 10, b * 10 + 10)));
      assertArrayEquals(TestModels.bits(single), TestModels.bits(outs[b]));
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void largeBatchesSplitAcrossThreadsWithTheSingleThreadResultsBitForBit(Precision precision) {
    FloatModel wide = TestModels.random(9, 300, 200, 10); // 62,000 multiply-adds per row
    int rows = 301; // odd, so the parts differ in length
    float[] x = TestModels.samples(10, rows, 300);
    QuantizedModel model = PostTrainingQuantizer.quantize(wide, PtqConfig.of(precision), x, rows);
    InferenceSession one = new InferenceSession(model, 1);
    InferenceSession three = new InferenceSession(model, 3);
    assertEquals(1, one.parts(rows));
    assertEquals(3, three.parts(rows), "301 rows * 62,000 is over three parts' worth of work");
    assertEquals(1, three.parts(60), "60 rows are under one part's worth: no split");
    float[] expected = new float[rows * 10];
    float[] actual = new float[rows * 10];
    one.run(x, rows, expected);
    three.run(x, rows, actual);
    assertArrayEquals(TestModels.bits(expected), TestModels.bits(actual));
    int[] labels = new int[rows];
    three.classify(x, rows, labels);
    for (int b = 0; b < rows; b++) {
      assertEquals(InferenceSession.argmax(expected, b * 10, 10), labels[b], "row " + b);
    }
  }

  @Test
  void threadsMustBePositive() {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.FP32), SAMPLES, 64);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new InferenceSession(model, 0));
    assertEquals("threads: expected >= 1, got 0", e.getMessage());
  }

  @Test
  void classifyIsTheArgmaxOfTheOutput() {
    InferenceSession s = session(Precision.INT8);
    int[] labels = new int[64];
    s.classify(SAMPLES, 64, labels);
    for (int b = 0; b < 64; b++) {
      float[] y = s.run(java.util.Arrays.copyOfRange(SAMPLES, b * 30, b * 30 + 30));
      assertEquals(InferenceSession.argmax(y, 0, 10), labels[b]);
      assertEquals(
          labels[b], s.classify(java.util.Arrays.copyOfRange(SAMPLES, b * 30, b * 30 + 30)));
    }
  }

  @Test
  void argmaxTakesTheFirstOfEqualValuesAndIgnoresNan() {
    assertEquals(1, InferenceSession.argmax(new float[] {1, 3, 3, 2}, 0, 4));
    assertEquals(2, InferenceSession.argmax(new float[] {Float.NaN, 1, 5, Float.NaN}, 0, 4));
    assertEquals(0, InferenceSession.argmax(new float[] {Float.NaN, Float.NaN}, 0, 2));
    assertEquals(
        0,
        InferenceSession.argmax(
            new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, 0, 2));
    assertEquals(1, InferenceSession.argmax(new float[] {9, 0, 4}, 1, 2));
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void eightThreadsGetTheSingleThreadResultsBitForBit(Precision precision) throws Exception {
    InferenceSession s = session(precision);
    float[] expected = new float[64 * 10];
    s.run(SAMPLES, 64, expected);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<float[]>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  float[] y = new float[64 * 10];
                  float[] one = new float[10];
                  for (int round = 0; round < 25; round++) {
                    // Single calls in a thread-specific order interleave with the other threads'
                    // calls.
                    for (int b = 0; b < 64; b++) {
                      int i = (b * 7 + round) % 64;
                      s.run(java.util.Arrays.copyOfRange(SAMPLES, i * 30, i * 30 + 30), one);
                      System.arraycopy(one, 0, y, i * 10, 10);
                    }
                  }
                  return y;
                }));
      }
      for (Future<float[]> f : futures) {
        assertArrayEquals(TestModels.bits(expected), TestModels.bits(f.get()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void hotPathAllocatesNothingPerCall(Precision precision) {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's allocation counter");
    com.sun.management.ThreadMXBean hotspot = (com.sun.management.ThreadMXBean) bean;
    InferenceSession s = session(precision);
    float[] x = java.util.Arrays.copyOf(SAMPLES, 30);
    float[] y = new float[10];
    int[] labels = new int[64];
    for (int i = 0;
        i < 2_000;
        i++) { // first calls create the per-thread scratch (per batch size); JIT warms up
      s.run(x, y);
      s.classify(x);
      if (i % 100 == 0) {
        s.classify(SAMPLES, 64, labels);
      }
    }
    long id = Thread.currentThread().getId();
    long before = hotspot.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1_000; i++) {
      s.run(x, y);
      s.classify(x);
    }
    s.classify(SAMPLES, 64, labels);
    long allocated = hotspot.getThreadAllocatedBytes(id) - before;
    // The counter itself may allocate a few bytes; 2,001 calls allocating anything would be far
    // more.
    assertEquals(0f, (float) allocated, 256f, "bytes allocated by 2,001 calls");
  }

  @Test
  void wrongLengthsAreRejectedWithTheirNames() {
    InferenceSession s = session(Precision.FP32);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.run(new float[60], 3, new float[30]));
    assertEquals("x: expected length 90, got 60", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(new float[60], 2, new float[21]));
    assertEquals("y: expected length 20, got 21", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.run(new float[0], -1, new float[0]));
    assertEquals("batch: expected >= 0, got -1", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> s.classify(new float[60], 2, new int[3]));
    assertEquals("labels: expected length 2, got 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> s.run(new float[2][30], new float[3][10]));
    assertEquals("ys: expected 2 rows (one per input), got 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.classify(new float[29]));
    assertEquals("x: expected length 30, got 29", e.getMessage());
  }
}
