package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.VectorShapes;
import dev.quantgen.runtime.numerics.Activation;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked float convolution on the Vector API: a register tile of {@value #PIXELS} output
 * positions times one or two vectors of output channels, every tap's weights loaded once per tile
 * and each input value broadcast once per tile. Per tap and input channel the tile does {@code
 * PIXELS * vectors} fused multiply-adds for {@code vectors} loads and {@code PIXELS} broadcasts.
 *
 * <p>The vector width is {@link VectorShapes#FLOATS} (the one width choice of every kernel; {@code
 * quantgen.vectorBits} forces 256 or 512), fixed when the JVM starts (a {@code static final}, so C2
 * compiles every operation to one instruction). The epilogue stores the tile's sums, then adds the
 * bias and clamps to the activation's range while writing them and writes the tile back to the
 * {@code [M, OH, OW]} output.
 *
 * <p><b>Row tiles.</b> A layer whose input rows are contiguous (stride 1 along them) and whose
 * output rows fill enough of the lanes they take for its fan-in ({@link RowSegments#suits}) runs
 * the other way round: vectors of {@code L} neighbouring output positions along a row times {@link
 * #ROW_CHANNELS} broadcast weights, so a vector of sums is a piece of one output row and the
 * epilogue (bias, clamp) stores it with one vector instruction. The channel tiles' epilogue
 * transposes channels-in-lanes into the planar output scalar, one value at a time: about six scalar
 * instructions per output against the 9 vector multiply-adds per output of the Fashion CNN's conv2
 * (fan-in 144 over 16 lanes), an estimated quarter of that layer's time. Its 14-wide rows use 14 of
 * 16 lanes at 512 bits.
 *
 * <p>Sums are reassociated against {@link Conv2d} (order kernel row, kernel column, input channel,
 * each step a fused multiply-add), so an output differs from the reference by at most {@code 2
 * gamma(n) sum |w x|}, {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}, {@code n} the fan-in.
 */
final class VectorFloatConv implements FloatConv {
  private static final VectorSpecies<Float> S = VectorShapes.FLOATS;
  private static final int L = S.length();
  private static final VectorSpecies<Byte> CODES = VectorShapes.BYTES_PER_INT;

  /** Lane {@code 2i mod L} into lane {@code i}: a vector's even lanes, twice over. */
  private static final VectorShuffle<Float> EVEN_LANES =
      VectorShuffle.fromOp(S, i -> 2 * i % S.length());

  /** The upper half of the lanes. */
  private static final VectorMask<Float> UPPER_HALF =
      VectorMask.fromLong(S, -1L << (S.length() / 2));

  /** Output positions per register tile. */
  static final int PIXELS = 6;

  /**
   * Output channels per row tile: each tap and input channel broadcasts this many weights, each
   * multiplied by every row vector of the tile. 8 at 512 bits (a whole number of blocks for 16, 32
   * and 64 channels), 6 at 256 bits.
   */
  static final int ROW_CHANNELS = L >= 16 ? 8 : 6;

  /**
   * Row vectors per row tile: 3 at 512 bits (24 accumulators, 3 inputs and a broadcast in the 32
   * registers of AVX-512), 2 at 256 bits (12 + 2 + 1 within the 16 of AVX2).
   */
  static final int ROW_VECTORS = L >= 16 ? 3 : 2;

  private final FloatConvPlan plan;
  private final int vectors;
  private final ThreadLocal<float[][]> scratch;

  /**
   * The row tiles' plan ({@link #ROW_CHANNELS} channels per block), or null when the layer runs on
   * the channel-blocked tiles (see {@link RowSegments#suits}).
   */
  private final FloatConvPlan rowPlan;

  private final RowSegments segments;

  /**
   * Per-channel mode ({@code C / groups == 1}: depthwise layers and single-input-channel first
   * layers): {@code [M][tap]} weights, else null. Each output channel reads one input plane, so a
   * vector of {@code L} output positions along a row multiplies {@code L} neighbouring input cells
   * by one broadcast weight per tap: {@code taps} multiply-adds per vector, no channel blocking.
   */
  private final float[] channelWeights;

  private final float[] channelBias;

  /**
   * Whether the per-channel kernel's bias and clamp pass changes nothing (no bias, no activation:
   * the static int8 layers' integer sums), so it is skipped. Adding +0.0 and clamping to {@code
   * [-inf, +inf]} keeps every sum but -0.0, and no sum is -0.0: it starts at +0.0, and an exact
   * zero result of a fused multiply-add onto it is +0.0 when rounding to nearest.
   */
  private final boolean identityEpilogue;

  /**
   * @param perChannel the per-channel kernel (needs {@code C / groups == 1}) instead of the blocked
   *     one
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits,
   *     where the scalar kernel is the faster one
   * @throws IllegalArgumentException if {@code perChannel} and a group has more than one input
   *     channel
   */
  VectorFloatConv(
      ConvGeometry g, float[] weights, float[] bias, Activation activation, boolean perChannel) {
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException(
          "preferred vector size is "
              + FloatVector.SPECIES_PREFERRED.vectorBitSize()
              + " bits, need 256");
    }
    if (perChannel && g.channelsPerGroup() != 1) {
      throw new IllegalArgumentException(
          "per-channel kernel: C / groups = " + g.channelsPerGroup() + ", expected 1");
    }
    this.vectors = g.outputsPerGroup() > L ? 2 : 1;
    this.plan = new FloatConvPlan(g, weights, bias, activation, vectors * L, PIXELS);
    this.channelWeights = perChannel ? weights.clone() : null;
    this.channelBias =
        perChannel ? (bias == null ? new float[g.outChannels()] : bias.clone()) : null;
    this.identityEpilogue =
        perChannel
            && bias == null
            && plan.lowest == Float.NEGATIVE_INFINITY
            && plan.highest == Float.POSITIVE_INFINITY;
    boolean rowTiles = !perChannel && RowSegments.suits(g, L);
    this.rowPlan = rowTiles ? new FloatConvPlan(g, weights, bias, activation, ROW_CHANNELS) : null;
    this.segments = rowTiles ? new RowSegments(g, L, ROW_VECTORS) : null;
    int tileLength = Math.max(PIXELS * plan.block, ROW_VECTORS * ROW_CHANNELS * L);
    // row tiles' spare lanes (rows narrower than a vector) read up to L - 1 cells past the
    // buffer's last row; the extra cells are never written, so they stay 0
    int paddedLength = plan.paddedLength + L;
    int unpooled = perChannel ? g.outChannels() * plan.plane : 0;
    // the row pairs' maxima of the vector pool, with room for its last reads (2L + 1 cells)
    int rowMaxima =
        perChannel
            ? g.outChannels() * MaxPool2.pooled(g.outHeight()) * g.outWidth() + 2 * L + 1
            : 0;
    // the codes centred in one pass when rows are not whole vectors (see padCentred)
    int centredLength = g.inWidth() % L != 0 ? g.inChannels() * g.inPlane() : 0;
    this.scratch =
        ThreadLocal.withInitial(
            () ->
                new float[][] {
                  new float[paddedLength],
                  new float[tileLength],
                  new float[unpooled],
                  new float[rowMaxima],
                  new float[centredLength]
                });
  }

  @Override
  public String name() {
    return "vector("
        + S.vectorBitSize()
        + " bit) "
        + (channelWeights != null
            ? "per channel, " + L + " positions"
            : rowPlan != null
                ? ROW_CHANNELS + " channels x " + ROW_VECTORS + "x" + L + " row positions"
                : vectors + "x" + L + " channels x " + PIXELS + " pixels");
  }

  @Override
  public void forward(float[] x, float[] y) {
    plan.requireOutput(y);
    float[][] s = scratch.get();
    plan.pad(x, s[0]);
    run(s[0], s[1], y);
  }

  @Override
  public void forwardCentred(byte[] q, int zeroPoint, float[] y) {
    plan.requireOutput(y);
    float[][] s = scratch.get();
    padCentred(plan, q, zeroPoint, s[0], s[4]);
    run(s[0], s[1], y);
  }

  @Override
  public void forwardMaxPool2(float[] x, float[] y) {
    MaxPool2.requireOutput(plan.g, y);
    float[][] s = scratch.get();
    plan.pad(x, s[0]);
    runPooled(s, y);
  }

  @Override
  public void forwardCentredMaxPool2(byte[] q, int zeroPoint, float[] y) {
    MaxPool2.requireOutput(plan.g, y);
    float[][] s = scratch.get();
    padCentred(plan, q, zeroPoint, s[0], s[4]);
    runPooled(s, y);
  }

  /**
   * The pooled output from the padded sample {@code s[0]}: the per-channel kernel computes the
   * whole output into {@code s[2]} and pools it (its vectors run along output rows, which the
   * pool's windows do not fit): on vectors ({@link #pool}) when the output rows are of even width
   * and at least a vector wide, else scalar ({@link MaxPool2#pool}, as slow as the Fashion CNN's
   * conv1 itself); the blocked tiles fuse the pool ({@link #runPooled(float[], float[], float[])}).
   */
  private void runPooled(float[][] s, float[] y) {
    if (channelWeights != null) {
      runPerChannel(s[0], s[2]);
      ConvGeometry g = plan.g;
      if (g.outWidth() % 2 == 0 && g.outWidth() >= L) {
        pool(s[2], g.outChannels(), g.outHeight(), g.outWidth(), s[3], y);
      } else {
        MaxPool2.pool(s[2], g.outChannels(), g.outHeight(), g.outWidth(), y);
      }
    } else {
      runPooled(s[0], s[1], y);
    }
  }

  /**
   * {@link MaxPool2#pool} on vectors, for an even output width of at least a vector: first each
   * pooled row's two convolution rows, lane by lane, into {@code rowMaxima [channels, h / 2, w]} (a
   * vector at a time, the last one moved back to end at the row's end), then each pair of
   * neighbouring columns. With {@code w} even, the pairs of one row follow those of the row before
   * in {@code rowMaxima} as the pooled values do in {@code y}, so the second pass runs over the
   * whole array: pooled value {@code k} is the maximum of {@code rowMaxima[2k]} and {@code
   * rowMaxima[2k + 1]} ({@link #pairMaxLanes}). {@code FloatVector.max} is {@code Math.max} lane by
   * lane, commutative and associative (NaN wins, +0.0 over -0.0), so the order of the four maxima
   * does not change the result.
   */
  private static void pool(float[] full, int channels, int h, int w, float[] rowMaxima, float[] y) {
    int ph = MaxPool2.pooled(h);
    for (int c = 0, to = 0; c < channels; c++) {
      for (int py = 0; py < ph; py++, to += w) {
        int from = c * h * w + 2 * py * w;
        for (int x = 0; ; x += L) {
          int at = Math.min(x, w - L);
          rowMaxLanes(full, from + at, w, rowMaxima, to + at);
          if (at == w - L) {
            break;
          }
        }
      }
    }
    int n = channels * ph * (w / 2);
    int k = 0;
    for (; k <= n - L; k += L) {
      pairMaxLanes(rowMaxima, 2 * k, y, k);
    }
    for (; k < n; k++) {
      y[k] = Math.max(rowMaxima[2 * k], rowMaxima[2 * k + 1]);
    }
  }

  private static void rowMaxLanes(float[] full, int from, int w, float[] rowMaxima, int to) {
    FloatVector.fromArray(S, full, from)
        .max(FloatVector.fromArray(S, full, from + w))
        .intoArray(rowMaxima, to);
  }

  /**
   * {@code y[to + i] = max(rowMaxima[from + 2i], rowMaxima[from + 2i + 1])} for {@code i < L}: the
   * maxima of each lane and the next (two loads one cell apart) hold the pairs' in their even
   * lanes, gathered by one single-vector shuffle per half and a blend (JDK 17 C2 boxed the
   * two-vector {@code rearrange(shuffle, v)}).
   */
  private static void pairMaxLanes(float[] rowMaxima, int from, float[] y, int to) {
    FloatVector low =
        FloatVector.fromArray(S, rowMaxima, from)
            .max(FloatVector.fromArray(S, rowMaxima, from + 1));
    FloatVector high =
        FloatVector.fromArray(S, rowMaxima, from + L)
            .max(FloatVector.fromArray(S, rowMaxima, from + L + 1));
    low.rearrange(EVEN_LANES).blend(high.rearrange(EVEN_LANES), UPPER_HALF).intoArray(y, to);
  }

  /**
   * The blocked tiles over the pool's windows: each tile is the four output positions of one window
   * (two windows for one vector of channels, so a tile still has eight accumulators), reduced to
   * their maximum in registers before the epilogue. Output positions no window covers (an odd last
   * row or column) are never computed.
   */
  private void runPooled(float[] xp, float[] tile, float[] y) {
    FloatConvPlan p = plan;
    int windows = vectors == 2 ? 1 : FloatConvPlan.POOL_WINDOWS;
    for (int group = 0; group < p.g.groups(); group++) {
      for (int b = 0; b < p.blocks; b++) {
        for (int window = 0; window < p.pooledPlane; window += windows) {
          if (vectors == 2) {
            pool2x4(p, xp, group, b, window, tile);
          } else {
            pool1x8(p, xp, group, b, window, tile);
          }
          storePooled(p, tile, group, b, window, Math.min(windows, p.pooledPlane - window), y);
        }
      }
    }
  }

  /**
   * Two vectors of channels by one pool window's four positions: 8 accumulators, then their maximum
   * per channel ({@code FloatVector.max} is {@code Math.max} lane by lane).
   */
  private static void pool2x4(
      FloatConvPlan p, float[] xp, int group, int b, int window, float[] tile) {
    float[] w = p.panels[group * p.blocks + b];
    int[] field = p.fieldOffsets;
    int channelOffset = group * p.groupStride;
    int x0 = p.poolOffsets[4 * window] + channelOffset;
    int x1 = p.poolOffsets[4 * window + 1] + channelOffset;
    int x2 = p.poolOffsets[4 * window + 2] + channelOffset;
    int x3 = p.poolOffsets[4 * window + 3] + channelOffset;
    FloatVector zero = FloatVector.zero(S);
    FloatVector a00 = zero;
    FloatVector a01 = zero;
    FloatVector a10 = zero;
    FloatVector a11 = zero;
    FloatVector a20 = zero;
    FloatVector a21 = zero;
    FloatVector a30 = zero;
    FloatVector a31 = zero;
    for (int wi = 0, k = 0; wi <= w.length - 2 * L; wi += 2 * L, k++) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
      int xi = field[k];
      FloatVector v0 = FloatVector.broadcast(S, xp[x0 + xi]);
      a00 = w0.fma(v0, a00);
      a01 = w1.fma(v0, a01);
      FloatVector v1 = FloatVector.broadcast(S, xp[x1 + xi]);
      a10 = w0.fma(v1, a10);
      a11 = w1.fma(v1, a11);
      FloatVector v2 = FloatVector.broadcast(S, xp[x2 + xi]);
      a20 = w0.fma(v2, a20);
      a21 = w1.fma(v2, a21);
      FloatVector v3 = FloatVector.broadcast(S, xp[x3 + xi]);
      a30 = w0.fma(v3, a30);
      a31 = w1.fma(v3, a31);
    }
    a00.max(a10).max(a20).max(a30).intoArray(tile, 0);
    a01.max(a11).max(a21).max(a31).intoArray(tile, L);
  }

  /** One vector of channels by two pool windows (eight positions), each window's maximum. */
  private static void pool1x8(
      FloatConvPlan p, float[] xp, int group, int b, int window, float[] tile) {
    float[] w = p.panels[group * p.blocks + b];
    int[] field = p.fieldOffsets;
    int channelOffset = group * p.groupStride;
    int at = 4 * window;
    int x0 = p.poolOffsets[at] + channelOffset;
    int x1 = p.poolOffsets[at + 1] + channelOffset;
    int x2 = p.poolOffsets[at + 2] + channelOffset;
    int x3 = p.poolOffsets[at + 3] + channelOffset;
    int x4 = p.poolOffsets[at + 4] + channelOffset;
    int x5 = p.poolOffsets[at + 5] + channelOffset;
    int x6 = p.poolOffsets[at + 6] + channelOffset;
    int x7 = p.poolOffsets[at + 7] + channelOffset;
    FloatVector zero = FloatVector.zero(S);
    FloatVector a0 = zero;
    FloatVector a1 = zero;
    FloatVector a2 = zero;
    FloatVector a3 = zero;
    FloatVector a4 = zero;
    FloatVector a5 = zero;
    FloatVector a6 = zero;
    FloatVector a7 = zero;
    for (int wi = 0, k = 0; wi <= w.length - L; wi += L, k++) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      int xi = field[k];
      a0 = w0.fma(FloatVector.broadcast(S, xp[x0 + xi]), a0);
      a1 = w0.fma(FloatVector.broadcast(S, xp[x1 + xi]), a1);
      a2 = w0.fma(FloatVector.broadcast(S, xp[x2 + xi]), a2);
      a3 = w0.fma(FloatVector.broadcast(S, xp[x3 + xi]), a3);
      a4 = w0.fma(FloatVector.broadcast(S, xp[x4 + xi]), a4);
      a5 = w0.fma(FloatVector.broadcast(S, xp[x5 + xi]), a5);
      a6 = w0.fma(FloatVector.broadcast(S, xp[x6 + xi]), a6);
      a7 = w0.fma(FloatVector.broadcast(S, xp[x7 + xi]), a7);
    }
    a0.max(a1).max(a2).max(a3).intoArray(tile, 0);
    a4.max(a5).max(a6).max(a7).intoArray(tile, L);
  }

  /**
   * Writes {@code windows} pooled maxima of the tile ({@code [window][block]}) to {@code y [M, OH /
   * 2, OW / 2]}: bias, then the activation's clamp, scalar as {@link #store}.
   */
  private static void storePooled(
      FloatConvPlan p, float[] tile, int group, int b, int window, int windows, float[] y) {
    int live = p.live(b);
    int firstOut = group * p.mpg + b * p.block;
    int plane = p.pooledPlane;
    float lo = p.lowest;
    float hi = p.highest;
    int bias = (group * p.blocks + b) * p.block;
    for (int j = 0; j < live; j++) {
      int at = (firstOut + j) * plane + window;
      float bj = p.bias[bias + j];
      for (int r = 0; r < windows; r++) {
        y[at + r] = Math.min(Math.max(tile[r * p.block + j] + bj, lo), hi);
      }
    }
  }

  /**
   * {@link FloatConvPlan#padCentred} a vector of codes at a time. Rows whose width is a whole
   * number of vectors are centred straight into the padded buffer; other rows (the Fashion CNN's 14
   * and 28 wide at 16 lanes) would leave a scalar tail per row, up to the whole row, so the sample
   * is centred in one pass over all its codes into {@code centred} (one scalar tail) and its rows
   * copied into place, as {@link FloatConvPlan#pad} copies float rows.
   */
  private static void padCentred(
      FloatConvPlan p, byte[] q, int zeroPoint, float[] padded, float[] centred) {
    p.requireCodes(q);
    int h = p.g.inHeight();
    int w = p.g.inWidth();
    if (w % L != 0) {
      int n = p.g.inChannels() * h * w;
      int i = 0;
      for (; i <= n - L; i += L) {
        centreLanes(q, i, zeroPoint, centred, i);
      }
      for (; i < n; i++) {
        centred[i] = q[i] - zeroPoint;
      }
      p.pad(centred, padded);
      return;
    }
    for (int c = 0; c < p.g.inChannels(); c++) {
      for (int iy = 0; iy < h; iy++) {
        int to = p.paddedRow(c, iy);
        int from = (c * h + iy) * w;
        int ix = 0;
        for (; ix <= w - L; ix += L) {
          centreLanes(q, from + ix, zeroPoint, padded, to + ix);
        }
        for (; ix < w; ix++) {
          padded[to + ix] = q[from + ix] - zeroPoint;
        }
      }
    }
  }

  private static void centreLanes(byte[] q, int from, int zeroPoint, float[] padded, int to) {
    ((FloatVector) ByteVector.fromArray(CODES, q, from).convertShape(VectorOperators.B2F, S, 0))
        .sub(zeroPoint)
        .intoArray(padded, to);
  }

  /** The tiles over the padded sample {@code xp}. */
  private void run(float[] xp, float[] tile, float[] y) {
    if (channelWeights != null) {
      runPerChannel(xp, y);
      return;
    }
    if (rowPlan != null) {
      runRows(xp, tile, y);
      return;
    }
    FloatConvPlan p = plan;
    for (int group = 0; group < p.g.groups(); group++) {
      for (int b = 0; b < p.blocks; b++) {
        // The last tile may reach past the plane: its extra positions reread the last one
        // (FloatConvPlan pads the offsets) and are not stored.
        for (int pixel = 0; pixel < p.plane; pixel += PIXELS) {
          if (vectors == 2) {
            tile2x6(p, xp, group, b, pixel, tile);
          } else {
            tile1x6(p, xp, group, b, pixel, tile);
          }
          store(p, tile, group, b, pixel, Math.min(PIXELS, p.plane - pixel), y);
        }
      }
    }
  }

  /**
   * Per output channel and output row: vectors of {@code L} positions when the row is contiguous in
   * the input (stride 1 along it) and at least a vector long, the last vector moved back to end at
   * the row's end (it recomputes a few positions to the same values); other rows position by
   * position. Each position sums its taps in the order (ky, kx) with fused multiply-adds, then bias
   * and the activation's clamp (a scalar pass over the row, see {@link #channelLanes}), as the
   * blocked kernel does.
   */
  private void runPerChannel(float[] xp, float[] y) {
    FloatConvPlan p = plan;
    ConvGeometry g = p.g;
    int taps = p.taps;
    int ow = g.outWidth();
    int plane = p.plane;
    int rowStep = g.strideHeight() * g.paddedWidth();
    boolean lanes = g.strideWidth() == 1 && ow >= L;
    for (int m = 0; m < g.outChannels(); ) {
      // channels of one group read the same plane: four at a time share each input vector
      int n = lanes && m % p.mpg + 4 <= p.mpg ? 4 : 1;
      int w = m * taps;
      int in = m / p.mpg * p.channelStride;
      for (int oy = 0, out = m * plane; oy < g.outHeight(); oy++, in += rowStep, out += ow) {
        if (lanes) {
          for (int ox = 0; ; ox += L) {
            int at = Math.min(ox, ow - L);
            if (n == 4) {
              channelLanes4(xp, in + at, channelWeights, w, taps, p.tapOffsets, y, out + at, plane);
            } else {
              channelLanes(xp, in + at, channelWeights, w, taps, p.tapOffsets, y, out + at);
            }
            if (at == ow - L) {
              break;
            }
          }
        } else {
          for (int ox = 0; ox < ow; ox++) {
            int at = in + ox * g.strideWidth();
            float acc = 0.0f;
            for (int t = 0; t < taps; t++) {
              acc = Math.fma(xp[at + p.tapOffsets[t]], channelWeights[w + t], acc);
            }
            y[out + ox] = acc;
          }
        }
      }
      for (int k = m; k < m + n && !identityEpilogue; k++) {
        float bias = channelBias[k];
        for (int i = k * plane; i < (k + 1) * plane; i++) {
          y[i] = Math.min(Math.max(y[i] + bias, p.lowest), p.highest);
        }
      }
      m += n;
    }
  }

  /**
   * {@link #channelLanes} for four channels of one group ({@code w0} the first one's taps, outputs
   * {@code plane} apart): each tap's input vector is loaded once for the four.
   */
  private static void channelLanes4(
      float[] xp,
      int at,
      float[] w,
      int w0,
      int taps,
      int[] tapOffsets,
      float[] y,
      int out,
      int plane) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int t = 0; t < taps; t++) {
      FloatVector v = FloatVector.fromArray(S, xp, at + tapOffsets[t]);
      a0 = v.fma(FloatVector.broadcast(S, w[w0 + t]), a0);
      a1 = v.fma(FloatVector.broadcast(S, w[w0 + taps + t]), a1);
      a2 = v.fma(FloatVector.broadcast(S, w[w0 + 2 * taps + t]), a2);
      a3 = v.fma(FloatVector.broadcast(S, w[w0 + 3 * taps + t]), a3);
    }
    a0.intoArray(y, out);
    a1.intoArray(y, out + plane);
    a2.intoArray(y, out + 2 * plane);
    a3.intoArray(y, out + 3 * plane);
  }

  /**
   * {@code L} consecutive positions of one channel from padded cell {@code at}: the taps' raw sums,
   * stored (bias and clamp follow per row, scalar: a vector epilogue here, {@code add(bias).max(lo)
   * .min(hi)}, made C2 give up the byte-store intrinsic of {@code VectorInt8Rows.requantizeLanes}
   * in the same JVM, 619 KB boxed per INT8 CNN call).
   */
  private static void channelLanes(
      float[] xp, int at, float[] w, int w0, int taps, int[] tapOffsets, float[] y, int out) {
    FloatVector acc = FloatVector.zero(S);
    for (int t = 0; t < taps; t++) {
      acc =
          FloatVector.fromArray(S, xp, at + tapOffsets[t])
              .fma(FloatVector.broadcast(S, w[w0 + t]), acc);
    }
    acc.intoArray(y, out);
  }

  /** Two vectors of channels by six positions: 12 accumulators, 2 weight vectors, 1 broadcast. */
  private static void tile2x6(
      FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.panels[group * p.blocks + b];
    int[] field = p.fieldOffsets;
    int channelOffset = group * p.groupStride;
    int x0 = p.pixelOffsets[pixel + 0] + channelOffset;
    int x1 = p.pixelOffsets[pixel + 1] + channelOffset;
    int x2 = p.pixelOffsets[pixel + 2] + channelOffset;
    int x3 = p.pixelOffsets[pixel + 3] + channelOffset;
    int x4 = p.pixelOffsets[pixel + 4] + channelOffset;
    int x5 = p.pixelOffsets[pixel + 5] + channelOffset;
    FloatVector zero = FloatVector.zero(S);
    FloatVector a00 = zero;
    FloatVector a01 = zero;
    FloatVector a10 = zero;
    FloatVector a11 = zero;
    FloatVector a20 = zero;
    FloatVector a21 = zero;
    FloatVector a30 = zero;
    FloatVector a31 = zero;
    FloatVector a40 = zero;
    FloatVector a41 = zero;
    FloatVector a50 = zero;
    FloatVector a51 = zero;
    // The loop runs over the panel itself (bounded by its length, stepping a constant), so C2
    // proves
    // every weight load in range once, before the loop; a check left inside defeats the intrinsics.
    for (int wi = 0, k = 0; wi <= w.length - 2 * L; wi += 2 * L, k++) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      FloatVector w1 = FloatVector.fromArray(S, w, wi + L);
      int xi = field[k];
      FloatVector v0 = FloatVector.broadcast(S, xp[x0 + xi]);
      a00 = w0.fma(v0, a00);
      a01 = w1.fma(v0, a01);
      FloatVector v1 = FloatVector.broadcast(S, xp[x1 + xi]);
      a10 = w0.fma(v1, a10);
      a11 = w1.fma(v1, a11);
      FloatVector v2 = FloatVector.broadcast(S, xp[x2 + xi]);
      a20 = w0.fma(v2, a20);
      a21 = w1.fma(v2, a21);
      FloatVector v3 = FloatVector.broadcast(S, xp[x3 + xi]);
      a30 = w0.fma(v3, a30);
      a31 = w1.fma(v3, a31);
      FloatVector v4 = FloatVector.broadcast(S, xp[x4 + xi]);
      a40 = w0.fma(v4, a40);
      a41 = w1.fma(v4, a41);
      FloatVector v5 = FloatVector.broadcast(S, xp[x5 + xi]);
      a50 = w0.fma(v5, a50);
      a51 = w1.fma(v5, a51);
    }
    a00.intoArray(tile, 0 * 2 * L);
    a01.intoArray(tile, 0 * 2 * L + L);
    a10.intoArray(tile, 1 * 2 * L);
    a11.intoArray(tile, 1 * 2 * L + L);
    a20.intoArray(tile, 2 * 2 * L);
    a21.intoArray(tile, 2 * 2 * L + L);
    a30.intoArray(tile, 3 * 2 * L);
    a31.intoArray(tile, 3 * 2 * L + L);
    a40.intoArray(tile, 4 * 2 * L);
    a41.intoArray(tile, 4 * 2 * L + L);
    a50.intoArray(tile, 5 * 2 * L);
    a51.intoArray(tile, 5 * 2 * L + L);
  }

  /** One vector of channels by six positions. */
  private static void tile1x6(
      FloatConvPlan p, float[] xp, int group, int b, int pixel, float[] tile) {
    float[] w = p.panels[group * p.blocks + b];
    int[] field = p.fieldOffsets;
    int channelOffset = group * p.groupStride;
    int x0 = p.pixelOffsets[pixel + 0] + channelOffset;
    int x1 = p.pixelOffsets[pixel + 1] + channelOffset;
    int x2 = p.pixelOffsets[pixel + 2] + channelOffset;
    int x3 = p.pixelOffsets[pixel + 3] + channelOffset;
    int x4 = p.pixelOffsets[pixel + 4] + channelOffset;
    int x5 = p.pixelOffsets[pixel + 5] + channelOffset;
    FloatVector zero = FloatVector.zero(S);
    FloatVector a0 = zero;
    FloatVector a1 = zero;
    FloatVector a2 = zero;
    FloatVector a3 = zero;
    FloatVector a4 = zero;
    FloatVector a5 = zero;
    // The loop runs over the panel itself (bounded by its length, stepping a constant), so C2
    // proves
    // every weight load in range once, before the loop; a check left inside defeats the intrinsics.
    for (int wi = 0, k = 0; wi <= w.length - L; wi += L, k++) {
      FloatVector w0 = FloatVector.fromArray(S, w, wi);
      int xi = field[k];
      a0 = w0.fma(FloatVector.broadcast(S, xp[x0 + xi]), a0);
      a1 = w0.fma(FloatVector.broadcast(S, xp[x1 + xi]), a1);
      a2 = w0.fma(FloatVector.broadcast(S, xp[x2 + xi]), a2);
      a3 = w0.fma(FloatVector.broadcast(S, xp[x3 + xi]), a3);
      a4 = w0.fma(FloatVector.broadcast(S, xp[x4 + xi]), a4);
      a5 = w0.fma(FloatVector.broadcast(S, xp[x5 + xi]), a5);
    }
    a0.intoArray(tile, 0 * L);
    a1.intoArray(tile, 1 * L);
    a2.intoArray(tile, 2 * L);
    a3.intoArray(tile, 3 * L);
    a4.intoArray(tile, 4 * L);
    a5.intoArray(tile, 5 * L);
  }

  /**
   * The row tiles over the padded sample: per group and block of {@link #ROW_CHANNELS} output
   * channels, the row segments {@link #ROW_VECTORS} at a time in ascending order (a segment whose
   * spare lanes spill into the rows after it is stored before them, so they overwrite the spill).
   */
  private void runRows(float[] xp, float[] tile, float[] y) {
    FloatConvPlan p = rowPlan;
    RowSegments rs = segments;
    int[] in = rs.inputOffsets;
    for (int group = 0; group < p.g.groups(); group++) {
      int channelOffset = group * p.groupStride;
      for (int b = 0; b < p.blocks; b++) {
        float[] w = p.panels[group * p.blocks + b];
        for (int seg = 0; seg < rs.count; seg += ROW_VECTORS) {
          if (ROW_VECTORS == 3) {
            rows3x8(
                w,
                p.fieldOffsets,
                xp,
                in[seg] + channelOffset,
                in[seg + 1] + channelOffset,
                in[seg + 2] + channelOffset,
                tile);
          } else {
            rows2x6(
                w, p.fieldOffsets, xp, in[seg] + channelOffset, in[seg + 1] + channelOffset, tile);
          }
          storeRows(p, rs, tile, group, b, seg, y);
        }
      }
    }
  }

  /**
   * Eight output channels by three row vectors ({@code x0..x2}: padded cells of each vector's first
   * position): 24 accumulators; per tap and input channel 3 vector loads of neighbouring inputs, 8
   * weight broadcasts, 24 fused multiply-adds. Stores {@code [row][channel][lane]} raw sums.
   */
  private static void rows3x8(
      float[] w, int[] field, float[] xp, int x0, int x1, int x2, float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector a00 = zero;
    FloatVector a01 = zero;
    FloatVector a02 = zero;
    FloatVector a03 = zero;
    FloatVector a04 = zero;
    FloatVector a05 = zero;
    FloatVector a06 = zero;
    FloatVector a07 = zero;
    FloatVector a10 = zero;
    FloatVector a11 = zero;
    FloatVector a12 = zero;
    FloatVector a13 = zero;
    FloatVector a14 = zero;
    FloatVector a15 = zero;
    FloatVector a16 = zero;
    FloatVector a17 = zero;
    FloatVector a20 = zero;
    FloatVector a21 = zero;
    FloatVector a22 = zero;
    FloatVector a23 = zero;
    FloatVector a24 = zero;
    FloatVector a25 = zero;
    FloatVector a26 = zero;
    FloatVector a27 = zero;
    for (int wi = 0, k = 0; wi <= w.length - 8; wi += 8, k++) {
      int xi = field[k];
      FloatVector v0 = FloatVector.fromArray(S, xp, x0 + xi);
      FloatVector v1 = FloatVector.fromArray(S, xp, x1 + xi);
      FloatVector v2 = FloatVector.fromArray(S, xp, x2 + xi);
      FloatVector c = FloatVector.broadcast(S, w[wi]);
      a00 = v0.fma(c, a00);
      a10 = v1.fma(c, a10);
      a20 = v2.fma(c, a20);
      c = FloatVector.broadcast(S, w[wi + 1]);
      a01 = v0.fma(c, a01);
      a11 = v1.fma(c, a11);
      a21 = v2.fma(c, a21);
      c = FloatVector.broadcast(S, w[wi + 2]);
      a02 = v0.fma(c, a02);
      a12 = v1.fma(c, a12);
      a22 = v2.fma(c, a22);
      c = FloatVector.broadcast(S, w[wi + 3]);
      a03 = v0.fma(c, a03);
      a13 = v1.fma(c, a13);
      a23 = v2.fma(c, a23);
      c = FloatVector.broadcast(S, w[wi + 4]);
      a04 = v0.fma(c, a04);
      a14 = v1.fma(c, a14);
      a24 = v2.fma(c, a24);
      c = FloatVector.broadcast(S, w[wi + 5]);
      a05 = v0.fma(c, a05);
      a15 = v1.fma(c, a15);
      a25 = v2.fma(c, a25);
      c = FloatVector.broadcast(S, w[wi + 6]);
      a06 = v0.fma(c, a06);
      a16 = v1.fma(c, a16);
      a26 = v2.fma(c, a26);
      c = FloatVector.broadcast(S, w[wi + 7]);
      a07 = v0.fma(c, a07);
      a17 = v1.fma(c, a17);
      a27 = v2.fma(c, a27);
    }
    a00.intoArray(tile, 0 * L);
    a01.intoArray(tile, 1 * L);
    a02.intoArray(tile, 2 * L);
    a03.intoArray(tile, 3 * L);
    a04.intoArray(tile, 4 * L);
    a05.intoArray(tile, 5 * L);
    a06.intoArray(tile, 6 * L);
    a07.intoArray(tile, 7 * L);
    a10.intoArray(tile, 8 * L);
    a11.intoArray(tile, 9 * L);
    a12.intoArray(tile, 10 * L);
    a13.intoArray(tile, 11 * L);
    a14.intoArray(tile, 12 * L);
    a15.intoArray(tile, 13 * L);
    a16.intoArray(tile, 14 * L);
    a17.intoArray(tile, 15 * L);
    a20.intoArray(tile, 16 * L);
    a21.intoArray(tile, 17 * L);
    a22.intoArray(tile, 18 * L);
    a23.intoArray(tile, 19 * L);
    a24.intoArray(tile, 20 * L);
    a25.intoArray(tile, 21 * L);
    a26.intoArray(tile, 22 * L);
    a27.intoArray(tile, 23 * L);
  }

  /** Six output channels by two row vectors: 12 accumulators, as {@link #rows3x8}. */
  private static void rows2x6(float[] w, int[] field, float[] xp, int x0, int x1, float[] tile) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector a00 = zero;
    FloatVector a01 = zero;
    FloatVector a02 = zero;
    FloatVector a03 = zero;
    FloatVector a04 = zero;
    FloatVector a05 = zero;
    FloatVector a10 = zero;
    FloatVector a11 = zero;
    FloatVector a12 = zero;
    FloatVector a13 = zero;
    FloatVector a14 = zero;
    FloatVector a15 = zero;
    for (int wi = 0, k = 0; wi <= w.length - ROW_CHANNELS; wi += ROW_CHANNELS, k++) {
      int xi = field[k];
      FloatVector v0 = FloatVector.fromArray(S, xp, x0 + xi);
      FloatVector v1 = FloatVector.fromArray(S, xp, x1 + xi);
      FloatVector c = FloatVector.broadcast(S, w[wi]);
      a00 = v0.fma(c, a00);
      a10 = v1.fma(c, a10);
      c = FloatVector.broadcast(S, w[wi + 1]);
      a01 = v0.fma(c, a01);
      a11 = v1.fma(c, a11);
      c = FloatVector.broadcast(S, w[wi + 2]);
      a02 = v0.fma(c, a02);
      a12 = v1.fma(c, a12);
      c = FloatVector.broadcast(S, w[wi + 3]);
      a03 = v0.fma(c, a03);
      a13 = v1.fma(c, a13);
      c = FloatVector.broadcast(S, w[wi + 4]);
      a04 = v0.fma(c, a04);
      a14 = v1.fma(c, a14);
      c = FloatVector.broadcast(S, w[wi + 5]);
      a05 = v0.fma(c, a05);
      a15 = v1.fma(c, a15);
    }
    a00.intoArray(tile, 0 * L);
    a01.intoArray(tile, 1 * L);
    a02.intoArray(tile, 2 * L);
    a03.intoArray(tile, 3 * L);
    a04.intoArray(tile, 4 * L);
    a05.intoArray(tile, 5 * L);
    a10.intoArray(tile, 6 * L);
    a11.intoArray(tile, 7 * L);
    a12.intoArray(tile, 8 * L);
    a13.intoArray(tile, 9 * L);
    a14.intoArray(tile, 10 * L);
    a15.intoArray(tile, 11 * L);
  }

  /**
   * Writes a row tile ({@code [row][channel][lane]} raw sums) to {@code y [M, OH, OW]}: bias, then
   * the activation's clamp, a vector at a time straight into the output rows; a segment whose spare
   * lanes would reach past its channel's plane writes only its positions, scalar (the same
   * operations, so the same values).
   */
  private static void storeRows(
      FloatConvPlan p, RowSegments rs, float[] tile, int group, int b, int seg, float[] y) {
    int live = p.live(b);
    int firstOut = group * p.mpg + b * p.block;
    int plane = p.plane;
    float lo = p.lowest;
    float hi = p.highest;
    int bias = (group * p.blocks + b) * p.block;
    for (int j = 0; j < live; j++) {
      float bj = p.bias[bias + j];
      int channel = (firstOut + j) * plane;
      for (int r = 0; r < ROW_VECTORS; r++) {
        int from = (r * ROW_CHANNELS + j) * L;
        int at = channel + rs.outputOffsets[seg + r];
        if (rs.whole[seg + r]) {
          FloatVector.fromArray(S, tile, from).add(bj).max(lo).min(hi).intoArray(y, at);
        } else {
          for (int i = 0; i < rs.positions; i++) {
            y[at + i] = Math.min(Math.max(tile[from + i] + bj, lo), hi);
          }
        }
      }
    }
  }

  /**
   * Writes {@code pixels} positions of the tile ({@code [pixel][block]} raw sums) to {@code y [M,
   * OH, OW]}: bias, then the activation as a clamp. Scalar on purpose: C2 inlines a bounded amount
   * of Vector API code per method, and a vector epilogue in the tile methods pushes their fused
   * multiply-adds past it (they then run boxed, a hundred times slower).
   */
  private static void store(
      FloatConvPlan p, float[] tile, int group, int b, int pixel, int pixels, float[] y) {
    int live = p.live(b);
    int firstOut = group * p.mpg + b * p.block;
    int plane = p.plane;
    float lo = p.lowest;
    float hi = p.highest;
    int bias = (group * p.blocks + b) * p.block;
    for (int j = 0; j < live; j++) {
      int at = (firstOut + j) * plane + pixel;
      float bj = p.bias[bias + j];
      for (int r = 0; r < pixels; r++) {
        y[at + r] = Math.min(Math.max(tile[r * p.block + j] + bj, lo), hi);
      }
    }
  }
}
