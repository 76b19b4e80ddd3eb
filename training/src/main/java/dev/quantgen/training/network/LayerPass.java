package dev.quantgen.training.network;

/**
 * The per-shard working state of a {@link Layer}: activation buffers and parameter gradients. Never
 * shared between threads while a step runs.
 */
public interface LayerPass {
  /**
   * Runs {@code rows} samples of {@code x} (row-major, {@code inputSize()} each) and returns the
   * buffer holding the outputs (row-major, {@code outputSize()} each; it may be longer). The
   * returned buffer stays valid until the next forward call; {@code x} is kept for the backward
   * pass and must not change before it.
   */
  float[] forward(float[] x, int rows, boolean training);

  /**
   * Given the loss gradient {@code dy} with respect to the last forward's outputs, writes this
   * shard's parameter gradients into {@link #gradients()} (overwriting them) and returns the
   * gradient with respect to the inputs, or null when {@code inputGradient} is false.
   */
  float[] backward(float[] dy, int rows, boolean inputGradient);

  /** The gradients of the last backward pass, aligned with {@link Layer#parameters()}. */
  float[][] gradients();
}
