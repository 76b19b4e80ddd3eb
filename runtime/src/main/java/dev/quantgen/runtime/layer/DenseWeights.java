package dev.quantgen.runtime.layer;

import java.util.Arrays;

/**
 * The FP32 weights of a dense layer as trained: {@code weights} is {@code [out][in]} row-major
 * (PyTorch {@code Linear} layout: row {@code c} holds output channel {@code c}), {@code bias} has
 * {@code out} values or is {@code null} for a layer without bias. Immutable: arrays are copied in
 * and out.
 */
public final class DenseWeights {
  private final int in;
  private final int out;
  private final float[] weights;
  private final float[] bias;

  private DenseWeights(int in, int out, float[] weights, float[] bias) {
    this.in = in;
    this.out = out;
    this.weights = weights;
    this.bias = bias;
  }

  /**
   * @param bias {@code out} values, or {@code null} for no bias
   * @throws IllegalArgumentException for non-positive sizes, wrong lengths, or a NaN or infinite
   *     value (NaN is an error at weight import, docs/numerics.md#1-quantize-and-dequantize)
   */
  public static DenseWeights of(int in, int out, float[] weights, float[] bias) {
    if (in <= 0) {
      throw new IllegalArgumentException("in: expected a positive size, got " + in);
    }
    if (out <= 0) {
      throw new IllegalArgumentException("out: expected a positive size, got " + out);
    }
    if ((long) in * out != weights.length) {
      throw new IllegalArgumentException(
          "weights: expected length out * in = " + ((long) in * out) + ", got " + weights.length);
    }
    requireFinite("weights", weights);
    if (bias != null) {
      if (bias.length != out) {
        throw new IllegalArgumentException(
            "bias: expected length out = " + out + ", got " + bias.length);
      }
      requireFinite("bias", bias);
    }
    return new DenseWeights(in, out, weights.clone(), bias == null ? null : bias.clone());
  }

  private static void requireFinite(String name, float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(
            name + "[" + i + "]: expected a finite value, got " + values[i]);
      }
    }
  }

  /** Number of inputs. */
  public int in() {
    return in;
  }

  /** Number of outputs. */
  public int out() {
    return out;
  }

  /** A copy of the {@code [out][in]} row-major weights. */
  public float[] weights() {
    return weights.clone();
  }

  /** A copy of the bias, or {@code null} when the layer has none. */
  public float[] bias() {
    return bias == null ? null : bias.clone();
  }

  /** Whether the layer has a bias. */
  public boolean hasBias() {
    return bias != null;
  }

  /** The weight of output {@code c}, input {@code i}. */
  public float weight(int c, int i) {
    return weights[c * in + i];
  }

  /** The bias of output {@code c} (0 without bias). */
  public float bias(int c) {
    return bias == null ? 0.0f : bias[c];
  }

  /**
   * Checks that these weights fit a layer of the given shape.
   *
   * @throws IllegalArgumentException naming the layer and both shapes
   */
  public void requireShape(String layer, int expectedIn, int expectedOut, boolean expectBias) {
    if (in != expectedIn || out != expectedOut) {
      throw new IllegalArgumentException(
          "weights for "
              + layer
              + ": expected in = "
              + expectedIn
              + ", out = "
              + expectedOut
              + ", got in = "
              + in
              + ", out = "
              + out);
    }
    if (expectBias != (bias != null)) {
      throw new IllegalArgumentException(
          "weights for "
              + layer
              + ": expected "
              + (expectBias
                  ? "a bias of length " + expectedOut
                  : "no bias (the layer declares bias = false)")
              + ", got "
              + (bias == null ? "none" : "a bias"));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenseWeights other
        && in == other.in
        && out == other.out
        && Arrays.equals(weights, other.weights)
        && Arrays.equals(bias, other.bias);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(weights) + Arrays.hashCode(bias)) + in * 7 + out;
  }

  @Override
  public String toString() {
    return "DenseWeights[in=" + in + ", out=" + out + ", bias=" + (bias != null) + "]";
  }
}
