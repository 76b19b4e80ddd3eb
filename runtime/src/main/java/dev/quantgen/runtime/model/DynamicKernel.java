package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * The runtime kernel of an INT8 or INT4 layer with DYNAMIC activations: each call quantizes its
 * input to uint8 as ONNX DynamicQuantizeLinear does, accumulates exactly in int32 per scale group
 * and scales to float. Bit-exact against {@code DenseReference.quantized(p, x, y)}: the integers
 * are exact and the float steps are the reference's, in its order.
 */
final class DynamicKernel extends ChannelKernel<DynamicKernel.Input> {
  private final boolean int4;
  private final int rowBytes;
  private final byte[] weights;
  private final float[] scales;
  private final int[] zeroPoints;
  private final boolean anyWeightZero;
  private final int[] weightSums; // sum(qw) per (channel, group), channel-major
  private final int groupSize;
  private final int groups;
  private final boolean perChannel;
  private final ThreadLocal<Input> scratch;

  DynamicKernel(QuantizedDenseParams p) {
    super(p.in(), p.out(), p.bias(), p.config().activation());
    int4 = p.config().weightType() == QuantType.INT4;
    rowBytes = p.config().rowBytes(in);
    weights = p.weights();
    scales = p.scales();
    zeroPoints = p.zeroPoints();
    boolean any = false;
    for (int z : zeroPoints) {
      any |= z != 0;
    }
    anyWeightZero = any;
    groupSize = p.config().groupSize(in);
    groups = p.config().groups(in);
    perChannel = p.config().perChannel();
    weightSums = new int[out * groups];
    for (int c = 0; c < out; c++) {
      for (int g = 0; g < groups; g++) {
        weightSums[c * groups + g] = p.weightSum(c, g);
      }
    }
    scratch = ThreadLocal.withInitial(() -> new Input(in, groups));
  }

  /** One call's input quantized to uint8 (held in ints), its scale and zero point, and group sums. */
  static final class Input {
    final int[] qa;
    final int[] groupSums;
    float scale;
    int zeroPoint;

    Input(int in, int groups) {
      qa = new int[in];
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
    int[] qa = s.qa;
    for (int i = 0; i < in; i++) {
      qa[i] = LayerMath.quantize(x[i], sa, za, 0, 255);
    }
    if (anyWeightZero) {
      for (int g = 0; g < groups; g++) {
        s.groupSums[g] = Dot.sum(qa, g * groupSize, Math.min(in, (g + 1) * groupSize));
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
      int k = perChannel ? c * groups + g : 0;
      int zw = zeroPoints[k];
      int dot = int4 ? Dot.int4(weights, c * rowBytes, s.qa, i0, i1) : Dot.int8(weights, c * in, s.qa, i0, i1);
      // sum (qa - za)(qw - zw) = dot - zw * sum(qa) - za * sum(qw) + n * za * zw
      int acc = dot - za * weightSums[c * groups + g] + (i1 - i0) * za * zw
          - (anyWeightZero ? zw * s.groupSums[g] : 0);
      float term = acc * (s.scale * scales[k]);
      sum = g == 0 ? term : sum + term;
    }
    return sum;
  }
}
