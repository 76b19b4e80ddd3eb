package dev.quantgen.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.testkit.SharedData;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Many threads share models for a bounded time, each request one sample or a batch, in a
 * thread-specific random order; every result must equal, bit for bit, what one thread computed
 * before the run, and the used heap after forced GCs must not grow by more than {@link
 * #HEAP_GROWTH_BOUND}. The load tests of generated dense and conv models run their models through
 * it.
 *
 * <p>The run lasts {@code shortSeconds} by default and 10 s under {@code
 * -Dquantgen.longTests=true}; {@code -Dquantgen.loadSeconds} and {@code -Dquantgen.loadThreads}
 * (default 16) override.
 */
public final class SharedModelLoad {
  /**
   * Inputs per target; a batch takes the first {@code batch} of them, so no batch may be larger.
   */
  public static final int INPUTS = 64;

  /** Heap growth allowed after the run: GC noise (thread stacks and JIT data live off-heap). */
  public static final long HEAP_GROWTH_BOUND = 8L << 20;

  private SharedModelLoad() {}

  /**
   * Runs {@code batch} samples, row-major in {@code x}, into {@code y}; called from many threads at
   * once.
   */
  @FunctionalInterface
  public interface Run {
    void run(float[] x, int batch, float[] y);
  }

  /**
   * One shared model: how to run it, its row-major inputs, and each input's single-thread output
   * bits.
   */
  public record Target(
      String name, int inputSize, int outputSize, Run run, float[] inputs, int[][] expectedBits) {
    /**
     * A target with {@link #INPUTS} inputs from {@code input}, each one's expected output computed
     * here, on this thread, by {@code reference} one sample at a time.
     */
    public static Target of(
        String name,
        int inputSize,
        int outputSize,
        Run run,
        Run reference,
        Function<Random, float[]> input,
        Random random) {
      float[] inputs = new float[INPUTS * inputSize];
      int[][] expected = new int[INPUTS][];
      float[] y = new float[outputSize];
      for (int i = 0; i < INPUTS; i++) {
        float[] x = input.apply(random);
        System.arraycopy(x, 0, inputs, i * inputSize, inputSize);
        reference.run(x, 1, y);
        expected[i] = bits(y);
      }
      return new Target(name, inputSize, outputSize, run, inputs, expected);
    }
  }

  /** What a run did. */
  public record Result(
      int threads,
      double seconds,
      long requests,
      long rows,
      long mismatches,
      long heapBefore,
      long heapAfter) {}

  /** The thread count: {@code -Dquantgen.loadThreads}, default 16. */
  public static int threads() {
    return Integer.getInteger("quantgen.loadThreads", 16);
  }

  /**
   * The run length: {@code -Dquantgen.loadSeconds}, else 10 s for long tests and {@code
   * shortSeconds} otherwise.
   */
  public static long millis(double shortSeconds) {
    double defaultSeconds = Boolean.getBoolean(SharedData.LONG_TESTS) ? 10 : shortSeconds;
    return (long)
        (Double.parseDouble(System.getProperty("quantgen.loadSeconds", "" + defaultSeconds))
            * 1000);
  }

  /**
   * Runs {@code threads} threads over {@code targets} and {@code batches} for {@code millis},
   * prints one {@code [tag]} line with the figures, and asserts: no worker failed, 0 mismatches,
   * every thread ran, heap growth within the bound.
   */
  public static Result run(
      String tag, List<Target> targets, int[] batches, int threads, long millis)
      throws InterruptedException {
    for (int batch : batches) {
      assertTrue(batch >= 1 && batch <= INPUTS, "batch sizes within 1.." + INPUTS);
    }
    // A batch's rows are checked against the same batched call made here, on one thread first: a
    // batched FP32, FP16 or BINARY weight-only product sums in its own order (within the bound
    // docs/status.md states of the one-sample result), so only a one-sample request is checked
    // against the one-sample run.
    Map<Target, Map<Integer, int[][]>> batchedBits = new HashMap<>();
    for (Target target : targets) {
      Map<Integer, int[][]> byBatch = new HashMap<>();
      for (int batch : batches) {
        if (batch > 1) {
          float[] y = new float[batch * target.outputSize()];
          target.run().run(batchInputs(target, batch), batch, y);
          int[][] rowBits = new int[batch][];
          for (int r = 0; r < batch; r++) {
            rowBits[r] =
                bits(Arrays.copyOfRange(y, r * target.outputSize(), (r + 1) * target.outputSize()));
          }
          byBatch.put(batch, rowBits);
        }
      }
      batchedBits.put(target, byBatch);
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
      Thread worker =
          new Thread(
              () -> {
                float[][] y = new float[batches.length][];
                float[] one = null;
                try {
                  start.await();
                  while (System.nanoTime() < deadline) {
                    // Every thread hits every model and batch size, in a thread-specific random
                    // order.
                    Target target = targets.get(own.nextInt(targets.size()));
                    int k = own.nextInt(batches.length);
                    int batch = batches[k];
                    int in = target.inputSize();
                    int out = target.outputSize();
                    if (y[k] == null || y[k].length != batch * out) {
                      y[k] = new float[batch * out];
                    }
                    if (batch == 1) {
                      int i = own.nextInt(INPUTS);
                      if (one == null || one.length != in) {
                        one = new float[in];
                      }
                      System.arraycopy(target.inputs(), i * in, one, 0, in);
                      target.run().run(one, 1, y[k]);
                      check(
                          target,
                          i,
                          target.expectedBits()[i],
                          y[k],
                          0,
                          mismatches,
                          firstMismatches);
                    } else {
                      target.run().run(batchInputs(target, batch), batch, y[k]);
                      int[][] want = batchedBits.get(target).get(batch);
                      for (int r = 0; r < batch; r++) {
                        check(target, r, want[r], y[k], r * out, mismatches, firstMismatches);
                      }
                    }
                    requests.incrementAndGet();
                    rows.addAndGet(batch);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              tag + "-" + t);
      workers.add(worker);
      worker.start();
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    long heapAfter = usedHeapAfterGc(memory);

    List<String> names = targets.stream().map(Target::name).toList();
    System.out.printf(
        Locale.ROOT,
        "[%s] %d models %s; batches %s; threads %d; requests %,d (%,d rows) in %.1f s "
            + "(%,.0f requests/s, %,.0f rows/s); mismatches %d; used heap after GC %,d -> %,d bytes (growth %,d, "
            + "bound %,d); %s; %s %s; %d processors%n",
        tag,
        targets.size(),
        names,
        Arrays.toString(batches),
        threads,
        requests.get(),
        rows.get(),
        seconds,
        requests.get() / seconds,
        rows.get() / seconds,
        mismatches.get(),
        heapBefore,
        heapAfter,
        heapAfter - heapBefore,
        HEAP_GROWTH_BOUND,
        System.getProperty("quantgen.kernels", "default kernels"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    assertTrue(failures.isEmpty(), () -> "worker failed: " + failures);
    assertEquals(
        0,
        mismatches.get(),
        () -> "results differing from the single-thread run, first: " + firstMismatches);
    assertTrue(requests.get() >= threads, "every thread ran at least once");
    assertTrue(
        heapAfter - heapBefore <= HEAP_GROWTH_BOUND,
        () ->
            "used heap grew by " + (heapAfter - heapBefore) + " bytes, bound " + HEAP_GROWTH_BOUND);
    return new Result(
        threads, seconds, requests.get(), rows.get(), mismatches.get(), heapBefore, heapAfter);
  }

  /**
   * The raw bits of each value: results are compared bit for bit, NaN payloads and signed zeros
   * included.
   */
  public static int[] bits(float[] v) {
    int[] bits = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      bits[i] = Float.floatToRawIntBits(v[i]);
    }
    return bits;
  }

  /** The first {@code batch} inputs of a target, row-major. */
  private static float[] batchInputs(Target target, int batch) {
    return batch == INPUTS
        ? target.inputs()
        : Arrays.copyOf(target.inputs(), batch * target.inputSize());
  }

  private static void check(
      Target target,
      int input,
      int[] want,
      float[] y,
      int off,
      AtomicLong mismatches,
      List<String> first) {
    for (int o = 0; o < want.length; o++) {
      if (Float.floatToRawIntBits(y[off + o]) != want[o]) {
        mismatches.incrementAndGet();
        if (first.size() < 5) {
          first.add(
              target.name()
                  + " input "
                  + input
                  + " output "
                  + o
                  + ": expected "
                  + Float.intBitsToFloat(want[o])
                  + ", got "
                  + y[off + o]);
        }
        return;
      }
    }
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
