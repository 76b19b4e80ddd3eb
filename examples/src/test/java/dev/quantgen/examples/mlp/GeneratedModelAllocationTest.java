package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quantgen.runtime.kernel.Kernels;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link FashionMlp} loaded from a {@code .qgen} file onto its generated kernels allocates nothing
 * per call once warm, at every precision, one sample and a batch of {@link #BATCH} through {@link
 * InferenceSession} (a batch this small is not split, and runs through the batched products):
 * measured with HotSpot's per-thread allocation counter ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}), allowance 0.
 *
 * <p>The Vector API boxes every vector until C2 has compiled (and escape-analysed) the kernel loops,
 * which on a busy machine can take longer than any fixed warm-up: each figure is therefore the
 * smallest of up to {@link #ROUNDS} measurements, each after more calls, so a kernel passes once its
 * steady state allocates nothing and fails if it never does. This test caught C2 leaving some
 * Vector API calls un-intrinsified depending on what ran before in the same JVM (326 KB per INT8
 * call on a CI run); see the class comment of the runtime's {@code VectorKernelSupport}.
 */
class GeneratedModelAllocationTest {
  /**
   * Small enough that no layer splits its rows across cores (784 x 256 x 4 multiply-adds is under
   * {@code Rows.MIN_PARALLEL_MACS}); a split allocates its tasks, by design. Odd-sized work stays
   * covered: 256, 128 and 10 rows, 4 samples, and 10 is not a multiple of the four-row kernels.
   */
  private static final int BATCH = 4;
  private static final int WARM_UP_CALLS = 3_000;
  private static final int MEASURED_CALLS = 500;
  private static final int ROUNDS = 20;

  @TempDir
  Path dir;

  @ParameterizedTest
  @EnumSource(Precision.class)
  void oneSampleAllocatesNothingPerCall(Precision precision) throws Exception {
    Fixture f = new Fixture(dir, precision);
    long bytes = f.measure(() -> f.session.run(f.one, f.y), MEASURED_CALLS);
    report(precision, f, "single", bytes, MEASURED_CALLS);
    assertEquals(0, bytes, precision + ": bytes allocated by " + MEASURED_CALLS + " single-sample calls");
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void batchAllocatesNothingPerCall(Precision precision) throws Exception {
    Fixture f = new Fixture(dir, precision);
    int calls = MEASURED_CALLS / 8;
    long bytes = f.measure(() -> f.session.run(f.batch, BATCH, f.ys), calls);
    report(precision, f, "batch-" + BATCH, bytes, calls);
    assertEquals(0, bytes, precision + ": bytes allocated by " + calls + " batch-" + BATCH + " calls");
  }

  private static void report(Precision precision, Fixture f, String what, long bytes, int calls) {
    System.out.printf(Locale.ROOT,
        "[generated-allocation] %s %s: %,d bytes over %d %s calls (%.1f/call); %s kernels, JDK %s%n",
        precision, f.model.kernelNames(), bytes, calls, what, (double) bytes / calls, Kernels.support().name(),
        System.getProperty("java.version"));
  }

  /** A warmed-up session on the generated model of one precision, with its inputs and outputs. */
  private static final class Fixture {
    final com.sun.management.ThreadMXBean threads = counter();
    final QuantizedModel model;
    final InferenceSession session;
    final float[] one;
    final float[] batch = new float[BATCH * 784];
    final float[] y = new float[10];
    final float[] ys = new float[BATCH * 10];

    Fixture(Path dir, Precision precision) throws Exception {
      model = GeneratedModelFiles.load(dir, new int[] {784, 256, 128, 10}, FashionMlp_Model.kernels(), precision, 77);
      session = new InferenceSession(model);
      Random random = new Random(78);
      one = GeneratedModelFiles.input(random, 784);
      for (int b = 0; b < BATCH; b++) {
        System.arraycopy(GeneratedModelFiles.input(random, 784), 0, batch, b * 784, 784);
      }
      for (int k = 0; k < WARM_UP_CALLS; k++) {
        session.run(one, y);
        if (k % 8 == 0) {
          session.run(batch, BATCH, ys);
        }
      }
    }

    /** The fewest bytes this thread allocates over {@code calls} runs of {@code call}, in up to ROUNDS tries. */
    long measure(Runnable call, int calls) {
      long thread = Thread.currentThread().getId();
      long least = Long.MAX_VALUE;
      for (int round = 0; round < ROUNDS && least > 0; round++) {
        long before = threads.getThreadAllocatedBytes(thread);
        for (int k = 0; k < calls; k++) {
          call.run();
        }
        least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
      }
      return least;
    }
  }

  private static com.sun.management.ThreadMXBean counter() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "needs HotSpot's per-thread allocation counter");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "thread allocation counter not supported");
    threads.setThreadAllocatedMemoryEnabled(true);
    return threads;
  }
}
