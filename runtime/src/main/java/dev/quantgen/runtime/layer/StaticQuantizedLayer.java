package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.kernel.Kernels;

/**
 * A dense layer with {@link ActivationMode#STATIC} activations: it also runs int8 to int8, so
 * consecutive static layers can pass int8 activations without going through float.
 */
public interface StaticQuantizedLayer extends DenseLayer {
  /** The int8 parameters of the input. */
  ActivationParams inputParams();

  /** The int8 parameters of the output. */
  ActivationParams outputParams();

  /** Quantizes a float input with {@link #inputParams()} (NaN becomes the zero point). */
  void quantizeInput(float[] x, byte[] qx);

  /** Dequantizes an int8 output with {@link #outputParams()}. */
  void dequantizeOutput(byte[] qy, float[] y);

  /**
   * The integer-only kernel: int8 input to int8 output.
   *
   * @throws IllegalArgumentException if a buffer has the wrong length
   */
  void forwardQuantized(byte[] qx, byte[] qy);

  /**
   * The integer-only kernel on a batch: {@code qx} holds {@code batch} int8 inputs one after the
   * other, {@code qy} receives the outputs alike, each equal to {@link #forwardQuantized}'s. This
   * default runs the samples one by one; generated kernels override it with a batched product that
   * reuses each weight across the batch.
   *
   * @throws IllegalArgumentException if {@code batch < 1} or a buffer is not {@code batch} vectors
   *     long
   */
  default void forwardQuantizedBatch(byte[] qx, byte[] qy, int batch) {
    int in = inputSize();
    int out = outputSize();
    LayerMath.requireBatch("qx", qx.length, batch, in);
    LayerMath.requireBatch("qy", qy.length, batch, out);
    byte[] sample = new byte[in];
    byte[] result = new byte[out];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(qx, b * in, sample, 0, in);
      forwardQuantized(sample, result);
      System.arraycopy(result, 0, qy, b * out, out);
    }
  }

  /**
   * Quantizes a batch with {@link #inputParams()}, as {@link #quantizeInput} does each sample
   * (element for element the same int8 values, in vector lanes where the Vector API is on).
   */
  default void quantizeInputBatch(float[] x, byte[] qx, int batch) {
    LayerMath.requireBatch("x", x.length, batch, inputSize());
    LayerMath.requireBatch("qx", qx.length, batch, inputSize());
    ActivationParams p = inputParams();
    Kernels.support().quantizeInt8(x, x.length, p.scale(), p.zeroPoint(), qx);
  }

  /**
   * Dequantizes a batch with {@link #outputParams()}, as {@link #dequantizeOutput} does each
   * sample.
   */
  default void dequantizeOutputBatch(byte[] qy, float[] y, int batch) {
    LayerMath.requireBatch("qy", qy.length, batch, outputSize());
    LayerMath.requireBatch("y", y.length, batch, outputSize());
    ActivationParams p = outputParams();
    for (int i = 0; i < qy.length; i++) {
      y[i] = p.dequantize(qy[i]);
    }
  }

  /**
   * Quantizes, runs {@link #forwardQuantizedBatch} and dequantizes: the int8 pipeline of {@link
   * #forward} per sample. The codes live in this thread's scratch, so a warm call allocates nothing
   * when the batch size repeats.
   */
  @Override
  default void forwardBatch(float[] x, float[] y, int batch) {
    LayerMath.requireBatch("x", x.length, batch, inputSize());
    LayerMath.requireBatch("y", y.length, batch, outputSize());
    BatchScratch scratch = BatchScratch.get();
    byte[] qx = scratch.input(x.length);
    byte[] qy = scratch.output(y.length);
    quantizeInputBatch(x, qx, batch);
    forwardQuantizedBatch(qx, qy, batch);
    dequantizeOutputBatch(qy, y, batch);
  }
}
