package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.QuantizedDenseParams;

/**
 * The runtime kernel of a weight-only INT8 or INT4 layer: float activations times {@code qw - zw}
 * summed in float32 per scale group with four partial sums (the JIT can pipeline them), then
 * scaled. Within the reassociation bound of {@code DenseReference.quantized(p, x, y)}: {@code 2 *
 * gamma_n * sum |w x|} (see {@code DenseReference#fp32}). {@link
 * dev.quantgen.runtime.kernel.KernelSupport} has no product of float activations with integer
 * weights, so the two loops are this class's own.
 */
final class WeightOnlyKernel extends GroupedWeightKernel<float[]> {
  WeightOnlyKernel(QuantizedDenseParams p) {
    super(p);
  }

  @Override
  float[] prepare(float[] x) {
    return x;
  }

  @Override
  float channel(float[] x, int c) {
    float sum = 0.0f;
    for (int g = 0; g < groups; g++) {
      int i0 = g * groupSize;
      int i1 = Math.min(in, i0 + groupSize);
      int k = scaleIndex(c, g);
      float acc =
          int4
              ? weightOnly4(weights, c * rowBytes, zeroPoints[k], x, i0, i1)
              : weightOnly8(weights, c * in, zeroPoints[k], x, i0, i1);
      float term = acc * scales[k];
      sum = g == 0 ? term : sum + term;
    }
    return sum;
  }

  /** {@code sum x[i] * (qw[i] - zw)} in float with four partial sums, int8 weights. */
  private static float weightOnly8(byte[] w, int off, int zw, float[] x, int i0, int i1) {
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    int i = i0;
    for (; i + 3 < i1; i += 4) {
      a0 += x[i] * (w[off + i] - zw);
      a1 += x[i + 1] * (w[off + i + 1] - zw);
      a2 += x[i + 2] * (w[off + i + 2] - zw);
      a3 += x[i + 3] * (w[off + i + 3] - zw);
    }
    for (; i < i1; i++) {
      a0 += x[i] * (w[off + i] - zw);
    }
    return (a0 + a1) + (a2 + a3);
  }

  /** As {@link #weightOnly8} with packed int4 weights. */
  private static float weightOnly4(byte[] w, int off, int zw, float[] x, int i0, int i1) {
    float a0 = 0.0f;
    float a1 = 0.0f;
    int i = i0;
    for (; i + 1 < i1; i += 2) {
      int b = w[off + (i >> 1)];
      a0 += x[i] * (((b << 28) >> 28) - zw);
      a1 += x[i + 1] * ((b >> 4) - zw);
    }
    if (i < i1) {
      a0 += x[i] * (((w[off + (i >> 1)] << 28) >> 28) - zw);
    }
    return a0 + a1;
  }
}
