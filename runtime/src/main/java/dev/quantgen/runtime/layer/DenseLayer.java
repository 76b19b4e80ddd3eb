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
}
