package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Activation;

/**
 * The activation an ONNX Clip with constant bounds fuses into the layer before it: {@code [0, 6]}
 * is ReLU6, {@code [0, inf)} ReLU, no bounds the identity, any other pair {@link Activation#clip}.
 * GraphLowering and QdqImporter share it, so both read a Clip alike.
 */
final class ClipActivation {
  private ClipActivation() {}

  /**
   * The activation of {@code node} clipping to {@code [lo, hi]} (an absent bound is infinite).
   *
   * @throws UnsupportedOperatorException naming the node if a bound is NaN or {@code lo >= hi}
   *     (ONNX then outputs {@code hi} everywhere, which no layer should be asked to compute)
   */
  static Activation of(OnnxNode node, float lo, float hi) {
    if (Float.isNaN(lo) || Float.isNaN(hi) || !(lo < hi)) {
      throw new UnsupportedOperatorException(
          "node "
              + node.describe()
              + ": clips to ["
              + lo
              + ", "
              + hi
              + "]: expected numbers with min < max");
    }
    if (lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) {
      return Activation.NONE;
    }
    if (lo == 0f && hi == 6f) {
      return Activation.RELU6;
    }
    if (lo == 0f && hi == Float.POSITIVE_INFINITY) {
      return Activation.RELU;
    }
    return Activation.clip(lo, hi);
  }
}
