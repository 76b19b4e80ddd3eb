package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.QuantType;

/**
 * What the float-output INT8 and INT4 fallback kernels (dynamic and weight-only activations) share
 * on top of {@link ChannelKernel}: the prepared weights as rows of bytes (INT4: two codes a byte)
 * and their scales and zero points per scale group of a row.
 *
 * @param <P> what {@link #prepare} makes of one input
 */
abstract class GroupedWeightKernel<P> extends ChannelKernel<P> {
  final boolean int4;

  /** Bytes per weight row: {@code in} for INT8, {@code ceil(in / 2)} for INT4. */
  final int rowBytes;

  final byte[] weights;
  final float[] scales;
  final int[] zeroPoints;

  /** Weights per scale group of a row (the last group may be shorter). */
  final int groupSize;

  /** Scale groups per row. */
  final int groups;

  /** Whether every row has its own groups' scales, rather than one scale for the tensor. */
  final boolean perChannel;

  GroupedWeightKernel(QuantizedDenseParams p) {
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

  /** The index into {@link #scales} and {@link #zeroPoints} of group {@code g} of row {@code c}. */
  final int scaleIndex(int c, int g) {
    return perChannel ? c * groups + g : 0;
  }
}
