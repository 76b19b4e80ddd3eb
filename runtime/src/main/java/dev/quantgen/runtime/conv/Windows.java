package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Shape;

/**
 * Visits the pooling windows of an NCHW tensor, listing the flat indices of the cells each covers.
 */
final class Windows {
  /**
   * Receives one window: the flat output index and the first {@code count} entries of {@code
   * cells}.
   */
  interface Visitor {
    void visit(int outIndex, int[] cells, int count);
  }

  private Windows() {}

  /**
   * Calls {@code visitor} once per output cell, in row-major output order, with the in-bounds input
   * cells of its window (padded cells are left out; {@code count} is the number that remain).
   *
   * @throws IllegalArgumentException if some window covers only padding, which ONNX leaves
   *     undefined
   */
  static void forEach(Window2d window, Shape input, Visitor visitor) {
    int[] d = Nchw.require("x", input);
    int inH = d[2];
    int inW = d[3];
    WindowGeometry g = window.resolve(inH, inW);
    int[] cells = new int[window.kernelHeight() * window.kernelWidth()];
    int o = 0;
    for (int plane = 0; plane < d[0] * d[1]; plane++) {
      int base = plane * inH * inW;
      for (int oy = 0; oy < g.outHeight(); oy++) {
        for (int ox = 0; ox < g.outWidth(); ox++) {
          int count = 0;
          for (int ky = 0; ky < window.kernelHeight(); ky++) {
            int iy = oy * window.strideHeight() + ky * window.dilationHeight() - g.padTop();
            for (int kx = 0; kx < window.kernelWidth(); kx++) {
              int ix = ox * window.strideWidth() + kx * window.dilationWidth() - g.padLeft();
              if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
                cells[count++] = base + iy * inW + ix;
              }
            }
          }
          if (count == 0) {
            throw new IllegalArgumentException(
                "window "
                    + window
                    + " at output ("
                    + oy
                    + ", "
                    + ox
                    + ") covers only padding for input "
                    + input
                    + ": expected pads smaller than the kernel");
          }
          visitor.visit(o++, cells, count);
        }
      }
    }
  }
}
