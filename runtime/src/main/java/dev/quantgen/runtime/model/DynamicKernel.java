package dev.quantgen.runtime.model;

import dev.quantgen.runtime.kernel.KernelSupport;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.layer.QuantizedDenseParams;

/**
 * The runtime kernel of an INT8 or INT4 layer with DYNAMIC activations: each call quantizes its
 * input to uint8 as ONNX DynamicQuantizeLinear does, accumulates exactly in int32 per scale group
 * and scales to float. Bit-exact against {@code DenseReference.quantized(p, x, y)}: the integers
 * are exact and the float steps are the reference's, in its order.
 *
 * <p>The integer products are {@link ChannelKernel#SUPPORT}'s int8 ones: the uint8 input is held
 * shifted by 128 as int8 ({@code qa - 128}, one array per scale group), so {@code sum qa qw = sum
 * (qa - 128) qw + 128 sum(qw)}, exact in int32 like every other term.
 */
final class DynamicKernel extends GroupedWeightKernel<DynamicKernel.Input> {
  private final boolean anyWeightZero;
  private final int[] weightSums; // sum(qw) per (channel, group), channel-major
  private final ThreadLocal<Input> scratch;

  DynamicKernel(QuantizedDenseParams p) {
    super(p);
    boolean any = false;
    for (int z : zeroPoints) {
      any |= z != 0;
    }
    anyWeightZero = any;
    weightSums = new int[out * groups];
    for (int c = 0; c < out; c++) {
      for (int g = 0; g < groups; g++) {
        weightSums[c * groups + g] = p.weightSum(c, g);
      }
    }
    scratch = ThreadLocal.withInitial(() -> new Input(in, groupSize, groups, int4));
  }

  /**
   * One call's input quantized to uint8 and held per scale group as {@code qa - 128} in int8 (INT4:
   * also split into even and odd elements), its scale and zero point, and each group's {@code sum
   * qa}.
   */
  static final class Input {
    final byte[][] shifted;
    final byte[][] even;
    final byte[][] odd;
    final int[] groupSums;
    float scale;
    int zeroPoint;

    Input(int in, int groupSize, int groups, boolean int4) {
      shifted = new byte[groups][];
      even = new byte[groups][];
      odd = new byte[groups][];
      for (int g = 0; g < groups; g++) {
        int length = Math.min(in, (g + 1) * groupSize) - g * groupSize;
        shifted[g] = new byte[length];
        if (int4) {
          even[g] = new byte[(length + 1) / 2];
          odd[g] = new byte[(length + 1) / 2];
        }
      }
      groupSums = new int[groups];
    }
  }

  @Override
  Input prepare(float[] x) {
    // The range widened to include 0; NaN and +-Inf never widen it (LayerMath.widenLow).
    float lo = 0.0f;
    float hi = 0.0f;
    for (float v : x) {
      lo = LayerMath.widenLow(lo, v);
      hi = LayerMath.widenHigh(hi, v);
    }
    float sa = LayerMath.dynamicScale(lo, hi);
    int za = LayerMath.dynamicZeroPoint(lo, sa);
    Input s = scratch.get();
    s.scale = sa;
    s.zeroPoint = za;
    for (int g = 0; g < groups; g++) {
      int i0 = g * groupSize;
      int i1 = Math.min(in, i0 + groupSize);
      byte[] q = s.shifted[g];
      int sum = 0;
      for (int i = i0; i < i1; i++) {
        int qa = LayerMath.quantize(x[i], sa, za, 0, 255);
        q[i - i0] = (byte) (qa - 128);
        sum += qa;
      }
      s.groupSums[g] = sum;
      if (int4) {
        KernelSupport.splitEvenOdd(q, i1 - i0, s.even[g], s.odd[g]);
      }
    }
    return s;
  }

  @Override
  float channel(Input s, int c) {
    int za = s.zeroPoint;
    float sum = 0.0f;
    for (int g = 0; g < groups; g++) {
      int i0 = g * groupSize;
      int i1 = Math.min(in, i0 + groupSize);
      int k = scaleIndex(c, g);
      int zw = zeroPoints[k];
      int n = i1 - i0;
      // Group starts are even (block sizes are even), so an INT4 group starts on a byte.
      int shiftedDot =
          int4
              ? SUPPORT.dotInt4(weights, c * rowBytes + (i0 >> 1), s.even[g], s.odd[g], (n + 1) / 2)
              : SUPPORT.dotInt8(weights, c * in + i0, s.shifted[g], n);
      // sum (qa - za)(qw - zw) = dot - zw * sum(qa) - za * sum(qw) + n * za * zw,
      // with dot = sum qa qw = shiftedDot + 128 * sum(qw)
      int acc =
          shiftedDot
              + (128 - za) * weightSums[c * groups + g]
              + n * za * zw
              - (anyWeightZero ? zw * s.groupSums[g] : 0);
      float term = acc * (s.scale * scales[k]);
      sum = g == 0 ? term : sum + term;
    }
    return sum;
  }
}
