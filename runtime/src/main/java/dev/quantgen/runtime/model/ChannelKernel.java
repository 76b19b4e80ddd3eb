package dev.quantgen.runtime.model;

import dev.quantgen.runtime.kernel.KernelSupport;
import dev.quantgen.runtime.kernel.Kernels;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Activation;

/**
 * The skeleton the runtime's float-output fallback kernels share: check the lengths, prepare the
 * input once per call ({@link #prepare}: the input itself, or its quantized or sign-packed form in
 * per-thread scratch, so a call allocates nothing), then for each output channel {@code c} {@code
 * y[c] = act(channel(c) + b[c])}. The bulk inner products go through {@link Kernels#support()}, the
 * loops the generated kernels use, wherever its methods fit the layout.
 *
 * @param <P> what {@link #prepare} makes of one input
 */
abstract class ChannelKernel<P> implements DenseLayer {
  /** The loops of this machine: scalar, or the Vector API when present. */
  static final KernelSupport SUPPORT = Kernels.support();

  final int in;
  final int out;
  private final float[] bias;
  private final Activation activation;

  /** Per thread: one input of a batch, so {@link #prepare} sees an array of exactly {@link #in}. */
  private final ThreadLocal<float[]> sampleScratch;

  ChannelKernel(int in, int out, float[] bias, Activation activation) {
    this.in = in;
    this.out = out;
    this.bias = bias;
    this.activation = activation;
    this.sampleScratch = ThreadLocal.withInitial(() -> new float[in]);
  }

  @Override
  public final int inputSize() {
    return in;
  }

  @Override
  public final int outputSize() {
    return out;
  }

  @Override
  public final void forward(float[] x, float[] y) {
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("y", y.length, out);
    channels(prepare(x), y, 0);
  }

  /**
   * One sample at a time, as {@link #forward}: each copied into per-thread scratch, each output
   * written in place. No allocation once a thread has made its first call.
   */
  @Override
  public final void forwardBatch(float[] x, float[] y, int batch) {
    LayerMath.requireBatch("x", x.length, batch, in);
    LayerMath.requireBatch("y", y.length, batch, out);
    float[] sample = sampleScratch.get();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(x, b * in, sample, 0, in);
      channels(prepare(sample), y, b * out);
    }
  }

  /** {@code y[yOff + c] = act(channel(c) + b[c])} for every output channel. */
  private void channels(P input, float[] y, int yOff) {
    for (int c = 0; c < out; c++) {
      float v = channel(input, c);
      y[yOff + c] = activation.apply(bias != null ? v + bias[c] : v);
    }
  }

  /** What every channel reads of input {@code x} (of checked length): no allocation. */
  abstract P prepare(float[] x);

  /** Channel {@code c}'s value before the bias and the activation. */
  abstract float channel(P input, int c);
}
