package dev.quantgen.runtime.conv;

import java.util.Objects;

/**
 * The sliding window of a 2-D convolution or pooling layer: kernel size, strides, dilations and
 * padding, each for height then width. Immutable; the with-methods return modified copies.
 *
 * <p>Per axis, the dilated kernel reaches {@code extent = dilation * (kernel - 1) + 1} cells and
 * the output size is {@code floor((in + padBegin + padEnd - extent) / stride) + 1} (ONNX, with
 * {@code ceil_mode = 0}). {@link PadMode#SAME_UPPER} and {@link PadMode#SAME_LOWER} choose the pads
 * so the output size is {@code ceil(in / stride)}, as ONNX {@code auto_pad} does.
 *
 * <p>Overflow cannot happen by construction: {@link #resolve} computes extent, padding and output
 * size in {@code long} (each factor is below 2^31, so no product reaches 2^63) and accepts only a
 * padded input {@code in + padBegin + padEnd} of at most {@code 2^31 - 1} cells holding the whole
 * dilated kernel. Every tap coordinate {@code o * stride + k * dilation - padBegin} of every window
 * then lies in {@code [-padBegin, in + padEnd)}, so the int index arithmetic of the layers that use
 * a {@link WindowGeometry} cannot wrap. The kernel has at most {@code 2^31 - 9} cells, so one
 * window's cells fit an array.
 */
public record Window2d(
    int kernelHeight,
    int kernelWidth,
    int strideHeight,
    int strideWidth,
    int dilationHeight,
    int dilationWidth,
    PadMode padMode,
    int padTop,
    int padLeft,
    int padBottom,
    int padRight) {

  /** Checks every value. */
  public Window2d {
    Objects.requireNonNull(padMode, "padMode");
    positive("kernelHeight", kernelHeight);
    positive("kernelWidth", kernelWidth);
    positive("strideHeight", strideHeight);
    positive("strideWidth", strideWidth);
    positive("dilationHeight", dilationHeight);
    positive("dilationWidth", dilationWidth);
    nonNegative("padTop", padTop);
    nonNegative("padLeft", padLeft);
    nonNegative("padBottom", padBottom);
    nonNegative("padRight", padRight);
    if ((long) kernelHeight * kernelWidth > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "kernel "
              + kernelHeight
              + " x "
              + kernelWidth
              + ": more than 2^31 - 9"
              + " cells, expected a window whose cells fit an array");
    }
    if (padMode != PadMode.EXPLICIT && (padTop | padLeft | padBottom | padRight) != 0) {
      throw new IllegalArgumentException(
          "pads ["
              + padTop
              + ", "
              + padLeft
              + ", "
              + padBottom
              + ", "
              + padRight
              + "] given with padMode "
              + padMode
              + ": expected explicit pads only with padMode EXPLICIT");
    }
  }

  /** A {@code kernelHeight x kernelWidth} window: stride 1, dilation 1, no padding. */
  public static Window2d of(int kernelHeight, int kernelWidth) {
    return new Window2d(kernelHeight, kernelWidth, 1, 1, 1, 1, PadMode.EXPLICIT, 0, 0, 0, 0);
  }

  public Window2d withStrides(int height, int width) {
    return new Window2d(
        kernelHeight,
        kernelWidth,
        height,
        width,
        dilationHeight,
        dilationWidth,
        padMode,
        padTop,
        padLeft,
        padBottom,
        padRight);
  }

  public Window2d withDilations(int height, int width) {
    return new Window2d(
        kernelHeight,
        kernelWidth,
        strideHeight,
        strideWidth,
        height,
        width,
        padMode,
        padTop,
        padLeft,
        padBottom,
        padRight);
  }

  /** Explicit pads in ONNX order: top, left, bottom, right. */
  public Window2d withPads(int top, int left, int bottom, int right) {
    return new Window2d(
        kernelHeight,
        kernelWidth,
        strideHeight,
        strideWidth,
        dilationHeight,
        dilationWidth,
        PadMode.EXPLICIT,
        top,
        left,
        bottom,
        right);
  }

  /**
   * Computed padding ({@link PadMode#SAME_UPPER} or {@link PadMode#SAME_LOWER}), or back to none.
   */
  public Window2d withPadMode(PadMode mode) {
    return new Window2d(
        kernelHeight,
        kernelWidth,
        strideHeight,
        strideWidth,
        dilationHeight,
        dilationWidth,
        mode,
        0,
        0,
        0,
        0);
  }

  /**
   * Fixes padding and output size for an input of {@code inHeight x inWidth}.
   *
   * @throws IllegalArgumentException if a size is not positive or the padded input is smaller than
   *     the dilated kernel
   */
  public WindowGeometry resolve(int inHeight, int inWidth) {
    positive("inHeight", inHeight);
    positive("inWidth", inWidth);
    int[] h =
        axis("height", inHeight, kernelHeight, strideHeight, dilationHeight, padTop, padBottom);
    int[] w = axis("width", inWidth, kernelWidth, strideWidth, dilationWidth, padLeft, padRight);
    return new WindowGeometry(inHeight, inWidth, h[0], w[0], h[1], w[1]);
  }

  /**
   * {output size, pad at the beginning} of one axis, computed in long: {@code in}, the pads, the
   * stride, the dilation and the kernel are each below 2^31, so no intermediate value reaches 2^63.
   */
  private int[] axis(
      String name, int in, int kernel, int stride, int dilation, int begin, int end) {
    long extent = extent(kernel, dilation);
    long padBegin = begin;
    long padEnd = end;
    if (padMode != PadMode.EXPLICIT) {
      long target = ((long) in + stride - 1) / stride;
      long total = Math.max(0, (target - 1) * stride + extent - in);
      padBegin = padMode == PadMode.SAME_UPPER ? total / 2 : total - total / 2;
      padEnd = total - padBegin;
    }
    long padded = in + padBegin + padEnd;
    if (padded > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          name
              + " "
              + in
              + " with pads "
              + padBegin
              + "+"
              + padEnd
              + " is "
              + padded
              + " cells: expected a padded size of at most 2^31 - 1 (dilated kernel extent "
              + extent
              + ")");
    }
    if (padded < extent) {
      throw new IllegalArgumentException(
          name
              + " "
              + in
              + " with pads "
              + padBegin
              + "+"
              + padEnd
              + " is smaller than the dilated kernel extent "
              + extent
              + ": expected at least one output position");
    }
    return new int[] {(int) ((padded - extent) / stride + 1), (int) padBegin};
  }

  /**
   * The cells a dilated kernel reaches, {@code dilation * (kernel - 1) + 1}: below 2^62, exact in
   * long.
   */
  public static long extent(int kernel, int dilation) {
    return (long) dilation * (kernel - 1) + 1;
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(name + ": expected a value >= 1, got " + v);
    }
  }

  private static void nonNegative(String name, int v) {
    if (v < 0) {
      throw new IllegalArgumentException(name + ": expected a value >= 0, got " + v);
    }
  }
}
