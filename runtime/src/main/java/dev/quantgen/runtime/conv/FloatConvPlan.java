package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Activation;

/**
 * The tables a blocked float convolution computes once per layer, shared by the scalar and the
 * Vector API microkernels.
 *
 * <p><b>Activations</b> are copied per call into a zero-padded planar buffer {@code [C][PH][PW]}
 * (one per thread, allocated once; its border is never written, so it stays 0 and no tap needs a
 * bounds test). Planar, the copy is one contiguous row per input row (a channels-last buffer made
 * it a transposition, which profiled as costly as the small layers' products); the microkernel
 * reads its receptive field through {@link #fieldOffsets} either way.
 *
 * <p><b>Weights</b> are packed per group and per block of {@link #block} output channels into the
 * order the microkernel reads them, {@code [g][b][tap][c][block]}: for each tap and input channel,
 * one contiguous run of {@code block} weights (a whole number of vectors), zero past the group's
 * last channel so a partial block needs no mask.
 *
 * <p><b>Indirection</b>: {@link #pixelOffsets} gives each output position's top-left cell in the
 * padded buffer and {@link #tapOffsets} each tap's distance from it, so a tile of output positions
 * may span rows and strides and dilations cost nothing in the inner loop.
 */
final class FloatConvPlan {
  final ConvGeometry g;
  final Activation activation;

  /**
   * Output channels per packed block: a multiple of the vector length for the channel-blocked
   * tiles, the row tiles' channel count for theirs.
   */
  final int block;

  /** Blocks per group: {@code ceil(MPG / block)}. */
  final int blocks;

  final int taps;
  final int cpg;
  final int mpg;
  final int plane;
  final int paddedLength;

  /** Distance between the padded planes of consecutive channels: {@code PH * PW}. */
  final int channelStride;

  /** Distance between the first padded planes of consecutive groups: {@code CPG * PH * PW}. */
  final int groupStride;

  /** {@code [g][b][tap][c][block]}. */
  final float[] weights;

  /**
   * The same weights one array per panel ({@code [g * blocks + b]}, each {@code [tap][c][block]}):
   * a microkernel looping up to a panel's own length lets C2 prove every load in range.
   */
  final float[][] panels;

  /** {@code [g][b][block]}, 0 past the group's channels. */
  final float[] bias;

  final int[] pixelOffsets;
  final int[] tapOffsets;

  /** Windows of the fused 2x2 max pool ({@link FloatConv#forwardMaxPool2}): {@code OH/2 * OW/2}. */
  final int pooledPlane;

  /**
   * For each window of the fused 2x2 max pool, its four output positions' top-left cells (as {@link
   * #pixelOffsets}) in the order (0, 0), (0, 1), (1, 0), (1, 1); padded to a whole number of {@link
   * #POOL_WINDOWS} windows by repeating the last, so the last tile reads valid cells.
   */
  final int[] poolOffsets;

  /** Pool windows a microkernel may compute at once: {@link #poolOffsets} is padded for it. */
  static final int POOL_WINDOWS = 2;

  /**
   * The receptive field as one flat list, in the packed weights' order {@code (tap, c)}: entry
   * {@code tap * CPG + c} is {@code tapOffsets[tap] + c}, so a microkernel runs one loop over the
   * fan-in.
   */
  final int[] fieldOffsets;

  /**
   * The activation as a clamp {@code min(max(y, lowest), highest)}: {@code -inf, +inf} for none.
   */
  final float lowest;

  final float highest;
  private final int paddedWidth;

  /**
   * @param weights {@code [M, C / groups, kh, kw]} row-major
   * @param bias {@code [M]} or null
   */
  FloatConvPlan(ConvGeometry g, float[] weights, float[] bias, Activation activation, int block) {
    this(g, weights, bias, activation, block, 1);
  }

