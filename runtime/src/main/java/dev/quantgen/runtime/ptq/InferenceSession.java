package dev.quantgen.runtime.ptq;

import dev.quantgen.runtime.layer.LayerMath;
import java.util.Objects;

/**
 * Runs a {@link QuantizedModel} on one input or a batch. One session (and one model) serves any
 * number of threads at once; each thread's results are identical, bit for bit, to a single thread's,
 * because the kernels are immutable and every intermediate buffer is per thread. The calls that
 * take an output array allocate nothing once a thread has made its first call.
 */
public final class InferenceSession {
  private final QuantizedModel model;
  private final int inputSize;
  private final int outputSize;
  private final ThreadLocal<float[][]> scratch; // [0]: one input, [1]: one output

  /** A session over {@code model}. */
  public InferenceSession(QuantizedModel model) {
    this.model = Objects.requireNonNull(model, "model");
    this.inputSize = model.inputSize();
    this.outputSize = model.outputSize();
    this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[inputSize], new float[outputSize]});
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
   * Runs {@code batch} inputs stored row-major in {@code x} into {@code y} ({@code batch * outputSize}
   * values).
   *
   * @throws IllegalArgumentException if {@code batch < 0} or an array has the wrong length
   */
  public void run(float[] x, int batch, float[] y) {
    checkBatch(x, batch);
    LayerMath.requireLength("y", y.length, batch * outputSize);
    float[][] s = scratch.get();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * inputSize, s[0], 0, inputSize);
      model.forward(s[0], s[1]);
      System.arraycopy(s[1], 0, y, b * outputSize, outputSize);
    }
  }

  /**
   * Runs each input of {@code xs} into the matching row of {@code ys}.
   *
   * @throws IllegalArgumentException if the batches differ in length or a row has the wrong length
   */
  public void run(float[][] xs, float[][] ys) {
    if (xs.length != ys.length) {
      throw new IllegalArgumentException("ys: expected " + xs.length + " rows (one per input), got " + ys.length);
    }
    for (int b = 0; b < xs.length; b++) {
      model.forward(xs[b], ys[b]);
    }
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
    float[][] s = scratch.get();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * inputSize, s[0], 0, inputSize);
      model.forward(s[0], s[1]);
      labels[b] = argmax(s[1], 0, outputSize);
    }
  }

  /**
   * The index of the largest of {@code values[off .. off + len)}, relative to {@code off}: the first
   * on a tie, NaN ignored; 0 when every value is NaN.
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
