package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Shape;

/**
 * The plain int32 convolution sum of the references with integer accumulators: for every output,
 * {@code sum over c in group(m), ky, kx of x[n, c, iy, ix] * w[m, c, ky, kx]} with padded cells
 * contributing nothing. Inputs are already centred ({@code q - zero point}), so "nothing" is the
 * zero point, as ONNX {@code ConvInteger} pads. Written output by output, as straight from the
 * definition as possible; integer sums do not depend on the order.
 */
final class IntegerTaps {
  private IntegerTaps() {}

  /**
   * {@code [N, M, outH, outW]} int32 sums, row-major, for centred {@code x} of shape {@code
   * xShape}.
   */
  static int[] accumulate(
      int[] x, Shape xShape, int[] w, int outChannels, int groups, Window2d window) {
    int batch = xShape.dim(0);
    int channels = xShape.dim(1);
    int inH = xShape.dim(2);
    int inW = xShape.dim(3);
    int cpg = channels / groups;
    int mpg = outChannels / groups;
    WindowGeometry g = window.resolve(inH, inW);
    int kh = window.kernelHeight();
    int kw = window.kernelWidth();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int[] acc = new int[batch * outChannels * outH * outW];
    int i = 0;
    for (int n = 0; n < batch; n++) {
      for (int m = 0; m < outChannels; m++) {
        int firstChannel = m / mpg * cpg;
        for (int oy = 0; oy < outH; oy++) {
          for (int ox = 0; ox < outW; ox++) {
            int sum = 0;
            for (int c = 0; c < cpg; c++) {
              for (int ky = 0; ky < kh; ky++) {
                int iy = oy * window.strideHeight() + ky * window.dilationHeight() - g.padTop();
                for (int kx = 0; kx < kw; kx++) {
                  int ix = ox * window.strideWidth() + kx * window.dilationWidth() - g.padLeft();
                  if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                    sum +=
                        x[((n * channels + firstChannel + c) * inH + iy) * inW + ix]
                            * w[((m * cpg + c) * kh + ky) * kw + kx];
                  }
                }
              }
            }
            acc[i++] = sum;
          }
        }
      }
    }
    return acc;
  }
}
