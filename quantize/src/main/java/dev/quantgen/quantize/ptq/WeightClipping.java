package dev.quantgen.quantize.ptq;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.quantize.calibrate.Observer;
import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.quantize.calibrate.Range;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;

/**
 * Applies a weight observer's clipping range by clipping the FP32 weights of each scale group
 * (tensor, channel, or channel and block) before the layer contract quantizes them by min/max.
 *
 * <p>Why clipping is the same as quantizing with the observer's range: the clipped group's min/max
 * is the (zero-widened) range itself whenever the range lies inside the data, which the observers
 * guarantee; a weight beyond the range saturates either way, since {@code range / s} rounds to the
 * type's limit. A range wider than the data changes nothing.
 */
final class WeightClipping {
  private WeightClipping() {}

  static DenseWeights clip(DenseWeights weights, QuantizedDenseConfig config, ObserverKind kind) {
    if (kind == ObserverKind.MIN_MAX) {
      return weights; // the layer contract already quantizes by min/max
    }
    int in = weights.in();
    int out = weights.out();
    float[] w = weights.weights();
    Scheme scheme = config.symmetric() ? Scheme.SYMMETRIC : Scheme.ASYMMETRIC;
    int size = config.groupSize(in);
    int groups = config.perChannel() ? config.groups(in) : 1;
    int rows = config.perChannel() ? 1 : out;
    int width = config.perChannel() ? size : in;
    float[] group = new float[rows * width];
    for (int c0 = 0; c0 < out; c0 += rows) {
      for (int g = 0; g < groups; g++) {
        int i0 = g * width;
        int i1 = Math.min(in, i0 + width);
        int n = 0;
        for (int c = c0; c < c0 + rows; c++) {
          for (int i = i0; i < i1; i++) {
            group[n++] = w[c * in + i];
          }
        }
        Observer observer = kind.newObserver(config.weightType(), scheme);
        observer.observe(group, 0, n);
        Range range = observer.range();
        float lo = Math.min(range.lo(), 0.0f);
        float hi = Math.max(range.hi(), 0.0f);
        if (config.symmetric()) {
          hi = Math.max(-lo, hi);
          lo = -hi;
        }
        for (int c = c0; c < c0 + rows; c++) {
          for (int i = i0; i < i1; i++) {
            w[c * in + i] = Math.max(lo, Math.min(hi, w[c * in + i]));
          }
        }
      }
    }
    return DenseWeights.of(in, out, w, weights.bias());
  }
}
