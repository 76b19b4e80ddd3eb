package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads share one loaded model of each precision for a bounded time; every result must
 * equal, bit for bit, what a single thread computed before the run, and the used heap after a
 * forced GC must not grow (a per-call leak of even a few bytes over hundreds of thousands of calls
 * would show).
 *
 * <p>The model has the Fashion MLP's shape (784-256-128-10), seeded random weights, quantized and
 * then saved and loaded again, so the shared object is what an application gets from a file. The
 * run length is {@code -Dquantgen.loadSeconds} (default 10), the thread count {@code
 * -Dquantgen.loadThreads} (default 16).
 */
class SustainedLoadTest {
  private static final int INPUTS = 64;

  /** Heap growth allowed after the run: GC noise (thread stacks and JIT data live off-heap). */
  private static final long HEAP_GROWTH_BOUND = 8L << 20;

  @TempDir Path dir;

  /** One shared model and the single-thread answers it must give. */
  private record Target(
      String name, QuantizedModel model, float[][] inputs, int[][] expectedBits) {}

  @Test
  void sharedModelsGiveSingleThreadResultsUnderSustainedLoadWithoutHeapGrowth() throws Exception {
    int threads = Integer.getInteger("quantgen.loadThreads", 16);
    long millis =
        (long) (Double.parseDouble(System.getProperty("quantgen.loadSeconds", "10")) * 1000);
    FloatModel floatModel = TestModels.random(909, 784, 256, 128, 10);
    float[] calibration = TestModels.samples(910, 64, 784);
    List<Target> targets = new ArrayList<>();
    Random random = new Random(911);
    for (PtqConfig config :
        List.of(
            PtqConfig.of(Precision.INT8),
            PtqConfig.of(Precision.INT4),
            PtqConfig.of(Precision.FP32))) {
      QuantizedModel quantized =
          PostTrainingQuantizer.quantize(floatModel, config, calibration, 64);
      Path file = dir.resolve(targets.size() + ".qgm");
      QuantizedModelFiles.save(quantized, file);
      QuantizedModel loaded = QuantizedModelFiles.load(file);
      float[][] inputs = new float[INPUTS][];
      int[][] expected = new int[INPUTS][];
      for (int i = 0; i < INPUTS; i++) {
        inputs[i] = TestModels.signedSample(random, 784);
        float[] y = new float[10];
        loaded.forward(inputs[i], y);
        expected[i] = TestModels.bits(y);
      }
      targets.add(new Target(quantized.label(), loaded, inputs, expected));
    }

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    AtomicLong requests = new AtomicLong();
    AtomicLong mismatches = new AtomicLong();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long begin = System.nanoTime();
    long deadline = begin + millis * 1_000_000L;
    for (int t = 0; t < threads; t++) {
      Random own = new Random(1000 + t);
      Thread worker =
          new Thread(
              () -> {
                float[] y = new float[10];
                try {
                  start.await();
                  while (System.nanoTime() < deadline) {
                    // Every thread hits every model, in a thread-specific random order.
                    Target target = targets.get(own.nextInt(targets.size()));
                    int i = own.nextInt(INPUTS);
                    target.model().forward(target.inputs()[i], y);
                    requests.incrementAndGet();
                    if (!java.util.Arrays.equals(TestModels.bits(y), target.expectedBits()[i])) {
                      mismatches.incrementAndGet();
                    }
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "load-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long heapAfter = usedHeapAfterGc(memory);

    System.out.printf(
        Locale.ROOT,
        "[load] models %s; threads %d; requests %,d in %.1f s (%,.0f/s); "
            + "mismatches %d; used heap after GC %,d -> %,d bytes (growth %,d)%n",
        targets.stream().map(Target::name).toList(),
        threads,
        requests.get(),
        seconds,
        requests.get() / seconds,
        mismatches.get(),
        heapBefore,
        heapAfter,
        heapAfter - heapBefore);
    assertTrue(failures.isEmpty(), () -> "worker failed: " + failures);
    assertEquals(0, mismatches.get(), "results differing from the single-thread reference");
    assertTrue(requests.get() >= threads, "every thread ran at least once");
    assertTrue(
        heapAfter - heapBefore <= HEAP_GROWTH_BOUND,
        () ->
            "used heap grew by " + (heapAfter - heapBefore) + " bytes, bound " + HEAP_GROWTH_BOUND);
  }

  /**
   * Used heap after a few forced collections (one {@code System.gc()} may leave floating garbage).
   */
  private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