  /**
   * @param tile output positions a microkernel computes at once: {@link #pixelOffsets} is padded to
   *     a multiple of it by repeating the last position, so the last tile reads valid cells
   */
  FloatConvPlan(
      ConvGeometry g, float[] weights, float[] bias, Activation activation, int block, int tile) {
    this.g = g;
    this.activation = java.util.Objects.requireNonNull(activation, "activation");
    this.block = block;
    this.lowest = activation.lower();
    this.highest = activation.upper();
    this.taps = g.taps();
    this.cpg = g.channelsPerGroup();
    this.mpg = g.outputsPerGroup();
    this.plane = g.outPlane();
    this.blocks = (mpg + block - 1) / block;
    int fanIn = cpg * taps;
    if (weights.length != g.outChannels() * fanIn) {
      throw new IllegalArgumentException(
          "weights: "
              + weights.length
              + " values, expected M * C/groups * kh * kw = "
              + g.outChannels() * fanIn);
    }
    if (bias != null && bias.length != g.outChannels()) {
      throw new IllegalArgumentException(
          "bias: " + bias.length + " values, expected " + g.outChannels());
    }
    this.weights = new float[g.groups() * blocks * taps * cpg * block];
    this.bias = new float[g.groups() * blocks * block];
    for (int group = 0; group < g.groups(); group++) {
      for (int b = 0; b < blocks; b++) {
        int panel = group * blocks + b;
        for (int j = 0; j < block && b * block + j < mpg; j++) {
          int m = group * mpg + b * block + j;
          this.bias[panel * block + j] = bias == null ? 0.0f : bias[m];
          for (int c = 0; c < cpg; c++) {
            for (int t = 0; t < taps; t++) {
              this.weights[((panel * taps + t) * cpg + c) * block + j] =
                  weights[(m * cpg + c) * taps + t];
            }
          }
        }
      }
    }
    this.panels = new float[g.groups() * blocks][];
    for (int panel = 0; panel < panels.length; panel++) {
      int size = taps * cpg * block;
      panels[panel] = java.util.Arrays.copyOfRange(this.weights, panel * size, (panel + 1) * size);
    }
    int channels = g.inChannels();
    this.paddedWidth = g.paddedWidth();
    this.channelStride = g.paddedHeight() * paddedWidth;
    this.groupStride = cpg * channelStride;
    this.paddedLength = channelStride * channels;
    this.pixelOffsets = new int[(plane + tile - 1) / tile * tile];
    for (int oy = 0; oy < g.outHeight(); oy++) {
      for (int ox = 0; ox < g.outWidth(); ox++) {
        pixelOffsets[oy * g.outWidth() + ox] =
            oy * g.strideHeight() * paddedWidth + ox * g.strideWidth();
      }
    }
    this.tapOffsets = new int[taps];
    for (int ky = 0; ky < g.kernelHeight(); ky++) {
      for (int kx = 0; kx < g.kernelWidth(); kx++) {
        tapOffsets[ky * g.kernelWidth() + kx] =
            ky * g.dilationHeight() * paddedWidth + kx * g.dilationWidth();
      }
    }
    java.util.Arrays.fill(pixelOffsets, plane, pixelOffsets.length, pixelOffsets[plane - 1]);
    int ph = MaxPool2.pooled(g.outHeight());
    int pw = MaxPool2.pooled(g.outWidth());
    this.pooledPlane = ph * pw;
    int windows = (pooledPlane + POOL_WINDOWS - 1) / POOL_WINDOWS * POOL_WINDOWS;
    this.poolOffsets = new int[4 * windows];
    for (int window = 0; window < windows; window++) {
      int at = Math.min(window, pooledPlane - 1);
      int top = 2 * (at / pw) * g.outWidth() + 2 * (at % pw);
      poolOffsets[4 * window] = pixelOffsets[top];
      poolOffsets[4 * window + 1] = pixelOffsets[top + 1];
      poolOffsets[4 * window + 2] = pixelOffsets[top + g.outWidth()];
      poolOffsets[4 * window + 3] = pixelOffsets[top + g.outWidth() + 1];
    }
    this.fieldOffsets = field(tapOffsets, cpg, channelStride);
  }

  private static int[] field(int[] tapOffsets, int cpg, int channelStride) {
    int[] field = new int[tapOffsets.length * cpg];
    for (int t = 0; t < tapOffsets.length; t++) {
      for (int c = 0; c < cpg; c++) {
        field[t * cpg + c] = tapOffsets[t] + c * channelStride;
      }
    }
    return field;
  }

  /**
   * Copies {@code x [C, H, W]} into the interior of {@code padded [C][PH][PW]} (the border stays
   * 0), row by row.
   */
  void pad(float[] x, float[] padded) {
    int h = g.inHeight();
    int w = g.inWidth();
    if (x.length < g.inChannels() * h * w) {
      throw new IllegalArgumentException(
          "x: " + x.length + " values, expected [C, H, W] = " + g.inChannels() * h * w);
    }
    for (int c = 0; c < g.inChannels(); c++) {
      for (int iy = 0; iy < h; iy++) {
        System.arraycopy(x, (c * h + iy) * w, padded, paddedRow(c, iy), w);
      }
    }
  }

  /** Where input row {@code iy} of channel {@code c} starts in the padded buffer. */
  int paddedRow(int c, int iy) {
    return c * channelStride + (iy + g.padTop()) * paddedWidth + g.padLeft();
  }

  /** Checks that {@code q} holds a whole {@code [C, H, W]} sample of codes. */
  void requireCodes(byte[] q) {
    if (q.length < g.inChannels() * g.inPlane()) {
      throw new IllegalArgumentException(
          "q: " + q.length + " codes, expected [C, H, W] = " + g.inChannels() * g.inPlane());
    }
  }

  /**
   * {@link #pad} of int8 codes centred on {@code zeroPoint}: {@code q[i] - zeroPoint} as floats
   * (exact), so a padded cell (0) is the real 0 a quantized convolution pads with.
   */
  void padCentred(byte[] q, int zeroPoint, float[] padded) {
    requireCodes(q);
    int h = g.inHeight();
    int w = g.inWidth();
    for (int c = 0; c < g.inChannels(); c++) {
      for (int iy = 0; iy < h; iy++) {
        int to = paddedRow(c, iy);
        int from = (c * h + iy) * w;
        for (int ix = 0; ix < w; ix++) {
          padded[to + ix] = q[from + ix] - zeroPoint;
        }
      }
    }
  }

  /** Checks the output length. */
  void requireOutput(float[] y) {
    if (y.length < g.outChannels() * plane) {
      throw new IllegalArgumentException(
          "y: " + y.length + " values, expected [M, OH, OW] = " + g.outChannels() * plane);
    }
  }

  /** Channels of block {@code b} of a group that exist (the last block may be partial). */
  int live(int b) {
    return Math.min(block, mpg - b * block);
  }
}
