package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Half;
import dev.quantgen.runtime.numerics.Shape;

/**
 * The FP16 reference convolution: weights rounded once to IEEE binary16 (round to nearest even,
 * {@link Half}), decoded exactly and run as {@link Conv2d} (float32 sums in the order c, ky, kx,
 * then the float32 bias, then the activation). The bias stays float32, as in the FP16 dense layer.
 * A generated FP16 kernel that decodes each weight and keeps this order equals it bit for bit.
 * Immutable and thread-safe.
 */
public final class Fp16Conv2d {
  private final short[] halfWeights;
  private final Shape weightShape;
  private final Conv2d decoded;

  private Fp16Conv2d(short[] halfWeights, Shape weightShape, Conv2d decoded) {
    this.halfWeights = halfWeights;
    this.weightShape = weightShape;
    this.decoded = decoded;
  }

  /**
   * Rounds {@code weights} to binary16.
   *
   * @param weights {@code [M, C / groups, kh, kw]}
   * @param bias null for none, else {@code [M]} (kept in float32)
   * @throws IllegalArgumentException naming the argument whose shape does not fit, as {@link
   *     Conv2d}, or a weight beyond the binary16 range (it would round to infinity)
   */
  public static Fp16Conv2d of(
      FloatTensor weights, FloatTensor bias, Window2d window, int groups, Activation activation) {
    float[] w = weights.toArray();
    short[] half = new short[w.length];
    float[] back = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      half[i] = Half.fromFinite(w[i], "weights[" + i + "] (flat, [M, C / groups, kh, kw])");
      back[i] = Half.toFloat(half[i]);
    }
    return new Fp16Conv2d(
        half,
        weights.shape(),
        new Conv2d(FloatTensor.of(weights.shape(), back), bias, window, groups, activation));
  }

  /** The binary16 bits of the weights, {@code [M, C / groups, kh, kw]} row-major (a copy). */
  public short[] halfWeights() {
    return halfWeights.clone();
  }

  /** The weights as the kernel multiplies them: each binary16 value decoded to float32. */
  public FloatTensor decodedWeights() {
    float[] w = new float[halfWeights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Half.toFloat(halfWeights[i]);
    }
    return FloatTensor.of(weightShape, w);
  }

  /** The output shape for an input of shape {@code [N, C, H, W]}. */
  public Shape outputShape(Shape input) {
    return decoded.outputShape(input);
  }

  /** Runs the convolution: {@code [N, C, H, W]} in, {@code [N, M, outH, outW]} out. */
  public FloatTensor apply(FloatTensor x) {
    return decoded.apply(x);
  }
}
