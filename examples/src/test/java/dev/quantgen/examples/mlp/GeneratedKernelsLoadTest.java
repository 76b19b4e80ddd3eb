package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.testkit.SharedData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen threads share models of every precision running on GENERATED kernels, loaded from {@code
 * .qgen} files: {@link FashionMlp} (784-256-128-10) and {@link WideMlp} (784-1400-10, whose first
 * layer splits one sample's rows across cores through the kernels' worker pool). Each request is
 * one sample or a batch (7 rows, or 64 rows, which {@link InferenceSession} splits across the common
 * pool); every result must equal, bit for bit, what one thread computed before the run, and the used
 * heap after forced GCs must not grow by more than {@link #HEAP_GROWTH_BOUND}.
 *
 * <p>Runs about 2 s by default and 10 s under {@code -Dquantgen.longTests=true}; {@code
 * -Dquantgen.loadSeconds} and {@code -Dquantgen.loadThreads} (default 16) override.
 */
class GeneratedKernelsLoadTest {
  private static final int INPUTS = 64;
  private static final int[] BATCHES = {1, 7, 64};
  /** Heap growth allowed after the run: GC noise (thread stacks and JIT data live off-heap). */
  private static final long HEAP_GROWTH_BOUND = 8L << 20;

  @TempDir
  Path dir;

  /** One shared session, its row-major inputs, and the single-thread answers per batch size. */
  private record Target(String name, InferenceSession session, float[] inputs, int[][] expectedBits) {}

  @Test
  void sharedGeneratedModelsGiveSingleThreadResultsUnderLoadWithoutHeapGrowth() throws Exception {
    int threads = Integer.getInteger("quantgen.loadThreads", 16);
    double defaultSeconds = Boolean.getBoolean(SharedData.LONG_TESTS) ? 10 : 2;
    long millis = (long) (Double.parseDouble(System.getProperty("quantgen.loadSeconds", "" + defaultSeconds)) * 1000);
    List<Target> targets = new ArrayList<>();
    Random random = new Random(1717);
    long seed = 40;
    for (Precision precision : Precision.values()) {
      targets.add(target("fashion " + precision, GeneratedModelFiles.load(dir, new int[] {784, 256, 128, 10},
          FashionMlp_Model.kernels(), precision, seed++), random));
      targets.add(target("wide " + precision, GeneratedModelFiles.load(dir, new int[] {784, 1400, 10},
          WideMlp_Model.kernels(), precision, seed++), random));
    }

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedHeapAfterGc(memory);
    AtomicLong requests = new AtomicLong();
    AtomicLong rows = new AtomicLong();
    AtomicLong mismatches = new AtomicLong();
    List<String> firstMismatches = Collections.synchronizedList(new ArrayList<>());
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    long begin = System.nanoTime();
    long deadline = begin + millis * 1_000_000L;
    for (int t = 0; t < threads; t++) {
      Random own = new Random(2000 + t);
      Thread worker = new Thread(() -> {
        float[][] y = new float[BATCHES.length][];
        float[] one = new float[784];
        try {
          start.await();
          while (System.nanoTime() < deadline) {
            // Every thread hits every model and batch size, in a thread-specific random order.
            Target target = targets.get(own.nextInt(targets.size()));
            int k = own.nextInt(BATCHES.length);
            int batch = BATCHES[k];
            int out = target.session().outputSize();
            if (y[k] == null || y[k].length != batch * out) {
              y[k] = new float[batch * out];
            }
            if (batch == 1) {
              int i = own.nextInt(INPUTS);
              System.arraycopy(target.inputs(), i * 784, one, 0, 784);
              target.session().run(one, y[k]);
              check(target, i, y[k], 0, mismatches, firstMismatches);
            } else {
              float[] x = batch == INPUTS ? target.inputs() : Arrays.copyOf(target.inputs(), batch * 784);
              target.session().run(x, batch, y[k]);
              for (int r = 0; r < batch; r++) {
                check(target, r, y[k], r * out, mismatches, firstMismatches);
              }
            }
            requests.incrementAndGet();
            rows.addAndGet(batch);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      }, "generated-load-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long heapAfter = usedHeapAfterGc(memory);

    System.out.printf(Locale.ROOT, "[generated-load] %d models (fashion and wide x %s); threads %d; requests %,d "
        + "(%,d rows) in %.1f s (%,.0f requests/s, %,.0f rows/s); mismatches %d; used heap after GC %,d -> %,d "
        + "bytes (growth %,d, bound %,d); %s; %s %s%n", targets.size(), Arrays.toString(Precision.values()), threads,
        requests.get(), rows.get(), seconds, requests.get() / seconds, rows.get() / seconds, mismatches.get(),
        heapBefore, heapAfter, heapAfter - heapBefore, HEAP_GROWTH_BOUND,
        System.getProperty("quantgen.kernels", "default kernels"), System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    assertTrue(failures.isEmpty(), () -> "worker failed: " + failures);
    assertEquals(0, mismatches.get(), () -> "results differing from the single-thread run, first: " + firstMismatches);
    assertTrue(requests.get() >= threads, "every thread ran at least once");
    assertTrue(heapAfter - heapBefore <= HEAP_GROWTH_BOUND,
        () -> "used heap grew by " + (heapAfter - heapBefore) + " bytes, bound " + HEAP_GROWTH_BOUND);
  }

  /** The target's inputs, and each one's single-thread output, one sample at a time. */
  private static Target target(String name, QuantizedModel model, Random random) {
    InferenceSession session = new InferenceSession(model);
    float[] inputs = new float[INPUTS * 784];
    int[][] expected = new int[INPUTS][];
    for (int i = 0; i < INPUTS; i++) {
      float[] x = GeneratedModelFiles.input(random, 784);
      System.arraycopy(x, 0, inputs, i * 784, 784);
      float[] y = new float[model.outputSize()];
      model.forward(x, y);
      expected[i] = GeneratedModelFiles.bits(y);
    }
    return new Target(name, session, inputs, expected);
  }

  private static void check(Target target, int input, float[] y, int off, AtomicLong mismatches, List<String> first) {
    int[] want = target.expectedBits()[input];
    for (int o = 0; o < want.length; o++) {
      if (Float.floatToRawIntBits(y[off + o]) != want[o]) {
        mismatches.incrementAndGet();
        if (first.size() < 5) {
          first.add(target.name() + " input " + input + " output " + o + ": expected "
              + Float.intBitsToFloat(want[o]) + ", got " + y[off + o]);
        }
        return;
      }
    }
  }

  /** Used heap after a few forced collections (one {@code System.gc()} may leave floating garbage). */
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
