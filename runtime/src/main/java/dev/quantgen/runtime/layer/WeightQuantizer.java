package dev.quantgen.runtime.layer;

/**
 * Chooses weight scales and zero points from ranges
 * (docs/numerics.md#2-scale-and-zero-point-from-a-range) and quantizes the weights, per tensor, per
 * output channel or per (channel, block). Kept inside the layer package so the layer contract
 * depends on nothing but the core numeric types.
 */
final class WeightQuantizer {
  /** Unpacked quantized values ({@code [out][in]}), scales and zero points (one per group). */
  record Result(int[] values, float[] scales, int[] zeroPoints) {}

  private WeightQuantizer() {}

  static Result quantize(DenseWeights weights, QuantizedDenseConfig config) {
    int in = weights.in();
    int out = weights.out();
    int size = config.groupSize(in);
    int groups = config.groups(in);
    int qmin = config.weightMin();
    int qmax = config.weightMax();
    int n = config.perChannel() ? out * groups : 1;
    float[] scales = new float[n];
    int[] zeroPoints = new int[n];
    int[] values = new int[in * out];
    for (int k = 0; k < n; k++) {
      // Group k covers rows [c0, c1) and columns [i0, i1); per tensor it is everything.
      int c0 = config.perChannel() ? k / groups : 0;
      int c1 = config.perChannel() ? c0 + 1 : out;
      int i0 = config.perChannel() ? (k % groups) * size : 0;
      int i1 = config.perChannel() ? Math.min(in, i0 + size) : in;
      float lo = 0.0f;
      float hi = 0.0f;
      for (int c = c0; c < c1; c++) {
        for (int i = i0; i < i1; i++) {
          lo = Math.min(lo, weights.weight(c, i));
          hi = Math.max(hi, weights.weight(c, i));
        }
      }
      float scale;
      int zero;
      if (lo == hi) {
        scale = 1.0f;
        zero = 0;
      } else if (config.symmetric()) {
        scale = Math.max(-lo, hi) / qmax;
        zero = 0;
      } else {
        scale = (hi - lo) / (qmax - qmin);
        zero = (int) Math.max(qmin, Math.min(qmax, qmin - Math.rint(lo / scale)));
      }
      scales[k] = scale;
      zeroPoints[k] = zero;
      for (int c = c0; c < c1; c++) {
        for (int i = i0; i < i1; i++) {
          values[c * in + i] = LayerMath.quantize(weights.weight(c, i), scale, zero, qmin, qmax);
        }
      }
    }
    return new Result(values, scales, zeroPoints);
  }
}
