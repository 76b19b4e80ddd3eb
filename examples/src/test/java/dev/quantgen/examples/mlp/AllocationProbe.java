package dev.quantgen.examples.mlp;

import dev.quantgen.runtime.kernel.Kernels;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Measures, in the JVM it runs in, the bytes {@link FashionMlp} loaded from a {@code .qgen} file
 * onto its generated kernels allocates per call once warm, one sample and a batch of {@link
 * #BATCH}, and its first layer's kernel alone on a float batch, and prints one line: {@code
 * allocation <precision> single=<bytes> batch=<bytes> layer=<bytes> calls=<n>/<m> kernels=<name>
 * jdk=<version>}. {@link GeneratedModelAllocationTest} runs it in a child JVM per precision.
 *
 * <p>Measured with HotSpot's per-thread allocation counter. The Vector API boxes every vector until
 * C2 has compiled (and escape-analysed) the kernel loops, which on a busy machine can take longer
 * than any fixed warm-up: each figure is the smallest of up to {@link #ROUNDS} measurements, each
 * after more calls, so a kernel passes once its steady state allocates nothing.
 */
public final class AllocationProbe {
  /**
   * Large enough for every batched kernel's converted form (the int8 and int4 panels from 8
   * samples, the sign tiles from 8 and the unpacked int4 tiles from 16), four samples per panel
   * tile exactly, and for the 256-row layer's batched product to split across two threads (784 x 16
   * multiply-adds a row). Odd-sized work stays covered: 256, 128 and 10 rows, and 10 is not a
   * multiple of the four-row kernels nor of a panel.
   */
  static final int BATCH = 16;

  static final int SINGLE_CALLS = 500;
  static final int BATCH_CALLS = 125;
  private static final int WARM_UP_CALLS = 3_000;
  private static final int ROUNDS = 20;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final QuantizedModel model;
  private final InferenceSession session;
  private final float[] one;
  private final float[] batch = new float[BATCH * 784];
  private final float[] y = new float[10];
  private final float[] ys = new float[BATCH * 10];

  private AllocationProbe(Path dir, Precision precision) throws Exception {
    threads.setThreadAllocatedMemoryEnabled(true);
    model =
        GeneratedModelFiles.load(
            dir, new int[] {784, 256, 128, 10}, FashionMlp_Model.kernels(), precision, 77);
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

  /** Arguments: the precision and a folder for the model file. */
  public static void main(String[] args) throws Exception {
    Precision precision = Precision.valueOf(args[0]);
    AllocationProbe probe = new AllocationProbe(Path.of(args[1]), precision);
    long single = probe.measure(() -> probe.session.run(probe.one, probe.y), SINGLE_CALLS);
    long batch = probe.measure(() -> probe.session.run(probe.batch, BATCH, probe.ys), BATCH_CALLS);
    // the first layer's kernel on its own, float in and out, as a user calling one layer runs it
    DenseLayer first = probe.model.kernel(0);
    float[] firstOut = new float[BATCH * first.outputSize()];
    long layer = probe.measure(() -> first.forwardBatch(probe.batch, firstOut, BATCH), BATCH_CALLS);
    System.out.printf(
        Locale.ROOT,
        "allocation %s single=%d batch=%d layer=%d calls=%d/%d kernels=%s jdk=%s layers=%s%n",
        precision,
        single,
        batch,
        layer,
        SINGLE_CALLS,
        BATCH_CALLS,
        Kernels.support().name().replace(' ', '_'),
        System.getProperty("java.version"),
        String.join(",", probe.model.kernelNames()));
  }

  /**
   * The fewest bytes allocated over {@code calls} runs of {@code call}, in up to ROUNDS tries, by
   * this thread and by the layer-split workers ({@code quantgen-rows-*}, which run parts of the
   * large layers' rows when the probe runs with more than one thread).
   */
  private long measure(Runnable call, int calls) {
    call.run(); // starts the workers if a layer splits
    long[] ids =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t == Thread.currentThread() || t.getName().startsWith("quantgen-rows-"))
            .mapToLong(Thread::getId)
            .toArray();
    long least = Long.MAX_VALUE;
    for (int round = 0; round < ROUNDS && least > 0; round++) {
      long before = allocated(ids);
      for (int k = 0; k < calls; k++) {
        call.run();
      }
      least = Math.min(least, allocated(ids) - before);
    }
    return least;
  }

  private long allocated(long[] ids) {
    long sum = 0;
    for (long id : ids) {
      sum += threads.getThreadAllocatedBytes(id);
    }
    return sum;
  }
}
