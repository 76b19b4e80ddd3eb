package dev.quantgen.runtime.model;

/**
 * The inner products of the runtime kernels that {@link dev.quantgen.runtime.kernel.KernelSupport}
 * has no method for: part {@code [i0, i1)} of a row (one scale group), against uint8 activations
 * held in ints or float activations; whole rows of int8 or float go through {@link
 * ChannelKernel#SUPPORT}. Integer products are exact in any order (int32 arithmetic wraps, and the
 * final sums are proven to fit), so they are bit-exact against {@link
 * dev.quantgen.runtime.layer.DenseReference}. Float products use four partial sums, which the JIT
 * can pipeline; the result differs from the sequential reference sum only by reassociation,
 * bounded by {@code 2 * gamma_n * sum |w x|} (see {@code DenseReference#fp32}).
 *
 * <p>INT4 rows are packed two per byte, element {@code 2i} in the low nibble; every group starts at
 * an even index (block sizes are even), so a group never starts inside a byte.
 */
final class Dot {
  private Dot() {}

  /**
   * {@code sum a[i] * w[off + i]} for {@code i} in {@code [i0, i1)}: int8 weights, {@code int}
   * activations (dynamic uint8 values).
   */
  static int int8(byte[] w, int off, int[] a, int i0, int i1) {
    int acc = 0;
    for (int i = i0; i < i1; i++) {
      acc += a[i] * w[off + i];
    }
    return acc;
  }

  /** {@code sum a[i] * w4[i]} for {@code i} in {@code [i0, i1)}, int4 weights of a row at byte {@code off}. */
  static int int4(byte[] w, int off, byte[] a, int i0, int i1) {
    int acc = 0;
    int i = i0;
    for (; i + 1 < i1; i += 2) {
      int b = w[off + (i >> 1)];
      acc += a[i] * ((b << 28) >> 28) + a[i + 1] * (b >> 4);
    }
    if (i < i1) {
      acc += a[i] * ((w[off + (i >> 1)] << 28) >> 28);
    }
    return acc;
  }

  /** As {@link #int4} with {@code int} activations. */
  static int int4(byte[] w, int off, int[] a, int i0, int i1) {
    int acc = 0;
    int i = i0;
    for (; i + 1 < i1; i += 2) {
      int b = w[off + (i >> 1)];
      acc += a[i] * ((b << 28) >> 28) + a[i + 1] * (b >> 4);
    }
    if (i < i1) {
      acc += a[i] * ((w[off + (i >> 1)] << 28) >> 28);
    }
    return acc;
  }

  /** {@code sum x[i] * (qw[i] - zw)} in float with four partial sums, int8 weights. */
  static float weightOnly8(byte[] w, int off, int zw, float[] x, int i0, int i1) {
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
  static float weightOnly4(byte[] w, int off, int zw, float[] x, int i0, int i1) {
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

  /** {@code sum a[i]} over {@code [i0, i1)}. */
  static int sum(byte[] a, int i0, int i1) {
    int s = 0;
    for (int i = i0; i < i1; i++) {
      s += a[i];
    }
    return s;
  }

  /** {@code sum a[i]} over {@code [i0, i1)}. */
  static int sum(int[] a, int i0, int i1) {
    int s = 0;
    for (int i = i0; i < i1; i++) {
      s += a[i];
    }
    return s;
  }
}
