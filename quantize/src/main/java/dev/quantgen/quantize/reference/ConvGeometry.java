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

  int kernelSize() {
    return product(kernel);
  }

  int outputSize() {
    return product(output);
  }

  private static int product(int[] dims) {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }
}
