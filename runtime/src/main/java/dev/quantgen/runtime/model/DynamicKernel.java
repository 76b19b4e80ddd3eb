package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.FusedActivation;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * The runtime kernel of an INT8 or INT4 layer with DYNAMIC activations: each call quantizes its
 * input to uint8 as ONNX DynamicQuantizeLinear does, accumulates exactly in int32 per scale group
 * and scales to float. Bit-exact against {@code DenseReference.quantized(p, x, y)}: the integers
 * are exact and the float steps are the reference's, in its order.
 */
final class DynamicKernel implements DenseLayer {
  private final int in;
  private final int out;
  private final boolean int4;
  private final int rowBytes;
  private final byte[] weights;
  private final float[] scales;
  private final int[] zeroPoints;
  private final boolean anyWeightZero;
  private final int[] weightSums; // sum(qw) per (channel, group), channel-major
  private final float[] bias;
  private final int groupSize;
  private final int groups;
  private final boolean perChannel;
  private final FusedActivation activation;
  private final ThreadLocal<Scratch> scratch;

  DynamicKernel(QuantizedDenseParams p) {
    in = p.in();
    out = p.out();
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
    bias = p.bias();
    activation = p.config().activation();
    scratch = ThreadLocal.withInitial(() -> new Scratch(in, groups));
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
  public void forward(float[] x, float[] y) {
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("y", y.length, out);
    // The range widened to include 0; NaN fails both comparisons, so it never widens it.
    float lo = 0.0f;
    float hi = 0.0f;
    for (float v : x) {
      if (v < lo) {
        lo = v;
      }
      if (v > hi) {
        hi = v;
      }
    }
    float sa = LayerMath.dynamicScale(lo, hi);
    int za = LayerMath.dynamicZeroPoint(lo, sa);
    Scratch s = scratch.get();
    int[] qa = s.qa;
    for (int i = 0; i < in; i++) {
      qa[i] = LayerMath.quantize(x[i], sa, za, 0, 255);
    }
    if (anyWeightZero) {
      for (int g = 0; g < groups; g++) {
        s.groupSums[g] = Dot.sum(qa, g * groupSize, Math.min(in, (g + 1) * groupSize));
      }
    }
    for (int c = 0; c < out; c++) {
      float sum = 0.0f;
      for (int g = 0; g < groups; g++) {
        int i0 = g * groupSize;
        int i1 = Math.min(in, i0 + groupSize);
        int k = perChannel ? c * groups + g : 0;
        int zw = zeroPoints[k];
        int dot = int4 ? Dot.int4(weights, c * rowBytes, qa, i0, i1) : Dot.int8(weights, c * in, qa, i0, i1);
        // sum (qa - za)(qw - zw) = dot - zw * sum(qa) - za * sum(qw) + n * za * zw
        int acc = dot - za * weightSums[c * groups + g] + (i1 - i0) * za * zw
            - (anyWeightZero ? zw * s.groupSums[g] : 0);
        float term = acc * (sa * scales[k]);
        sum = g == 0 ? term : sum + term;
      }
      y[c] = activation.apply(bias != null ? sum + bias[c] : sum);
    }
  }

  private static final class Scratch {
    final int[] qa;
    final int[] groupSums;

    Scratch(int in, int groups) {
      qa = new int[in];
      groupSums = new int[groups];
    }
  }
}
