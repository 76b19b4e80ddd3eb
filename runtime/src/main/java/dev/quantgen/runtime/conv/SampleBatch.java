package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.RowRange;
import dev.quantgen.runtime.kernel.Rows;

/**
 * A batch through a compiled spatial model, its samples split across cores by {@link Rows#forEach}
 * (samples are independent, so each runs whole on one thread and equals the one-sample forward bit
 * for bit). A convolution's tiles are too small to split one sample across cores without the
 * hand-over costing more than it saves; whole samples are not.
 *
 * <p>Allocation-free per call: the call's arguments sit in this thread's reusable instance (cleared
 * when the batch ends), and each thread copies a sample in and its result out through its own two
 * buffers of the model's sizes (allocated on a thread's first call with those sizes).
 */
public final class SampleBatch implements RowRange {
  /** A compiled model's one-sample forward, {@code x [inputSize]} to {@code y [outputSize]}. */
  @FunctionalInterface
  public interface Model {
    void forward(float[] x, float[] y);
  }

  private static final ThreadLocal<SampleBatch> CALLS = ThreadLocal.withInitial(SampleBatch::new);

  /** Each thread's sample and result buffers: {@code {x, y}}. */
  private static final ThreadLocal<float[][]> SAMPLE =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private Model model;
  private float[] x;
  private float[] y;
  private int inputSize;
  private int outputSize;

  private SampleBatch() {}

  /**
   * Runs {@code batch} samples {@code x [batch, inputSize]} through {@code model} into {@code y
   * [batch, outputSize]}, split across cores when {@code batch * macsPerSample} reaches {@link
   * Rows#MIN_PARALLEL_MACS}.
   *
   * @throws IllegalArgumentException if {@code batch < 0} or a length is not {@code batch} samples
   */
  public static void forEach(
      Model model,
      float[] x,
      float[] y,
      int batch,
      int inputSize,
      int outputSize,
      long macsPerSample) {
    if (batch < 0) {
      throw new IllegalArgumentException("batch: " + batch + ", expected at least 0");
    }
    if (x.length != (long) batch * inputSize) {
      throw new IllegalArgumentException(
          "x: " + x.length + " values, expected batch * INPUT_SIZE = " + batch + " * " + inputSize);
    }
    if (y.length != (long) batch * outputSize) {
      throw new IllegalArgumentException(
          "y: "
              + y.length
              + " values, expected batch * OUTPUT_SIZE = "
              + batch
              + " * "
              + outputSize);
    }
    SampleBatch call = CALLS.get();
    call.model = model;
    call.x = x;
    call.y = y;
    call.inputSize = inputSize;
    call.outputSize = outputSize;
    try {
      Rows.forEach(batch, macsPerSample, call);
    } finally {
      call.model = null;
      call.x = null;
      call.y = null;
    }
  }

  /** Samples {@code [from, to)}, on whichever thread runs them. */
  @Override
  public void run(int from, int to) {
    float[][] io = SAMPLE.get();
    if (io[0].length != inputSize || io[1].length != outputSize) {
      io[0] = new float[inputSize];
      io[1] = new float[outputSize];
    }
    for (int b = from; b < to; b++) {
      System.arraycopy(x, b * inputSize, io[0], 0, inputSize);
      model.forward(io[0], io[1]);
      System.arraycopy(io[1], 0, y, b * outputSize, outputSize);
    }
  }
}
