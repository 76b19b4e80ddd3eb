package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.numerics.Activation;

/**
 * The portable float convolution, for JVMs without the Vector API: the direct loop of {@link
 * Conv2d} with its per-tap output ranges computed once. Each tap is added to every output it
 * reaches along output rows (an inner loop C2 unrolls and, at stride 1, vectorizes), so each output
 * sums its products in the order input channel, kernel row, kernel column, then adds the bias:
 * equal to {@link Conv2d} bit for bit. No per-call allocation (centred codes use a per-thread
 * buffer).
 */
final class ScalarFloatConv implements FloatConv {
  private final ConvGeometry g;
  private final float[] weights;
  private final float[] bias;
  private final Activation activation;
  private final int[] rowFirst;
  private final int[] rowEnd;
  private final int[] columnFirst;
  private final int[] columnEnd;

  /** Per thread: the centred codes of {@link #forwardCentred}. */
  private final ThreadLocal<float[]> centred;

  /** Per thread: the whole convolution output {@link #forwardMaxPool2} pools. */
  private final ThreadLocal<float[]> unpooled;

  ScalarFloatConv(ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    this.g = g;
    this.activation = java.util.Objects.requireNonNull(activation, "activation");
    int fanIn = g.channelsPerGroup() * g.taps();
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
    this.weights = weights.clone();
    this.bias = bias == null ? new float[g.outChannels()] : bias.clone();
    rowFirst = new int[g.kernelHeight()];
    rowEnd = new int[g.kernelHeight()];
    for (int ky = 0; ky < g.kernelHeight(); ky++) {
      int tap = ky * g.dilationHeight();
      rowFirst[ky] = OutputRange.first(tap, g.padTop(), g.strideHeight());
      rowEnd[ky] = OutputRange.end(tap, g.padTop(), g.strideHeight(), g.inHeight(), g.outHeight());
    }
    int inLength = g.inChannels() * g.inPlane();
    this.centred = ThreadLocal.withInitial(() -> new float[inLength]);
    int outLength = g.outChannels() * g.outPlane();
    this.unpooled = ThreadLocal.withInitial(() -> new float[outLength]);
    columnFirst = new int[g.kernelWidth()];
    columnEnd = new int[g.kernelWidth()];
    for (int kx = 0; kx < g.kernelWidth(); kx++) {
      int tap = kx * g.dilationWidth();
      columnFirst[kx] = OutputRange.first(tap, g.padLeft(), g.strideWidth());
      columnEnd[kx] = OutputRange.end(tap, g.padLeft(), g.strideWidth(), g.inWidth(), g.outWidth());
    }
  }

  @Override
  public String name() {
    return "scalar direct loop";
  }

  /** The convolution into a per-thread buffer, then the plain pool: the definition itself. */
  @Override
  public void forwardMaxPool2(float[] x, float[] y) {
    MaxPool2.requireOutput(g, y);
    float[] full = unpooled.get();
    forward(x, full);
    MaxPool2.pool(full, g.outChannels(), g.outHeight(), g.outWidth(), y);
  }

  @Override
  public void forwardCentredMaxPool2(byte[] q, int zeroPoint, float[] y) {
    MaxPool2.requireOutput(g, y);
    float[] full = unpooled.get();
    forwardCentred(q, zeroPoint, full);
    MaxPool2.pool(full, g.outChannels(), g.outHeight(), g.outWidth(), y);
  }

  @Override
  public void forwardCentred(byte[] q, int zeroPoint, float[] y) {
    float[] x = centred.get();
    if (q.length < x.length) {
      throw new IllegalArgumentException(
          "q: " + q.length + " codes, expected [C, H, W] = " + x.length);
    }
    for (int i = 0; i < x.length; i++) {
      x[i] = q[i] - zeroPoint;
    }
    forward(x, y);
  }

  @Override
  public void forward(float[] x, float[] y) {
    int inPlane = g.inPlane();
    int plane = g.outPlane();
    if (x.length < g.inChannels() * inPlane) {
      throw new IllegalArgumentException(
          "x: " + x.length + " values, expected [C, H, W] = " + g.inChannels() * inPlane);
    }
    if (y.length < g.outChannels() * plane) {
      throw new IllegalArgumentException(
          "y: " + y.length + " values, expected [M, OH, OW] = " + g.outChannels() * plane);
    }
    int cpg = g.channelsPerGroup();
    int mpg = g.outputsPerGroup();
    int kh = g.kernelHeight();
    int kw = g.kernelWidth();
    int inW = g.inWidth();
    int outW = g.outWidth();
    int sh = g.strideHeight();
    int sw = g.strideWidth();
    for (int m = 0; m < g.outChannels(); m++) {
      int yBase = m * plane;
      java.util.Arrays.fill(y, yBase, yBase + plane, 0.0f);
      int firstChannel = m / mpg * cpg;
      for (int c = 0; c < cpg; c++) {
        int xBase = (firstChannel + c) * inPlane;
        int wBase = (m * cpg + c) * kh * kw;
        for (int ky = 0; ky < kh; ky++) {
          int tapY = ky * g.dilationHeight() - g.padTop();
          for (int kx = 0; kx < kw; kx++) {
            float wv = weights[wBase + ky * kw + kx];
            int tapX = kx * g.dilationWidth() - g.padLeft();
            int first = columnFirst[kx];
            int end = columnEnd[kx];
            for (int oy = rowFirst[ky]; oy < rowEnd[ky]; oy++) {
              int xRow = xBase + (oy * sh + tapY) * inW + tapX;
              int yRow = yBase + oy * outW;
              for (int ox = first; ox < end; ox++) {
                y[yRow + ox] += x[xRow + ox * sw] * wv;
              }
            }
          }
        }
      }
      float b = bias[m];
      for (int i = yBase; i < yBase + plane; i++) {
        y[i] = activation.apply(y[i] + b);
      }
    }
  }
}
