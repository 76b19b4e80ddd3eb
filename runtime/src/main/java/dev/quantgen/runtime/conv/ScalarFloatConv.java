package dev.quantgen.runtime.conv;

/**
 * The portable blocked float convolution: the same packed weights and padded channels-last input as
 * the Vector API kernel, one output position at a time, each output summing its products in the
 * order kernel row, kernel column, input channel (float32 multiply then add), then the bias.
 */
final class ScalarFloatConv implements FloatConv {
  /** Output channels per block: small, since nothing here is vector-wide. */
  static final int BLOCK = 8;

  private final FloatConvPlan plan;
  private final ThreadLocal<float[][]> scratch;

  ScalarFloatConv(ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    this.plan = new FloatConvPlan(g, weights, bias, activation, BLOCK);
    this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[plan.paddedLength], new float[BLOCK]});
  }

  @Override
  public String name() {
    return "scalar " + BLOCK + " channels x 1 pixel";
  }

  @Override
  public void forward(float[] x, float[] y) {
    FloatConvPlan p = plan;
    p.requireOutput(y);
    float[][] s = scratch.get();
    float[] xp = s[0];
    float[] acc = s[1];
    p.pad(x, xp);
    int block = p.block;
    int cpg = p.cpg;
    for (int group = 0; group < p.g.groups(); group++) {
      int channelOffset = group * cpg;
      for (int b = 0; b < p.blocks; b++) {
        int panel = group * p.blocks + b;
        int live = p.live(b);
        int firstOut = group * p.mpg + b * block;
        for (int pixel = 0; pixel < p.plane; pixel++) {
          java.util.Arrays.fill(acc, 0.0f);
          int base = p.pixelOffsets[pixel] + channelOffset;
          for (int t = 0; t < p.taps; t++) {
            int xt = base + p.tapOffsets[t];
            int wt = (panel * p.taps + t) * cpg * block;
            for (int c = 0; c < cpg; c++) {
              float v = xp[xt + c];
              int w = wt + c * block;
              for (int j = 0; j < block; j++) {
                acc[j] += v * p.weights[w + j];
              }
            }
          }
          for (int j = 0; j < live; j++) {
            y[(firstOut + j) * p.plane + pixel] = p.activation.apply(acc[j] + p.bias[panel * block + j]);
          }
        }
      }
    }
  }
}
