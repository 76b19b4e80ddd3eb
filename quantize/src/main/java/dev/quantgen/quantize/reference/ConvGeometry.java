package dev.quantgen.quantize.reference;

/**
 * The resolved per-axis numbers of one convolution: kernel size, stride, dilation, padding at the
 * beginning of each spatial axis, and output size. Built by {@link ConvAttributes#resolve}; the
 * padding at the end only matters for the output size, which is already folded in.
 */
record ConvGeometry(int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] output) {
  int spatialRank() {
    return kernel.length;
  }

  /** Kernel cells, exact in long (saturating at {@link Long#MAX_VALUE} for absurd ranks). */
  long kernelSize() {
    return product(kernel);
  }

  /** Output positions per channel, exact in long (saturating at {@link Long#MAX_VALUE}). */
  long outputSize() {
    return product(output);
  }

  /**
   * {@code a * b} for non-negative factors, or {@link Long#MAX_VALUE} when it does not fit a long.
   */
  static long saturatedProduct(long a, long b) {
    long high = Math.multiplyHigh(a, b);
    long low = a * b;
    return high != 0 || low < 0 ? Long.MAX_VALUE : low;
  }

  private static long product(int[] dims) {
    long n = 1;
    for (int d : dims) {
      n = saturatedProduct(n, d);
    }
    return n;
  }
}
