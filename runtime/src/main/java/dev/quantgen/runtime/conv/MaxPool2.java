package dev.quantgen.runtime.conv;

/**
 * The 2x2 max pool of stride 2 without padding that {@link FloatConv#forwardMaxPool2} fuses into a
 * convolution: its output size, and the plain pass over a whole convolution output that the
 * portable kernel runs (each window scanned row by row from its top-left cell, as {@link
 * MaxPool2d}).
 */
final class MaxPool2 {
  private MaxPool2() {}

  /** Pooled rows or columns of {@code n} convolution rows or columns (floor). */
  static int pooled(int n) {
    return n / 2;
  }

  /** Checks that {@code y} holds the pooled output of {@code g}. */
  static void requireOutput(ConvGeometry g, float[] y) {
    int need = g.outChannels() * pooled(g.outHeight()) * pooled(g.outWidth());
    if (y.length < need) {
      throw new IllegalArgumentException(
          "y: " + y.length + " values, expected [M, OH / 2, OW / 2] = " + need);
    }
  }

  /** Pools {@code full [channels, h, w]} into {@code y [channels, h / 2, w / 2]}. */
  static void pool(float[] full, int channels, int h, int w, float[] y) {
    int ph = pooled(h);
    int pw = pooled(w);
    for (int c = 0, out = 0; c < channels; c++) {
      for (int py = 0; py < ph; py++) {
        int at = c * h * w + 2 * py * w;
        for (int px = 0; px < pw; px++, out++, at += 2) {
          float v = full[at];
          v = Math.max(v, full[at + 1]);
          v = Math.max(v, full[at + w]);
          y[out] = Math.max(v, full[at + w + 1]);
        }
      }
    }
  }
}
