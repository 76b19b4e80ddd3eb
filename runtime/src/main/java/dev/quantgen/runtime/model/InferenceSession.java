package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.LayerMath;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Runs a {@link QuantizedModel} on one input or a batch. One session (and one model) serves any
 * number of threads at once; each thread's results are identical, bit for bit, to a single
 * thread's, because the kernels are immutable and every intermediate buffer is per thread. The
 * calls that take an output array allocate nothing once a thread has made its first call with that
 * batch size, except a batch large enough to split.
 *
 * <p>A batch runs through {@link QuantizedModel#forwardBatch}: blocks of samples through the
 * layers' batched products, each output equal bit for bit to a one-input {@link #run(float[],
 * float[])}.
 *
 * <p>Batches: a batch worth at least {@link #MIN_PARALLEL_WORK} multiply-adds per part is split
 * into contiguous runs of rows, one per thread up to the session's {@link #threads()}; the calling
 * thread runs the first and {@link ForkJoinPool#commonPool()} the others. Every row is computed by
 * the same kernels exactly as alone, so a split batch equals the unsplit one bit for bit; the split
 * only costs one small task object per extra part.
 */
public final class InferenceSession {
  /**
   * Multiply-adds (rows times the model's weights) a batch part must have before a batch splits.
   */
  public static final long MIN_PARALLEL_WORK = 1L << 22;

  private final QuantizedModel model;
  private final int inputSize;
  private final int outputSize;
  private final int threads;
  private final long rowWork;
  private final ThreadLocal<float[][]> scratch; // [0]: one input, [1]: one output

  /** Per thread: the outputs of the rows {@link #classify(float[], int, int[])} ran, grow-only. */
  private final ThreadLocal<float[]> rowOutputs = ThreadLocal.withInitial(() -> new float[0]);

  /** A session over {@code model} that splits large batches across every available processor. */
  public InferenceSession(QuantizedModel model) {
    this(model, Runtime.getRuntime().availableProcessors());
  }

  /**
   * A session over {@code model} that splits large batches across at most {@code threads} threads
   * (1: never split).
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public InferenceSession(QuantizedModel model, int threads) {
    this.model = Objects.requireNonNull(model, "model");
    if (threads < 1) {
      throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
    }
    this.threads = threads;
    this.inputSize = model.inputSize();
    this.outputSize = model.outputSize();
    long work = 0;
    for (PreparedLayer layer : model.layers()) {
      work += (long) layer.in() * layer.out();
    }
    this.rowWork = work;
    this.scratch =
        ThreadLocal.withInitial(() -> new float[][] {new float[inputSize], new float[outputSize]});
    model.announceKernels();
  }

  /**
   * Which layer runs on which kernel ({@link QuantizedModel#kernelSummary()}); the first session of
   * a model also logs it once ({@code System.Logger} {@code
   * dev.quantgen.runtime.model.QuantizedModel}: INFO when a layer runs on the runtime's kernel by
   * {@link KernelPolicy#ALLOW_RUNTIME_KERNELS}, DEBUG otherwise).
   */
  public String kernelSummary() {
    return model.kernelSummary();
  }

  /** The most threads one batch call runs on. */
  public int threads() {
    return threads;
  }

  /** The model this session runs. */
  public QuantizedModel model() {
    return model;
  }

  /** Floats per input. */
  public int inputSize() {
    return inputSize;
  }

  /** Floats per output. */
  public int outputSize() {
    return outputSize;
  }

  /**
   * Runs one input into {@code y}.
   *
   * @throws IllegalArgumentException if {@code x} or {@code y} has the wrong length
   */
  public void run(float[] x, float[] y) {
    model.forward(x, y);
  }

  /** Runs one input and returns a new output array. */
  public float[] run(float[] x) {
    float[] y = new float[outputSize];
    model.forward(x, y);
    return y;
  }

  /**
   * Runs {@code batch} inputs stored row-major in {@code x} into {@code y} ({@code batch *
   * outputSize} values).
   *
   * @throws IllegalArgumentException if {@code batch < 0} or an array has the wrong length
   */
  public void run(float[] x, int batch, float[] y) {
    checkBatch(x, batch);
    LayerMath.requireLength("y", y.length, batch * outputSize);
    if (batch == 0) {
      return;
    }
    int parts = parts(batch);
    if (parts == 1) {
      model.forwardBatch(x, y, batch);
      return;
    }
    inParts(batch, parts, (from, to) -> model.forwardRows(x, y, from, to));
  }

  /**
   * Runs each input of {@code xs} into the matching row of {@code ys}.
   *
   * @throws IllegalArgumentException if the batches differ in length or a row has the wrong length
   */
  public void run(float[][] xs, float[][] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException(
          "ys: expected " + xs.length + " rows (one per input), got " + ys.length);
    }
    inParts(
        xs.length,
        parts(xs.length),
        (from, to) -> {
          for (int b = from; b < to; b++) {
            model.forward(xs[b], ys[b]);
          }
        });
  }

  /**
   * The predicted class of one input: the index of the largest output (the first on a tie; NaN
   * never wins). Allocation-free.
   */
  public int classify(float[] x) {
    float[] y = scratch.get()[1];
    model.forward(x, y);
    return argmax(y, 0, outputSize);
  }

  /**
   * The predicted class of each of {@code batch} row-major inputs, into {@code labels}.
   *
   * @throws IllegalArgumentException if {@code batch < 0} or an array has the wrong length
   */
  public void classify(float[] x, int batch, int[] labels) {
    checkBatch(x, batch);
    LayerMath.requireLength("labels", labels.length, batch);
    if (batch == 0) {
      return;
    }
    int parts = parts(batch);
    if (parts == 1) {
      classifyRows(x, 0, batch, labels);
      return;
    }
    inParts(batch, parts, (from, to) -> classifyRows(x, from, to, labels));
  }

  /**
   * Rows {@code [from, to)} through the batched forward into this thread's outputs, then argmax.
   */
  private void classifyRows(float[] x, int from, int to, int[] labels) {
    float[] outputs = rowOutputs.get();
    if (outputs.length < to * outputSize) {
      outputs = new float[to * outputSize];
      rowOutputs.set(outputs);
    }
    model.forwardRows(x, outputs, from, to);
    for (int b = from; b < to; b++) {
      labels[b] = argmax(outputs, b * outputSize, outputSize);
    }
  }

  /** How many parts a batch of {@code rows} splits into: 1 unless each part has enough work. */
  int parts(int rows) {
    long worthwhile = rows * rowWork / MIN_PARALLEL_WORK;
    return (int) Math.max(1, Math.min(Math.min(threads, rows), worthwhile));
  }

  /**
   * Runs {@code body} over [0, rows) in {@link #parts} contiguous runs: the caller takes the first,
   * the common pool the others; returns when all are done and rethrows the first failure.
   */
  private void inParts(int rows, int parts, Rows body) {
    if (parts == 1) {
      body.run(0, rows);
      return;
    }
    int chunk = (rows + parts - 1) / parts;
    ForkJoinTask<?>[] others = new ForkJoinTask<?>[parts - 1];
    for (int p = 1; p < parts; p++) {
      int from = Math.min(rows, p * chunk);
      int to = Math.min(rows, from + chunk);
      others[p - 1] = ForkJoinPool.commonPool().submit(() -> body.run(from, to));
    }
    try {
      body.run(0, Math.min(rows, chunk));
    } finally {
      for (ForkJoinTask<?> task : others) {
        task.join();
      }
    }
  }

  /** A run of batch rows. */
  @FunctionalInterface
  private interface Rows {
    void run(int from, int to);
  }

  /**
   * The index of the largest of {@code values[off .. off + len)}, relative to {@code off}: the
   * first on a tie, NaN ignored; 0 when every value is NaN.
   *
   * @throws IllegalArgumentException if {@code len < 1}
   */
  public static int argmax(float[] values, int off, int len) {
    if (len < 1) {
      throw new IllegalArgumentException("len: expected >= 1, got " + len);
    }
    int best = 0;
    float max = Float.NEGATIVE_INFINITY;
    boolean found = false;
    for (int i = 0; i < len; i++) {
      float v = values[off + i];
      if (v > max || (!found && v == max)) {
        max = v;
        best = i;
        found = true;
      }
    }
    return best;
  }

  private void checkBatch(float[] x, int batch) {
    if (batch < 0) {
      throw new IllegalArgumentException("batch: expected >= 0, got " + batch);
    }
    LayerMath.requireLength("x", x.length, batch * inputSize);
  }
}
