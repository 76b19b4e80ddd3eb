package dev.quantgen.runtime.conv;

/**
 * For one kernel tap along one axis, the output positions whose input cell {@code o * stride + tap
 * - pad} lies inside {@code [0, in)}: {@code [first, end)}. Lets the convolution loops skip padding
 * with no test per multiply.
 */
final class OutputRange {
  private OutputRange() {}

  /** The first output position reading a real cell, for a tap at input offset {@code tap}. */
  static int first(int tap, int pad, int stride) {
    return Math.max(0, -Math.floorDiv(tap - pad, stride)); // ceil((pad - tap) / stride), at least 0
  }

  /** One past the last output position reading a real cell (may be <= first: no position). */
  static int end(int tap, int pad, int stride, int in, int out) {
    return Math.min(out, Math.floorDiv(in - 1 + pad - tap, stride) + 1);
  }
}
