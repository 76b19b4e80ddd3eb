import dev.quantgen.cli.demo.FashionData;
import dev.quantgen.cli.demo.FashionPtq;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.runtime.layer.DenseChain;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds the JIT's slow modes by what they allocate: C2-compiled Vector API code allocates nothing
 * per call, while a kernel running C1-compiled, or C2-compiled with its Vector API calls left as
 * calls, makes an object per vector. Runs the demo's sequence (every precision of the Fashion MLP
 * quantized, then each warmed up in turn for a short time) and prints, per window and precision,
 * the bytes allocated per batched forward of 1,000 images summed over all threads (so the split
 * workers count), its time, and the bytes per one-image forward. A clean JVM prints 4-20 bytes
 * (the batch's bookkeeping) everywhere.
 *
 * <p>Usage (after {@code ./quantgen} built the jar): {@code tools/probes/allocation.sh [windows]}
 */
public final class DemoAllocationProbe {
  private static final int IMAGES = 1_000;
  private static final double WARM_UP_SECONDS = 1.5;

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    FloatModel model = FashionData.model();
    Dataset data = FashionData.embeddedTestSubset();
    float[] calibration = FashionData.inputs(data.subset(0, 500));
    float[] inputs = FashionData.inputs(data.subset(500, 500 + IMAGES));
    Precision[] precisions = Precision.values();
    QuantizedModel[] models = new QuantizedModel[precisions.length];
    DenseChain[] chains = new DenseChain[precisions.length];
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    for (int p = 0; p < precisions.length; p++) {
      models[p] = FashionPtq.quantize(model, precisions[p], calibration, quiet);
      List<DenseLayer> layers = new ArrayList<>();
      for (int k = 0; k < models[p].size(); k++) {
        layers.add(models[p].kernel(k));
      }
      chains[p] = new DenseChain(layers);
    }
    float[] y = new float[IMAGES * model.outputSize()];
    float[] one = new float[model.inputSize()];
    float[] yOne = new float[model.outputSize()];
    for (int p = 0; p < precisions.length; p++) {
      long end = System.nanoTime() + (long) (WARM_UP_SECONDS * 1e9);
      while (System.nanoTime() < end) {
        chains[p].forwardBatch(inputs, y, IMAGES);
        for (int i = 0; i < 50; i++) {
          System.arraycopy(inputs, i * one.length, one, 0, one.length);
          models[p].forward(one, yOne);
        }
      }
    }
    for (int w = 0; w < windows; w++) {
      StringBuilder line = new StringBuilder("window " + (w + 1) + ":");
      for (int p = 0; p < precisions.length; p++) {
        long a0 = allocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < 40; i++) {
          chains[p].forwardBatch(inputs, y, IMAGES);
        }
        long t1 = System.nanoTime();
        long a1 = allocatedBytes();
        for (int i = 0; i < 2_000; i++) {
          System.arraycopy(inputs, (i % IMAGES) * one.length, one, 0, one.length);
          models[p].forward(one, yOne);
        }
        long a2 = allocatedBytes();
        line.append(
            String.format(
                Locale.ROOT,
                "  %s %,d B %.0f us, %,d B/image |",
                precisions[p],
                (a1 - a0) / 40,
                (t1 - t0) / 40e3,
                (a2 - a1) / 2_000));
      }
      System.out.println(line);
    }
  }

  /** Bytes allocated so far by every live thread (HotSpot's per-thread counters). */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }
}
