package dev.quantgen.runtime.conv;

/**
 * Every size of one convolution, fixed: what a blocked kernel needs to precompute its tables once.
 * Built from the layer's annotation constants (generated kernels) or from a {@link Window2d} and an
 * input size.
 *
 * @param inChannels {@code C}
 * @param inHeight input rows
 * @param inWidth input columns
 * @param outChannels {@code M}
 * @param groups a divisor of both {@code C} and {@code M}
 * @param kernelHeight kernel rows
 * @param kernelWidth kernel columns
 * @param strideHeight vertical stride
 * @param strideWidth horizontal stride
 * @param dilationHeight vertical dilation
 * @param dilationWidth horizontal dilation
 * @param padTop padding rows above the input
 * @param padLeft padding columns left of the input
 * @param outHeight output rows
 * @param outWidth output columns
 */
public record ConvGeometry(
    int inChannels,
    int inHeight,
    int inWidth,
    int outChannels,
    int groups,
    int kernelHeight,
    int kernelWidth,
    int strideHeight,
    int strideWidth,
    int dilationHeight,
    int dilationWidth,
    int padTop,
    int padLeft,
    int outHeight,
    int outWidth) {

  /** Checks that every size is positive and the groups divide the channels. */
  public ConvGeometry {
    int[] positive = {
      inChannels,
      inHeight,
      inWidth,
      outChannels,
      groups,
      kernelHeight,
      kernelWidth,
      strideHeight,
      strideWidth,
      dilationHeight,
      dilationWidth,
      outHeight,
      outWidth
    };
    for (int v : positive) {
      if (v < 1) {
        throw new IllegalArgumentException(
            "convolution geometry: expected positive sizes, got "
                + describe(inChannels, inHeight, inWidth, outChannels, groups));
      }
    }
    if (padTop < 0 || padLeft < 0) {
      throw new IllegalArgumentException(
          "convolution geometry: pads " + padTop + ", " + padLeft + ", expected >= 0");
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new IllegalArgumentException(
          "convolution geometry: groups "
              + groups
              + " must divide the "
              + inChannels
              + " input and "
              + outChannels
              + " output channels");
    }
  }

  /** The geometry of {@code window} over a {@code [c, h, w]} input with {@code m} outputs. */
  public static ConvGeometry of(int c, int h, int w, int m, int groups, Window2d window) {
    WindowGeometry g = window.resolve(h, w);
    return new ConvGeometry(
        c,
        h,
        w,
        m,
        groups,
        window.kernelHeight(),
        window.kernelWidth(),
        window.strideHeight(),
        window.strideWidth(),
        window.dilationHeight(),
        window.dilationWidth(),
        g.padTop(),
        g.padLeft(),
        g.outHeight(),
        g.outWidth());
  }

  /** Input channels per group. */
  public int channelsPerGroup() {
    return inChannels / groups;
  }

  /** Output channels per group. */
  public int outputsPerGroup() {
    return outChannels / groups;
  }

  /** Kernel taps per channel: {@code kh * kw}. */
  public int taps() {
    return kernelHeight * kernelWidth;
  }

  /** Output cells per channel. */
  public int outPlane() {
    return outHeight * outWidth;
  }

  /** Input cells per channel. */
  public int inPlane() {
    return inHeight * inWidth;
  }

  /** Multiply-adds of one sample. */
  public long macs() {
    return (long) outChannels * outPlane() * channelsPerGroup() * taps();
  }

  /** Rows of the zero-padded input: enough for every tap of every output row. */
  int paddedHeight() {
    return Math.max(
        padTop + inHeight,
        (outHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1);
  }

  /** Columns of the zero-padded input. */
  int paddedWidth() {
    return Math.max(
        padLeft + inWidth, (outWidth - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1);
  }

  private static String describe(int c, int h, int w, int m, int groups) {
    return "[" + c + ", " + h + ", " + w + "] -> " + m + " channels, " + groups + " group(s)";
  }
}
