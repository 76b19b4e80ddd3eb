package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * The runtime kernel of a weight-only INT8 or INT4 layer: float activations times {@code qw - zw}
 * summed in float32 per scale group, then scaled. Within the reassociation bound of {@link Dot}
 * of {@code DenseReference.quantized(p, x, y)}.
 */
final class WeightOnlyKernel extends ChannelKernel<float[]> {
  private final boolean int4;
  private final int rowBytes;
  private final byte[] weights;
  private final float[] scales;
  private final int[] zeroPoints;
  private final int groupSize;
  private final int groups;
  private final boolean perChannel;

  WeightOnlyKernel(QuantizedDenseParams p) {
    super(p.in(), p.out(), p.bias(), p.config().activation());
    int4 = p.config().weightType() == QuantType.INT4;
    rowBytes = p.config().rowBytes(in);
    weights = p.weights();
    scales = p.scales();
    zeroPoints = p.zeroPoints();
    groupSize = p.config().groupSize(in);
    groups = p.config().groups(in);
    perChannel = p.config().perChannel();
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
      int k = perChannel ? c * groups + g : 0;
      float acc = int4 ? Dot.weightOnly4(weights, c * rowBytes, zeroPoints[k], x, i0, i1)
          : Dot.weightOnly8(weights, c * in, zeroPoints[k], x, i0, i1);
      float term = acc * scales[k];
      sum = g == 0 ? term : sum + term;
    }
    return sum;
  }
}
