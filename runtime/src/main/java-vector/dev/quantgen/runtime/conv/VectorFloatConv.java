package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked float convolution on the Vector API: a register tile of {@value #PIXELS} output
 * positions times one or two vectors of output channels, every tap's weights loaded once per tile
 * and each input value broadcast once per tile. Per tap and input channel the tile does {@code
 * PIXELS * vectors} fused multiply-adds for {@code vectors} loads and {@code PIXELS} broadcasts.
 *
 * <p>The vector width is {@link VectorShapes#FLOATS} (the one width choice of every kernel;
 * {@code quantgen.vectorBits} forces 256 or 512), fixed when the JVM starts (a {@code static
 * final}, so C2 compiles every operation to one instruction). The epilogue adds the bias, applies
 * the activation on the vectors and writes the tile back to the {@code [M, OH, OW]} output.
 *
 * <p>Sums are reassociated against {@link Conv2d} (order kernel row, kernel column, input channel,
 * each step a fused multiply-add), so an output differs from the reference by at most {@code
 * 2 gamma(n) sum |w x|}, {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}, {@code n} the fan-in.
 */
final class VectorFloatConv implements FloatConv {
  private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
  private static final int L = S.length();
  /** Output positions per register tile. */
  static final int PIXELS = 6;

  private final FloatConvPlan plan;
  private final int vectors;
  private final ThreadLocal<float[][]> scratch;

  /**
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits, where
   *     the scalar kernel is the faster one
   */
  VectorFloatConv(ConvGeometry g, float[] weights, float[] bias, Activation activation) {
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException("preferred vector size is "
          + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits, need 256");
    }
    this.vectors = g.outputsPerGroup() > L ? 2 : 1;
    this.plan = new FloatConvPlan(g, weights, bias, activation, vectors * L);
    this.scratch = ThreadLocal.withInitial(() -> new float[][] {new float[plan.paddedLength],
        new float[PIXELS * plan.block]});
  }

  @Override
  public String name() {
    return "vector(" + S.vectorBitSize() + " bit) " + vectors + "x" + L + " channels x " + PIXELS + " pixels";
  }

  @Override
  public void forward(float[] x, float[] y) {
    FloatConvPlan p = plan;
    p.requireOutput(y);
    float[][] s = scratch.get();
    float[] xp = s[0];
    float[] tile = s[1];
    p.pad(x, xp);
    for (int group = 0; group < p.g.groups(); group++) {
      for (int b = 0; b < p.blocks; b++) {
        int pixel = 0;
        if (vectors == 2) {
          for (; pixel + PIXELS <= p.plane; pixel += PIXELS) {
            tile2x6(p, xp, group, b, pixel, tile);
            store(p, tile, group, b, pixel, PIXELS, y);
          }
          for (; pixel < p.plane; pixel++) {
            tile2x1(p, xp, group, b, pixel, tile);
            store(p, tile, group, b, pixel, 1, y);
          }
        } else {
          for (; pixel + PIXELS <= p.plane; pixel += PIXELS) {
            tile1x6(p, xp, group, b, pixel, tile);
            store(p, tile, group, b, pixel, PIXELS, y);
          }
          for (; pixel < p.plane; pixel++) {
            tile1x1(p, xp, group, b, pixel, tile);
            store(p, tile, group, b, pixel, 1, y);
          }
        }
      }
    }
  }

  /** Two vectors of channels by six positions: 12 accumulators, 2 weight vectors, 1 broadcast. */
  private static void tile2x6(FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.weights;
    int cpg = p.cpg;
    int block = p.block;
    int panel = group * p.blocks + b;
    int channelOffset = group * cpg;
    int x0 = p.pixelOffsets[pixel] + channelOffset;
    int x1 = p.pixelOffsets[pixel + 1] + channelOffset;
    int x2 = p.pixelOffsets[pixel + 2] + channelOffset;
    int x3 = p.pixelOffsets[pixel + 3] + channelOffset;
    int x4 = p.pixelOffsets[pixel + 4] + channelOffset;
    int x5 = p.pixelOffsets[pixel + 5] + channelOffset;
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = FloatVector.zero(S);
    FloatVector a10 = FloatVector.zero(S);
    FloatVector a11 = FloatVector.zero(S);
    FloatVector a20 = FloatVector.zero(S);
    FloatVector a21 = FloatVector.zero(S);
    FloatVector a30 = FloatVector.zero(S);
    FloatVector a31 = FloatVector.zero(S);
    FloatVector a40 = FloatVector.zero(S);
    FloatVector a41 = FloatVector.zero(S);
    FloatVector a50 = FloatVector.zero(S);
    FloatVector a51 = FloatVector.zero(S);
    for (int t = 0; t < p.taps; t++) {
      int to = p.tapOffsets[t];
      int wt = (panel * p.taps + t) * cpg * block;
      for (int c = 0; c < cpg; c++) {
        int wi = wt + c * block;
        FloatVector w0 = FloatVector.fromArray(S, w, wi);
        FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
        int xi = to + c;
        FloatVector v = FloatVector.broadcast(S, xp[x0 + xi]);
        a00 = w0.fma(v, a00);
        a01 = w1.fma(v, a01);
        v = FloatVector.broadcast(S, xp[x1 + xi]);
        a10 = w0.fma(v, a10);
        a11 = w1.fma(v, a11);
        v = FloatVector.broadcast(S, xp[x2 + xi]);
        a20 = w0.fma(v, a20);
        a21 = w1.fma(v, a21);
        v = FloatVector.broadcast(S, xp[x3 + xi]);
        a30 = w0.fma(v, a30);
        a31 = w1.fma(v, a31);
        v = FloatVector.broadcast(S, xp[x4 + xi]);
        a40 = w0.fma(v, a40);
        a41 = w1.fma(v, a41);
        v = FloatVector.broadcast(S, xp[x5 + xi]);
        a50 = w0.fma(v, a50);
        a51 = w1.fma(v, a51);
      }
    }
    int bi = panel * block;
    FloatVector b0 = FloatVector.fromArray(S, p.bias, bi);
    FloatVector b1 = FloatVector.fromArray(S, p.bias, bi + L);
    Activation act = p.activation;
    finish(a00, b0, act).intoArray(tile, 0);
    finish(a01, b1, act).intoArray(tile, L);
    finish(a10, b0, act).intoArray(tile, block);
    finish(a11, b1, act).intoArray(tile, block + L);
    finish(a20, b0, act).intoArray(tile, 2 * block);
    finish(a21, b1, act).intoArray(tile, 2 * block + L);
    finish(a30, b0, act).intoArray(tile, 3 * block);
    finish(a31, b1, act).intoArray(tile, 3 * block + L);
    finish(a40, b0, act).intoArray(tile, 4 * block);
    finish(a41, b1, act).intoArray(tile, 4 * block + L);
    finish(a50, b0, act).intoArray(tile, 5 * block);
    finish(a51, b1, act).intoArray(tile, 5 * block + L);
  }

  /** One vector of channels by six positions. */
  private static void tile1x6(FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.weights;
    int cpg = p.cpg;
    int block = p.block;
    int panel = group * p.blocks + b;
    int channelOffset = group * cpg;
    int x0 = p.pixelOffsets[pixel] + channelOffset;
    int x1 = p.pixelOffsets[pixel + 1] + channelOffset;
    int x2 = p.pixelOffsets[pixel + 2] + channelOffset;
    int x3 = p.pixelOffsets[pixel + 3] + channelOffset;
    int x4 = p.pixelOffsets[pixel + 4] + channelOffset;
    int x5 = p.pixelOffsets[pixel + 5] + channelOffset;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    FloatVector a2 = FloatVector.zero(S);
    FloatVector a3 = FloatVector.zero(S);
    FloatVector a4 = FloatVector.zero(S);
    FloatVector a5 = FloatVector.zero(S);
    for (int t = 0; t < p.taps; t++) {
      int to = p.tapOffsets[t];
      int wt = (panel * p.taps + t) * cpg * block;
      for (int c = 0; c < cpg; c++) {
        FloatVector w0 = FloatVector.fromArray(S, w, wt + c * block);
        int xi = to + c;
        a0 = w0.fma(FloatVector.broadcast(S, xp[x0 + xi]), a0);
        a1 = w0.fma(FloatVector.broadcast(S, xp[x1 + xi]), a1);
        a2 = w0.fma(FloatVector.broadcast(S, xp[x2 + xi]), a2);
        a3 = w0.fma(FloatVector.broadcast(S, xp[x3 + xi]), a3);
        a4 = w0.fma(FloatVector.broadcast(S, xp[x4 + xi]), a4);
        a5 = w0.fma(FloatVector.broadcast(S, xp[x5 + xi]), a5);
      }
    }
    FloatVector b0 = FloatVector.fromArray(S, p.bias, panel * block);
    Activation act = p.activation;
    finish(a0, b0, act).intoArray(tile, 0);
    finish(a1, b0, act).intoArray(tile, block);
    finish(a2, b0, act).intoArray(tile, 2 * block);
    finish(a3, b0, act).intoArray(tile, 3 * block);
    finish(a4, b0, act).intoArray(tile, 4 * block);
    finish(a5, b0, act).intoArray(tile, 5 * block);
  }

  /** Two vectors of channels, one position (the tail of a plane). */
  private static void tile2x1(FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.weights;
    int cpg = p.cpg;
    int block = p.block;
    int panel = group * p.blocks + b;
    int x0 = p.pixelOffsets[pixel] + group * cpg;
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = FloatVector.zero(S);
    for (int t = 0; t < p.taps; t++) {
      int xt = x0 + p.tapOffsets[t];
      int wt = (panel * p.taps + t) * cpg * block;
      for (int c = 0; c < cpg; c++) {
        FloatVector v = FloatVector.broadcast(S, xp[xt + c]);
        a0 = FloatVector.fromArray(S, w, wt + c * block).fma(v, a0);
        a1 = FloatVector.fromArray(S, w, wt + c * block + L).fma(v, a1);
      }
    }
    finish(a0, FloatVector.fromArray(S, p.bias, panel * block), p.activation).intoArray(tile, 0);
    finish(a1, FloatVector.fromArray(S, p.bias, panel * block + L), p.activation).intoArray(tile, L);
  }

  /** One vector of channels, one position. */
  private static void tile1x1(FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.weights;
    int cpg = p.cpg;
    int block = p.block;
    int panel = group * p.blocks + b;
    int x0 = p.pixelOffsets[pixel] + group * cpg;
    FloatVector a0 = FloatVector.zero(S);
    for (int t = 0; t < p.taps; t++) {
      int xt = x0 + p.tapOffsets[t];
      int wt = (panel * p.taps + t) * cpg * block;
      for (int c = 0; c < cpg; c++) {
        a0 = FloatVector.fromArray(S, w, wt + c * block).fma(FloatVector.broadcast(S, xp[xt + c]), a0);
      }
    }
    finish(a0, FloatVector.fromArray(S, p.bias, panel * block), p.activation).intoArray(tile, 0);
  }

  /** Bias, then the activation, on one vector of sums. */
  private static FloatVector finish(FloatVector acc, FloatVector bias, Activation activation) {
    FloatVector v = acc.add(bias);
    switch (activation) {
      case RELU:
        return v.max(0.0f);
      case RELU6:
        return v.max(0.0f).min(6.0f);
      default:
        return v;
    }
  }

  /** Writes {@code pixels} positions of the tile ({@code [pixel][block]}) to {@code y [M, OH, OW]}. */
  private static void store(FloatConvPlan p, float[] tile, int group, int b, int pixel, int pixels, float[] y) {
    int live = p.live(b);
    int firstOut = group * p.mpg + b * p.block;
    int plane = p.plane;
    for (int j = 0; j < live; j++) {
      int at = (firstOut + j) * plane + pixel;
      for (int r = 0; r < pixels; r++) {
        y[at + r] = tile[r * p.block + j];
      }
    }
  }
}
