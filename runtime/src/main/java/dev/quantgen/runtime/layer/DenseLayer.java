package dev.quantgen.runtime.layer;

/**
 * A dense layer ready to run, as every generated kernel class implements it: immutable,
 * thread-safe, and allocation-free per call (scratch buffers are per thread).
 */
public interface DenseLayer {
  /** Number of inputs. */
  int inputSize();

  /** Number of outputs. */
  int outputSize();

  /**
   * Computes {@code y = layer(x)} from float input to float output.
   *
   * @throws IllegalArgumentException if a buffer has the wrong length
   */
  void forward(float[] x, float[] y);

  /**
   * Computes a batch: {@code x} holds {@code batch} inputs of {@link #inputSize()} one after the
   * other, {@code y} receives the outputs alike. Each sample's output equals {@link #forward}'s;
   * this default runs the samples one by one (copying each), and kernels with a batched product
   * override it.
   *
   * @throws IllegalArgumentException if {@code batch < 1} or a buffer is not {@code batch} vectors
   *     long
   */
  default void forwardBatch(float[] x, float[] y, int batch) {
    int in = inputSize();
    int out = outputSize();
    LayerMath.requireBatch("x", x.length, batch, in);
    LayerMath.requireBatch("y", y.length, batch, out);
    float[] sample = new float[in];
    float[] result = new float[out];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * in, sample, 0, in);
      forward(sample, result);
      System.arraycopy(result, 0, y, b * out, out);
    }
  }
}
