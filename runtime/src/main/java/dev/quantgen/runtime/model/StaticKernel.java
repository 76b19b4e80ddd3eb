package dev.quantgen.runtime.model;

import dev.quantgen.runtime.kernel.KernelSupport;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;

/**
 * The runtime kernel of an INT8 or INT4 layer with STATIC activations: int8 in, int32 accumulation,
 * requantized int8 out. Bit-exact against {@code DenseReference.quantized(p, qx, qy)}.
 *
 * <p>The zero-point terms of {@code sum (qa - za)(qw - zw) + bq} are folded as
 * docs/numerics.md#4-integer-kernels describes: {@code dot(qa, qw) - zw * sum(qa) + (bq - za *
 * sum(qw) + K * za * zw)}, the last bracket precomputed per channel. Each term may wrap in int32,
 * but the prepared parameters prove that the true accumulator fits, so the wrapped sum equals it.
 * The dot products are {@link ChannelKernel#SUPPORT}'s (INT4: over the input split into even and
 * odd elements, as the generated kernels do).
 */
final class StaticKernel implements StaticQuantizedLayer {
  private final int in;
  private final int out;
  private final boolean int4;
  private final int rowBytes;
  private final byte[] weights;
  private final ActivationParams input;
  private final ActivationParams output;
  private final int[] constant;
  private final int[] weightZero; // per channel; null when every weight zero point is 0
  private final boolean integerRequant;
  private final int[] multipliers;
  private final int[] shifts;
  private final float[] realMultipliers;
  private final int outputMin;
  private final int outputMax;
  private final ThreadLocal<Scratch> scratch;

  StaticKernel(QuantizedDenseParams p) {
    StaticRequantization r = p.requantization();
    in = p.in();
    out = p.out();
    int4 = p.config().weightType() == QuantType.INT4;
    rowBytes = p.config().rowBytes(in);
    weights = p.weights();
    input = r.input();
    output = r.output();
    int za = input.zeroPoint();
    int[] zw = p.zeroPoints();
    int[] bias = r.bias();
    constant = new int[out];
    int[] perChannelZero = new int[out];
    boolean anyZero = false;
    for (int c = 0; c < out; c++) {
      int z = zw[p.scaleIndex(c, 0)];
      perChannelZero[c] = z;
      anyZero |= z != 0;
      constant[c] = bias[c] - za * p.weightSum(c, 0) + in * za * z;
    }
    weightZero = anyZero ? perChannelZero : null;
    integerRequant = p.config().requantization() == RequantMode.INTEGER;
    multipliers = r.multipliers();
    shifts = r.shifts();
    realMultipliers = r.realMultipliers();
    outputMin = r.outputMin();
    outputMax = r.outputMax();
    scratch = ThreadLocal.withInitial(() -> new Scratch(in, out));
  }

  @Override
  public int inputSize() {
    return in;
  }

  @Override
  public int outputSize() {
    return out;
  }

  @Override
  public ActivationParams inputParams() {
    return input;
  }

  @Override
  public ActivationParams outputParams() {
    return output;
  }

  @Override
  public void quantizeInput(float[] x, byte[] qx) {
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("qx", qx.length, in);
    for (int i = 0; i < in; i++) {
      qx[i] = (byte) input.quantize(x[i]);
    }
  }

  @Override
  public void dequantizeOutput(byte[] qy, float[] y) {
    LayerMath.requireLength("qy", qy.length, out);
    LayerMath.requireLength("y", y.length, out);
    for (int c = 0; c < out; c++) {
      y[c] = output.dequantize(qy[c]);
    }
  }

  @Override
  public void forwardQuantized(byte[] qx, byte[] qy) {
    LayerMath.requireLength("qx", qx.length, in);
    LayerMath.requireLength("qy", qy.length, out);
    int sumX = weightZero == null ? 0 : sum(qx);
    int zy = output.zeroPoint();
    Scratch s = int4 ? scratch.get() : null;
    if (int4) {
      KernelSupport.splitEvenOdd(qx, in, s.even, s.odd);
    }
    for (int c = 0; c < out; c++) {
      int dot =
          int4
              ? ChannelKernel.SUPPORT.dotInt4(weights, c * rowBytes, s.even, s.odd, rowBytes)
              : ChannelKernel.SUPPORT.dotInt8(weights, c * in, qx, in);
      int acc = dot + constant[c] - (weightZero == null ? 0 : weightZero[c] * sumX);
      int k = multipliers.length == 1 ? 0 : c;
      qy[c] =
          (byte)
              (integerRequant
                  ? LayerMath.requantize(acc, multipliers[k], shifts[k], zy, outputMin, outputMax)
                  : LayerMath.requantizeFloat(acc, realMultipliers[k], zy, outputMin, outputMax));
    }
  }

  /**
   * One sample at a time through {@link #forwardQuantized}, copied via per-thread scratch: no
   * allocation.
   */
  @Override
  public void forwardQuantizedBatch(byte[] qx, byte[] qy, int batch) {
    LayerMath.requireBatch("qx", qx.length, batch, in);
    LayerMath.requireBatch("qy", qy.length, batch, out);
    Scratch s = scratch.get();
    for (int b = 0; b < batch; b++) {
      System.arraycopy(qx, b * in, s.qx, 0, in);
      forwardQuantized(s.qx, s.qy);
      System.arraycopy(s.qy, 0, qy, b * out, out);
    }
  }

  @Override
  public void forward(float[] x, float[] y) {
    LayerMath.requireLength("y", y.length, out);
    Scratch s = scratch.get();
    quantizeInput(x, s.qx);
    forwardQuantized(s.qx, s.qy);
    dequantizeOutput(s.qy, y);
  }

  /** {@code sum qx[i]}, exact in int32 (at most 2^31 / 128 int8 terms). */
  private int sum(byte[] qx) {
    int s = 0;
    for (int i = 0; i < in; i++) {
      s += qx[i];
    }
    return s;
  }

  private static final class Scratch {
    final byte[] qx;
    final byte[] qy;

    /**
     * INT4: the input's even and odd elements, the odd one padded with 0 when {@code in} is odd.
     */
    final byte[] even;

    final byte[] odd;

    Scratch(int in, int out) {
      qx = new byte[in];
      qy = new byte[out];
      even = new byte[(in + 1) / 2];
      odd = new byte[(in + 1) / 2];
    }
  }
}
