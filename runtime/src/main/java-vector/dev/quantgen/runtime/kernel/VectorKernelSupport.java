package dev.quantgen.runtime.kernel;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.B2I;
import static jdk.incubator.vector.VectorOperators.LSHL;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Half;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelSupport} on the Vector API at the width {@link VectorShapes} chooses (512 bits on
 * AVX-512, 256 on AVX2), compiled on its own with {@code --add-modules jdk.incubator.vector} and
 * loaded by name from {@link Kernels}, so nothing else links the incubator module. Each method is a
 * vector body plus the scalar tail of {@link ScalarKernelSupport}'s arithmetic.
 *
 * <p>Int8 and int4 products widen each byte straight to an int32 lane (one instruction) and
 * multiply and add there: the same exact integers as the scalar loop, for any int8 values.
 * (Products in 16-bit lanes, widened to int32 afterwards, were tried first; the short-to-int
 * conversion of a half-width vector was the call C2 most often left un-intrinsified, see below, and
 * the int32 form measured as fast or faster on Zen 5.)
 *
 * <p><b>No method of this class takes or returns a vector.</b> C2 inlines a call only while the
 * caller's graph is under its node budget ({@code NodeCountInliningCutoff}); the Vector API's own
 * methods are force-inlined past it, ours are not, and a vector passed to or returned from a call
 * that was not inlined is boxed: an object per vector per loop step. Which calls hit the budget
 * depends on the type profiles earlier work left in the same JVM: with an INT4 model run before an
 * INT8 one, the INT8 GEMV allocated 326 KB per call and ran 2 to 4 times slower in 4 runs of 5
 * ({@code -XX:+PrintInlining}: {@code toInts ... NodeCountInliningCutoff}; JFR allocation samples
 * in {@code AbstractVector.convert0}). So conversions are written out in each loop, and float lane
 * sums go through a per-thread array ({@link #sumLanes}).
 *
 * <p>For the same reason a one-row product ({@link #dotFloat}, {@link #dotSigns}, {@link #dotInt8},
 * {@link #dotHalf}) runs through its four-row kernel with a row stride of 0 (the same row four
 * times; the first sum is bit for bit the one-row sum). The four-row kernels are larger than C2's
 * {@code FreqInlineSize} (325 bytes of bytecode), so C2 always compiles them on their own; a
 * one-row loop small enough to inline was inlined into the generated layer's row loop and lost its
 * intrinsics there in some runs (16 KB per INT8 call in 5 runs of 6 after FP32 and FP16 models had
 * run, JFR: {@code dotInt8} under {@code Fc3_Int8.rows}). It costs the three extra rows' work, for
 * the at most three rows per layer that do not fill a group of four.
 *
 * <p><b>One species per element type.</b> Every int vector here is {@link VectorShapes#INTS}
 * (longs, for the requantization's exact products, {@link VectorShapes#LONGS}): a first vector
 * requantization on half-width ints made C2 leave the panel kernel's int vectors un-intrinsified in
 * the same JVM (20 MB boxed per batch of 16, found by the allocation test at that batch).
 *
 * <p><b>Batched integer products</b> ({@link #gemmInt8(byte[], byte[], int, int, int, byte[], int,
 * int[], int)} and its int4 twin) read panels made once per layer: {@link #PANEL} rows stored input
 * by input. Per call a panel is converted to floats (exact small integers) and each group of four
 * samples runs an outer-product register tile over it, four broadcast inputs times two weight
 * vectors per step: the accumulators are output rows, so there are no lane sums, and the int32
 * results come out of the float sums exactly (see {@link #PANEL_CHUNK}). The JDK's Vector API has
 * no integer dot-product instruction (VNNI's {@code vpdpbusd}), so float FMAs on converted panels
 * are the fastest exact product reachable here.
 *
 * <p><b>Batched float products</b> ({@link #gemmFloat(float[], float[], int, int, int, float[],
 * int, float[], int)}, and {@link #gemmHalf(short[], short[], int, int, int, float[], int, float[],
 * int)} after decoding a panel of halves once per call) run the same outer-product tiles on float
 * panels ({@link #floatPanels}, the last one zero-padded), eight or four samples at a time, K block
 * by K block: each sum is one fused multiply-add per input in input order, so it differs from the
 * one-sample kernels' lane-wise order (within the reassociation bound) but not across batch sizes,
 * tiles or vector widths.
 */
final class VectorKernelSupport implements KernelSupport {
  private static final VectorSpecies<Float> F = VectorShapes.FLOATS;
  private static final VectorSpecies<Integer> I = VectorShapes.INTS;
  private static final VectorSpecies<Short> SI = VectorShapes.SHORTS_PER_INT;
  private static final VectorSpecies<Byte> BI = VectorShapes.BYTES_PER_INT;
  private static final VectorSpecies<Long> LO = VectorShapes.LONGS;

  /**
   * Weight rows a batched product converts to floats at a time (one tile, reused by every sample).
   */
  private static final int TILE_ROWS = 4;

  /**
   * Inputs a batched product sums in float lanes before converting to int32: a chunk holds at most
   * {@code GEMM_CHUNK} products of magnitude at most {@code 128 * 128 = 2^14}, so every partial
   * sum, in any lane and in any order of the final reduction, is an integer of magnitude at most
   * {@code 1024 * 2^14 = 2^24}, which float32 holds exactly; an FMA or add of exact integers whose
   * result is representable is exact, so the chunk's float sum equals the int32 one, whatever order
   * {@code reduceLanes} adds in. A multiple of 16, so a chunk ends on a vector boundary at either
   * width.
   */
  static final int GEMM_CHUNK = 1024;

  private final ScalarKernelSupport scalar = new ScalarKernelSupport();
  private final ThreadLocal<GemmScratch> gemmScratch = ThreadLocal.withInitial(GemmScratch::new);

  /**
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits,
   *     where this implementation would be slower than the scalar one
   */
  VectorKernelSupport() {
    if (IntVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException(
          "preferred vector size is "
              + IntVector.SPECIES_PREFERRED.vectorBitSize()
              + " bits, need 256");
    }
  }

  @Override
  public String name() {
    return "vector(" + VectorShapes.BITS + " bit)";
  }

  @Override
  public float dotFloat(float[] a, int aOff, float[] b, int bOff, int n) {
    GemmScratch s = gemmScratch.get();
    float4(a, aOff, 0, b, bOff, n, s.rowSums, 0, s.lanes); // one row as four: see the class comment
    return s.rowSums[0];
  }

  @Override
  public void dotFloat4(float[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    float4(w, off, stride, x, 0, n, out, outOff, gemmScratch.get().lanes);
  }

  /** {@link #dotFloat4} with the input at {@code x[xOff ..]}. */
  private static void float4(
      float[] w,
      int off,
      int stride,
      float[] x,
      int xOff,
      int n,
      float[] out,
      int outOff,
      float[] lanes) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    FloatVector acc2 = FloatVector.zero(F);
    FloatVector acc3 = FloatVector.zero(F);
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
      acc0 = FloatVector.fromArray(F, w, off + i).fma(xv, acc0);
      acc1 = FloatVector.fromArray(F, w, o1 + i).fma(xv, acc1);
      acc2 = FloatVector.fromArray(F, w, o2 + i).fma(xv, acc2);
      acc3 = FloatVector.fromArray(F, w, o3 + i).fma(xv, acc3);
    }
    acc0.intoArray(lanes, 0);
    acc1.intoArray(lanes, F.length());
    acc2.intoArray(lanes, 2 * F.length());
    acc3.intoArray(lanes, 3 * F.length());
    float s0 = sumLanes(lanes, 0);
    float s1 = sumLanes(lanes, 1);
    float s2 = sumLanes(lanes, 2);
    float s3 = sumLanes(lanes, 3);
    for (; i < n; i++) {
      float xi = x[xOff + i];
      s0 += w[off + i] * xi;
      s1 += w[o1 + i] * xi;
      s2 += w[o2 + i] * xi;
      s3 += w[o3 + i] * xi;
    }
    out[outOff] = s0;
    out[outOff + 1] = s1;
    out[outOff + 2] = s2;
    out[outOff + 3] = s3;
  }

  @Override
  public void gemmFloat(
      float[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    float[] lanes = gemmScratch.get().lanes;
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      floatRowsTimesBatch(w, r * n, n, x, batch, out, outStride, r, lanes);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = dotFloat(w, r * n, x, b * n, n);
      }
    }
  }

  @Override
  public void gemmHalf(
      short[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    GemmScratch s = gemmScratch.get();
    float[] tile = s.tile(TILE_ROWS * n);
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      for (int k = 0; k < 4; k++) {
        halvesToFloats(w, (r + k) * n, tile, k * n, n);
      }
      floatRowsTimesBatch(tile, 0, n, x, batch, out, outStride, r, s.lanes);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = half(w, r * n, x, b * n, n);
      }
    }
  }

  /**
   * {@code n} binary16 values from {@code w[off]} decoded exactly into {@code t[tOff]}: the
   * magnitude bits shifted into a float's place read as {@code value * 2^-112} for normal and
   * subnormal halves alike, so one multiply by {@code 2^112} (exact, a power of two) gives the
   * value; infinities and NaNs (exponent 31) get the float exponent 255 with the same significand
   * (OR-ed in: the scaled value keeps the significand); the sign is copied last.
   */
  private static void halvesToFloats(short[] w, int off, float[] t, int tOff, int n) {
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      IntVector h =
          (IntVector) ShortVector.fromArray(SI, w, off + i).convertShape(VectorOperators.S2I, I, 0);
      IntVector magnitude = h.and(0x7FFF);
      IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
      IntVector finite = shifted.reinterpretAsFloats().mul(0x1.0p112f).reinterpretAsInts();
      // (magnitude + 0x8400) >>> 16 is 1 exactly for exponent 31 (magnitude 0x7C00 to 0x7FFF), so
      // times 0x7F80_0000 it is the float exponent 255, without a compare and blend (a multiply:
      // with neg().and(..) here the demo's JVMs ran this loop boxed for good, 300 KB per warm-up
      // pass of 50 FP16 images, JFR: every operation in its Java fallback; with the multiply 0 B
      // in 3 JVMs of 3)
      IntVector special = magnitude.add(0x8400).lanewise(VectorOperators.LSHR, 16).mul(0x7F80_0000);
      finite
          .or(special)
          .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16))
          .reinterpretAsFloats()
          .intoArray(t, tOff + i);
    }
    for (; i < n; i++) {
      t[tOff + i] = Half.toFloat(w[off + i]);
    }
  }

  /**
   * Four float rows from {@code w[off]} (stride {@code n}) times every sample: two samples per
   * pass, so each weight load feeds two FMAs. Each (row, sample) has its own accumulator, summed in
   * the same order as {@link #float4}, so every value equals the GEMV's bit for bit.
   */
  private static void floatRowsTimesBatch(
      float[] w,
      int off,
      int n,
      float[] x,
      int batch,
      float[] out,
      int outStride,
      int r,
      float[] lanes) {
    int b = 0;
    for (; b + 2 <= batch; b += 2) {
      float4x2(
          w, off, n, x, b * n, (b + 1) * n, out, b * outStride + r, (b + 1) * outStride + r, lanes);
    }
    if (b < batch) {
      float4(w, off, n, x, b * n, n, out, b * outStride + r, lanes);
    }
  }

  private static void float4x2(
      float[] w,
      int off,
      int n,
      float[] x,
      int x0,
      int x1,
      float[] out,
      int o0,
      int o1,
      float[] lanes) {
    int w1 = off + n;
    int w2 = w1 + n;
    int w3 = w2 + n;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      FloatVector xa = FloatVector.fromArray(F, x, x0 + i);
      FloatVector xb = FloatVector.fromArray(F, x, x1 + i);
      FloatVector v0 = FloatVector.fromArray(F, w, off + i);
      a00 = v0.fma(xa, a00);
      a10 = v0.fma(xb, a10);
      FloatVector v1 = FloatVector.fromArray(F, w, w1 + i);
      a01 = v1.fma(xa, a01);
      a11 = v1.fma(xb, a11);
      FloatVector v2 = FloatVector.fromArray(F, w, w2 + i);
      a02 = v2.fma(xa, a02);
      a12 = v2.fma(xb, a12);
      FloatVector v3 = FloatVector.fromArray(F, w, w3 + i);
      a03 = v3.fma(xa, a03);
      a13 = v3.fma(xb, a13);
    }
    int l = F.length();
    a00.intoArray(lanes, 0);
    a01.intoArray(lanes, l);
    a02.intoArray(lanes, 2 * l);
    a03.intoArray(lanes, 3 * l);
    a10.intoArray(lanes, 4 * l);
    a11.intoArray(lanes, 5 * l);
    a12.intoArray(lanes, 6 * l);
    a13.intoArray(lanes, 7 * l);
    float s00 = sumLanes(lanes, 0),
        s01 = sumLanes(lanes, 1),
        s02 = sumLanes(lanes, 2),
        s03 = sumLanes(lanes, 3);
    float s10 = sumLanes(lanes, 4),
        s11 = sumLanes(lanes, 5),
        s12 = sumLanes(lanes, 6),
        s13 = sumLanes(lanes, 7);
    for (; i < n; i++) {
      float xa = x[x0 + i];
      float xb = x[x1 + i];
      s00 += w[off + i] * xa;
      s01 += w[w1 + i] * xa;
      s02 += w[w2 + i] * xa;
      s03 += w[w3 + i] * xa;
      s10 += w[off + i] * xb;
      s11 += w[w1 + i] * xb;
      s12 += w[w2 + i] * xb;
      s13 += w[w3 + i] * xb;
    }
    out[o0] = s00;
    out[o0 + 1] = s01;
    out[o0 + 2] = s02;
    out[o0 + 3] = s03;
    out[o1] = s10;
    out[o1 + 1] = s11;
    out[o1 + 2] = s12;
    out[o1 + 3] = s13;
  }

  /*
   * Batched float products on panels. Weights are packed once per layer (floatPanels) into panels
   * of PANEL rows stored input by input, so one input step loads the panel's two vectors of rows
   * and multiplies them by each sample's input, broadcast: an outer-product register tile whose
   * accumulators are output rows (no lane sums, no scratch array). Each (row, sample) sum is one
   * fused multiply-add per input in input order, whatever the tile, the K block, the batch size or
   * the vector width, so a value does not depend on how the batch was cut.
   */

  /**
   * Inputs per K block of the float panel product: a block of a panel ({@code 256 * PANEL} floats,
   * 32 KB at 512 bits) stays in L1 while every sample of the batch runs over it. On Zen 5 (JDK 17,
   * dense 1024 x 1024, batch 64) blocks of 256 inputs took 1,998 us against 2,527 us unblocked with
   * the four-sample tile, and made no difference with the eight-sample one (a loaded machine: the
   * figures are ratios of one run).
   */
  private static final int FLOAT_BLOCK = 256;

  /**
   * Samples per register tile of the float panel product: eight at 512 bits (sixteen accumulators,
   * two weight vectors and a broadcast in AVX-512's thirty-two registers; 1,695 us against 1,998 us
   * for four samples on the run above), four at 256 bits, where an AVX2 machine has sixteen
   * registers and eight samples' accumulators alone would fill them.
   */
  private static final int FLOAT_TILE = F.length() >= 16 ? 8 : 4;

  @Override
  public float[] floatPanels(float[] w, int rows, int n) {
    int padded = (rows + PANEL - 1) / PANEL * PANEL;
    float[] panels = new float[Math.multiplyExact(padded, n)];
    for (int r = 0; r < rows; r++) {
      int base = r / PANEL * PANEL * n + r % PANEL;
      for (int k = 0; k < n; k++) {
        panels[base + k * PANEL] = w[r * n + k];
      }
    }
    return panels;
  }

  @Override
  public short[] halfPanels(short[] w, int rows, int n) {
    int padded = (rows + PANEL - 1) / PANEL * PANEL;
    short[] panels = new short[Math.multiplyExact(padded, n)];
    for (int r = 0; r < rows; r++) {
      int base = r / PANEL * PANEL * n + r % PANEL;
      for (int k = 0; k < n; k++) {
        panels[base + k * PANEL] = w[r * n + k];
      }
    }
    return panels;
  }

  @Override
  public void gemmFloat(
      float[] w,
      float[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    if (panels.length == 0) {
      gemmFloat(w, n, rowFrom, rowTo, x, batch, out, outStride);
      return;
    }
    GemmScratch s = gemmScratch.get();
    for (int r0 = rowFrom / PANEL * PANEL; r0 < rowTo; r0 += PANEL) {
      floatPanelTimesBatch(panels, r0 * n, n, r0, rowFrom, rowTo, x, batch, out, outStride, s);
    }
  }

  /** As the float panel product, each panel of halves decoded to floats once per call. */
  @Override
  public void gemmHalf(
      short[] w,
      short[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    if (panels.length == 0) {
      gemmHalf(w, n, rowFrom, rowTo, x, batch, out, outStride);
      return;
    }
    GemmScratch s = gemmScratch.get();
    float[] t = s.panel(PANEL * n);
    for (int r0 = rowFrom / PANEL * PANEL; r0 < rowTo; r0 += PANEL) {
      halvesToFloats(panels, r0 * n, t, 0, PANEL * n);
      floatPanelTimesBatch(t, 0, n, r0, rowFrom, rowTo, x, batch, out, outStride, s);
    }
  }

  /**
   * The panel of rows {@code [r0, r0 + PANEL)} at {@code p[pOff]} times every sample, K block by K
   * block (a later block adds to the sums the earlier one stored), into the rows of {@code
   * [rowFrom, rowTo)} it holds: straight into {@code out} when it lies wholly inside, else through
   * a scratch panel of outputs copied out row by row (a zero-padded last panel, or a panel split
   * between two threads' row ranges: no other row of {@code out} is written).
   */
  private static void floatPanelTimesBatch(
      float[] p,
      int pOff,
      int n,
      int r0,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride,
      GemmScratch s) {
    int lo = Math.max(r0, rowFrom);
    int hi = Math.min(r0 + PANEL, rowTo);
    boolean whole = lo == r0 && hi == r0 + PANEL;
    float[] dst = whole ? out : s.outputs(batch * PANEL);
    int dOff = whole ? r0 : 0;
    int stride = whole ? outStride : PANEL;
    if (n == 0) {
      for (int b = 0; b < batch; b++) {
        java.util.Arrays.fill(dst, b * stride + dOff, b * stride + dOff + PANEL, 0.0f);
      }
    }
    for (int k0 = 0; k0 < n; k0 += FLOAT_BLOCK) {
      int k1 = Math.min(n, k0 + FLOAT_BLOCK);
      floatTiles(p, pOff, x, batch, n, k0, k1, dst, dOff, stride, k0 > 0);
    }
    if (!whole) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(dst, b * PANEL + lo - r0, out, b * outStride + lo, hi - lo);
      }
    }
  }

  /**
   * Inputs {@code [from, to)} of a float panel at {@code p[pOff]} times one sample {@code x[x0 ..]}
   * into the panel's outputs at {@code out[o0]}: stored, or added to what is there ({@code add}, a
   * later K block).
   */
  private static void floatTile1(
      float[] p, int pOff, float[] x, int x0, int from, int to, float[] out, int o0, boolean add) {
    int l = F.length();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    if (add) {
      a0 = FloatVector.fromArray(F, out, o0);
      a1 = FloatVector.fromArray(F, out, o0 + l);
    }
    for (int k = from; k < to; k++) {
      int wk = pOff + k * PANEL;
      FloatVector s = FloatVector.broadcast(F, x[x0 + k]);
      a0 = FloatVector.fromArray(F, p, wk).fma(s, a0);
      a1 = FloatVector.fromArray(F, p, wk + l).fma(s, a1);
    }
    a0.intoArray(out, o0);
    a1.intoArray(out, o0 + l);
  }

  /** {@link #floatTile1} for four samples ({@code n} apart in {@code x}, {@code stride} in out). */
  private static void floatTile4(
      float[] p,
      int pOff,
      float[] x,
      int x0,
      int n,
      int from,
      int to,
      float[] out,
      int o0,
      int stride,
      boolean add) {
    int l = F.length();
    int x1 = x0 + n;
    int x2 = x1 + n;
    int x3 = x2 + n;
    int o1 = o0 + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    if (add) {
      a00 = FloatVector.fromArray(F, out, o0);
      a01 = FloatVector.fromArray(F, out, o0 + l);
      a10 = FloatVector.fromArray(F, out, o1);
      a11 = FloatVector.fromArray(F, out, o1 + l);
      a20 = FloatVector.fromArray(F, out, o2);
      a21 = FloatVector.fromArray(F, out, o2 + l);
      a30 = FloatVector.fromArray(F, out, o3);
      a31 = FloatVector.fromArray(F, out, o3 + l);
    }
    for (int k = from; k < to; k++) {
      int wk = pOff + k * PANEL;
      FloatVector w0 = FloatVector.fromArray(F, p, wk);
      FloatVector w1 = FloatVector.fromArray(F, p, wk + l);
      FloatVector s = FloatVector.broadcast(F, x[x0 + k]);
      a00 = w0.fma(s, a00);
      a01 = w1.fma(s, a01);
      s = FloatVector.broadcast(F, x[x1 + k]);
      a10 = w0.fma(s, a10);
      a11 = w1.fma(s, a11);
      s = FloatVector.broadcast(F, x[x2 + k]);
      a20 = w0.fma(s, a20);
      a21 = w1.fma(s, a21);
      s = FloatVector.broadcast(F, x[x3 + k]);
      a30 = w0.fma(s, a30);
      a31 = w1.fma(s, a31);
    }
    a00.intoArray(out, o0);
    a01.intoArray(out, o0 + l);
    a10.intoArray(out, o1);
    a11.intoArray(out, o1 + l);
    a20.intoArray(out, o2);
    a21.intoArray(out, o2 + l);
    a30.intoArray(out, o3);
    a31.intoArray(out, o3 + l);
  }

  /**
   * {@link #floatTile1} for eight samples: sixteen accumulators, two weight vectors and a
   * broadcast, within AVX-512's thirty-two registers (at 256 bits, AVX2's sixteen, it spills, so
   * the tile follows the width: see {@link #FLOAT_TILE}).
   */
  private static void floatTile8(
      float[] p,
      int pOff,
      float[] x,
      int x0,
      int n,
      int from,
      int to,
      float[] out,
      int o0,
      int stride,
      boolean add) {
    int l = F.length();
    int x1 = x0 + n;
    int x2 = x1 + n;
    int x3 = x2 + n;
    int x4 = x3 + n;
    int x5 = x4 + n;
    int x6 = x5 + n;
    int x7 = x6 + n;
    int o1 = o0 + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    int o4 = o3 + stride;
    int o5 = o4 + stride;
    int o6 = o5 + stride;
    int o7 = o6 + stride;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    FloatVector a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00;
    FloatVector a71 = a00;
    if (add) {
      a00 = FloatVector.fromArray(F, out, o0);
      a01 = FloatVector.fromArray(F, out, o0 + l);
      a10 = FloatVector.fromArray(F, out, o1);
      a11 = FloatVector.fromArray(F, out, o1 + l);
      a20 = FloatVector.fromArray(F, out, o2);
      a21 = FloatVector.fromArray(F, out, o2 + l);
      a30 = FloatVector.fromArray(F, out, o3);
      a31 = FloatVector.fromArray(F, out, o3 + l);
      a40 = FloatVector.fromArray(F, out, o4);
      a41 = FloatVector.fromArray(F, out, o4 + l);
      a50 = FloatVector.fromArray(F, out, o5);
      a51 = FloatVector.fromArray(F, out, o5 + l);
      a60 = FloatVector.fromArray(F, out, o6);
      a61 = FloatVector.fromArray(F, out, o6 + l);
      a70 = FloatVector.fromArray(F, out, o7);
      a71 = FloatVector.fromArray(F, out, o7 + l);
    }
    for (int k = from; k < to; k++) {
      int wk = pOff + k * PANEL;
      FloatVector w0 = FloatVector.fromArray(F, p, wk);
      FloatVector w1 = FloatVector.fromArray(F, p, wk + l);
      FloatVector s = FloatVector.broadcast(F, x[x0 + k]);
      a00 = w0.fma(s, a00);
      a01 = w1.fma(s, a01);
      s = FloatVector.broadcast(F, x[x1 + k]);
      a10 = w0.fma(s, a10);
      a11 = w1.fma(s, a11);
      s = FloatVector.broadcast(F, x[x2 + k]);
      a20 = w0.fma(s, a20);
      a21 = w1.fma(s, a21);
      s = FloatVector.broadcast(F, x[x3 + k]);
      a30 = w0.fma(s, a30);
      a31 = w1.fma(s, a31);
      s = FloatVector.broadcast(F, x[x4 + k]);
      a40 = w0.fma(s, a40);
      a41 = w1.fma(s, a41);
      s = FloatVector.broadcast(F, x[x5 + k]);
      a50 = w0.fma(s, a50);
      a51 = w1.fma(s, a51);
      s = FloatVector.broadcast(F, x[x6 + k]);
      a60 = w0.fma(s, a60);
      a61 = w1.fma(s, a61);
      s = FloatVector.broadcast(F, x[x7 + k]);
      a70 = w0.fma(s, a70);
      a71 = w1.fma(s, a71);
    }
    a00.intoArray(out, o0);
    a01.intoArray(out, o0 + l);
    a10.intoArray(out, o1);
    a11.intoArray(out, o1 + l);
    a20.intoArray(out, o2);
    a21.intoArray(out, o2 + l);
    a30.intoArray(out, o3);
    a31.intoArray(out, o3 + l);
    a40.intoArray(out, o4);
    a41.intoArray(out, o4 + l);
    a50.intoArray(out, o5);
    a51.intoArray(out, o5 + l);
    a60.intoArray(out, o6);
    a61.intoArray(out, o6 + l);
    a70.intoArray(out, o7);
    a71.intoArray(out, o7 + l);
  }

  /**
   * Lane {@code j} holds {@code 31 - j}: shifting a broadcast word left by it puts bit {@code j} in
   * the sign bit.
   */
  private static final IntVector SIGN_SHIFTS = IntVector.fromArray(I, signShifts(), 0);

  /** The float sign bit. */
  private static final int SIGN_BIT = 0x8000_0000;

  private static int[] signShifts() {
    int[] shifts = new int[I.length()];
    for (int j = 0; j < shifts.length; j++) {
      shifts[j] = 31 - j;
    }
    return shifts;
  }

  // The sign masks below are written out in each loop: C2 on JDK 17 left small helpers that return
  // vectors un-inlined at some call sites ("callee is too large"), boxing every vector.
  // Lane j: broadcast the row's bits from element i, shift bit j into the sign bit, keep the sign
  // bit where the weight bit is 0 (weight -1) and XOR it into x: x or -x, exactly.

  @Override
  public float dotSigns(long[] w, int off, float[] x, int xOff, int n) {
    float[] sums = gemmScratch.get().rowSums;
    dotSigns4(w, off, 0, x, xOff, n, sums, 0); // one row as four: see the class comment
    return sums[0];
  }

  @Override
  public void dotSigns4(
      long[] w, int off, int words, float[] x, int xOff, int n, float[] out, int outOff) {
    float[] lanes = gemmScratch.get().lanes;
    int o1 = off + words;
    int o2 = o1 + words;
    int o3 = o2 + words;
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0;
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
      IntVector xi = xv.reinterpretAsInts();
      int word = i >>> 6;
      int shift = i & 63;
      IntVector f0 =
          IntVector.broadcast(I, (int) (w[off + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f1 =
          IntVector.broadcast(I, (int) (w[o1 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f2 =
          IntVector.broadcast(I, (int) (w[o2 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f3 =
          IntVector.broadcast(I, (int) (w[o3 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      acc0 =
          acc0.add(xi.lanewise(VectorOperators.XOR, f0.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc1 =
          acc1.add(xi.lanewise(VectorOperators.XOR, f1.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc2 =
          acc2.add(xi.lanewise(VectorOperators.XOR, f2.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc3 =
          acc3.add(xi.lanewise(VectorOperators.XOR, f3.not().and(SIGN_BIT)).reinterpretAsFloats());
    }
    acc0.intoArray(lanes, 0);
    acc1.intoArray(lanes, F.length());
    acc2.intoArray(lanes, 2 * F.length());
    acc3.intoArray(lanes, 3 * F.length());
    float s0 = sumLanes(lanes, 0);
    float s1 = sumLanes(lanes, 1);
    float s2 = sumLanes(lanes, 2);
    float s3 = sumLanes(lanes, 3);
    for (; i < n; i++) {
      float xi = x[xOff + i];
      int word = i >>> 6;
      s0 += ScalarKernelSupport.flip(xi, w[off + word] >>> i);
      s1 += ScalarKernelSupport.flip(xi, w[o1 + word] >>> i);
      s2 += ScalarKernelSupport.flip(xi, w[o2 + word] >>> i);
      s3 += ScalarKernelSupport.flip(xi, w[o3 + word] >>> i);
    }
    out[outOff] = s0;
    out[outOff + 1] = s1;
    out[outOff + 2] = s2;
    out[outOff + 3] = s3;
  }

  /**
   * Decodes each group of four sign rows to {@code +-1} floats once, then the float product: {@code
   * fma(+-1, x, acc)} rounds {@code acc +- x} once, exactly as the sign flip and add of {@link
   * #dotSigns4}, so every value equals it bit for bit.
   */
  @Override
  public void gemmSigns(
      long[] w,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    if (batch < SIGNS_TILE_BATCH) {
      // too few samples to pay for decoding the rows to floats: sign flips straight from the bits
      for (int b = 0; b < batch; b++) {
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
          dotSigns4(w, r * words, words, x, b * n, n, out, b * outStride + r);
        }
        for (; r < rowTo; r++) {
          out[b * outStride + r] = dotSigns(w, r * words, x, b * n, n);
        }
      }
      return;
    }
    GemmScratch s = gemmScratch.get();
    float[] tile = s.tile(TILE_ROWS * n);
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      for (int k = 0; k < 4; k++) {
        signsToFloats(w, (r + k) * words, tile, k * n, n);
      }
      floatRowsTimesBatch(tile, 0, n, x, batch, out, outStride, r, s.lanes);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = dotSigns(w, r * words, x, b * n, n);
      }
    }
  }

  /**
   * One sign row as +-1.0 floats into {@code t}. The batched sign product decodes rows into a
   * per-thread tile first and then runs the float loop: a decoding helper called inside the product
   * loop was not inlined by C2 on JDK 17 ("callee is too large"), which boxed every vector and ran
   * ten times slower than FP32; decoding apart keeps each loop simple.
   */
  private static void signsToFloats(long[] w, int off, float[] t, int tOff, int n) {
    FloatVector one = FloatVector.broadcast(F, 1.0f);
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      IntVector f =
          IntVector.broadcast(I, (int) (w[off + (i >>> 6)] >>> (i & 63)))
              .lanewise(VectorOperators.LSHL, SIGN_SHIFTS);
      one.reinterpretAsInts()
          .lanewise(VectorOperators.XOR, f.not().and(SIGN_BIT))
          .reinterpretAsFloats()
          .intoArray(t, tOff + i);
    }
    for (; i < n; i++) {
      t[tOff + i] = ScalarKernelSupport.flip(1.0f, w[off + (i >>> 6)] >>> i);
    }
  }

  /*
   * Batched sign products on panels: the sign rows are packed once per layer (signPanels) into
   * panels of PANEL rows (16 or 32, at most an int's bits), one int per input holding the signs of
   * the panel's rows. Per call a panel is expanded, K block by K block, to +-1.0f floats (exact)
   * and runs the float panel tiles (floatTile8/4/1): fma(+-1, x, acc) rounds acc +- x once, so each
   * sum is the sign-flipped inputs added one by one in input order, whatever the tile, the K block
   * or the vector width.
   */

  /**
   * Samples from which the batched sign product runs on the panels. Fewer samples run the
   * one-sample sign kernels from the rows' bits ({@link #gemmSigns(long[], int, int, int, int,
   * float[], int, float[], int)}), which expand nothing: on Zen 5 (JDK 17, 256 x 784, one run) one
   * sample took 9.0 us that way against 15.8 us expanding the panels, four samples 36 us against 17
   * us. (Adding the sign-flipped inputs straight from the panel bits took 5.6 us for one sample,
   * but C2 left its final stores un-intrinsified: two boxed vectors per panel per call.)
   */
  private static final int SIGN_PANEL_BATCH = 4;

  /**
   * Panels of {@link #PANEL} sign rows, panel by panel, input by input: {@code panels[p * n + k]}
   * holds in bit {@code j} the weight bit of row {@code p * PANEL + j} at input {@code k} (1 for
   * +1); the rows of a last partial panel past {@code rows} are 0 bits, whose outputs are computed
   * into scratch and dropped.
   */
  @Override
  public int[] signPanels(long[] w, int words, int rows, int n) {
    int[] panels = new int[Math.multiplyExact((rows + PANEL - 1) / PANEL, n)];
    for (int r = 0; r < rows; r++) {
      int base = r / PANEL * n;
      int bit = 1 << (r % PANEL);
      int row = r * words;
      for (int k = 0; k < n; k++) {
        if (((w[row + (k >>> 6)] >>> k) & 1L) != 0) {
          panels[base + k] |= bit;
        }
      }
    }
    return panels;
  }

  /**
   * From {@link #SIGN_PANEL_BATCH} samples each panel holding rows of {@code [rowFrom, rowTo)} is
   * expanded to {@code +-1.0f} once per call, block by block, and the float panel tiles run every
   * sample over it ({@link #signPanelTimesBatch}): each sum is {@code x} with its sign flipped or
   * not, added input by input from 0.0. Fewer samples run the row-major product (the one-sample
   * kernels' sums bit for bit).
   */
  @Override
  public void gemmSigns(
      long[] w,
      int[] panels,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    if (panels.length == 0 || batch < SIGN_PANEL_BATCH) {
      gemmSigns(w, words, n, rowFrom, rowTo, x, batch, out, outStride);
      return;
    }
    GemmScratch s = gemmScratch.get();
    for (int r0 = rowFrom / PANEL * PANEL; r0 < rowTo; r0 += PANEL) {
      int lo = Math.max(r0, rowFrom);
      int hi = Math.min(r0 + PANEL, rowTo);
      boolean whole = lo == r0 && hi == r0 + PANEL;
      // a panel wholly inside the rows is written straight into out, else into scratch outputs
      // (a zero-bit padded last panel, or a panel split between two threads' row ranges)
      float[] dst = whole ? out : s.outputs(batch * PANEL);
      signPanelTimesBatch(
          panels, r0 / PANEL * n, n, x, batch, dst, whole ? r0 : 0, whole ? outStride : PANEL, s);
      if (!whole) {
        for (int b = 0; b < batch; b++) {
          System.arraycopy(dst, b * PANEL + lo - r0, out, b * outStride + lo, hi - lo);
        }
      }
    }
  }

  /**
   * The sign panel of {@code n} ints from {@code panels[off]} times every sample into the panel's
   * outputs at {@code out[b * stride + o0]}, K block by K block ({@link #FLOAT_BLOCK}): each block
   * expanded to {@code +-1.0f} into a per-thread buffer that stays in L1 while the float tiles run
   * every sample over it (a later block adds to the sums the earlier one stored).
   */
  private static void signPanelTimesBatch(
      int[] panels,
      int off,
      int n,
      float[] x,
      int batch,
      float[] out,
      int o0,
      int stride,
      GemmScratch s) {
    if (n == 0) {
      for (int b = 0; b < batch; b++) {
        java.util.Arrays.fill(out, b * stride + o0, b * stride + o0 + PANEL, 0.0f);
      }
    }
    float[] t = s.panel(PANEL * Math.min(n, FLOAT_BLOCK));
    for (int k0 = 0; k0 < n; k0 += FLOAT_BLOCK) {
      int k1 = Math.min(n, k0 + FLOAT_BLOCK);
      signPanelToFloats(panels, off + k0, k1 - k0, t);
      int pOff = -k0 * PANEL; // the tiles read input k at t[pOff + k * PANEL]
      floatTiles(t, pOff, x, batch, n, k0, k1, out, o0, stride, k0 > 0);
    }
  }

  /**
   * Inputs {@code [k0, k1)} of a float panel times every sample: eight samples at a time (512-bit
   * vectors) or four, then one by one, into {@code out[b * stride + o0 ..]} (added when {@code
   * add}).
   */
  private static void floatTiles(
      float[] p,
      int pOff,
      float[] x,
      int batch,
      int n,
      int k0,
      int k1,
      float[] out,
      int o0,
      int stride,
      boolean add) {
    int b = 0;
    if (FLOAT_TILE == 8) {
      for (; b + 8 <= batch; b += 8) {
        floatTile8(p, pOff, x, b * n, n, k0, k1, out, b * stride + o0, stride, add);
      }
    }
    for (; b + 4 <= batch; b += 4) {
      floatTile4(p, pOff, x, b * n, n, k0, k1, out, b * stride + o0, stride, add);
    }
    for (; b < batch; b++) {
      floatTile1(p, pOff, x, b * n, k0, k1, out, b * stride + o0, add);
    }
  }

  /**
   * The sign panel of {@code n} ints from {@code panels[off]} as {@code +-1.0f} into {@code t},
   * input by input in the float panel layout: the input's int broadcast, bit {@code j} shifted into
   * lane {@code j}'s sign bit ({@link #SIGN_SHIFTS}; the panel's upper half from the int shifted
   * right by a vector's lanes), inverted (bit 1 is +1, a clear sign bit) and OR-ed into 1.0f.
   */
  private static void signPanelToFloats(int[] panels, int off, int n, float[] t) {
    int l = F.length();
    int one = Float.floatToRawIntBits(1.0f);
    for (int k = 0; k < n; k++) {
      int bits = panels[off + k];
      IntVector low = IntVector.broadcast(I, bits).lanewise(LSHL, SIGN_SHIFTS);
      IntVector high = IntVector.broadcast(I, bits >>> l).lanewise(LSHL, SIGN_SHIFTS);
      low.not().and(SIGN_BIT).or(one).reinterpretAsFloats().intoArray(t, k * PANEL);
      high.not().and(SIGN_BIT).or(one).reinterpretAsFloats().intoArray(t, k * PANEL + l);
    }
  }

  /**
   * The division in float lanes (the same IEEE quotient as the scalar one); NaN lanes set to 0 (so
   * they give the zero point); clamped to [-1024, 1024], which changes no saturated result (the
   * zero point is within [-128, 127]) and keeps {@code v + 1.5 * 2^23} exact, so that sum minus
   * {@code 1.5 * 2^23} is {@code rint(v)} (round half to even at spacing 1) and its bits carry the
   * integer; then the zero point and the int8 clamp in int lanes.
   */
  @Override
  public void quantizeInt8(
      float[] x, int xOff, int n, float scale, int zeroPoint, byte[] q, int qOff) {
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      quantizeLanes(x, xOff + i, scale, zeroPoint, q, qOff + i);
    }
    for (; i < n; i++) {
      q[qOff + i] = (byte) LayerMath.quantizeInt8(x[xOff + i], scale, zeroPoint);
    }
  }

  /**
   * One vector of {@link #quantizeInt8}: true division, NaN to 0, clamped to +-1024 (beyond which
   * the int8 result saturates either way) so the {@link #MAGIC} addition rounds half to even
   * exactly, zero point, saturation, then narrowed to bytes in one conversion. NaN and the clamp
   * work on the quotient's bits (a float's magnitude bits order as its magnitude, NaNs above
   * infinity's): single-instruction int compares, blend and min, where the float {@code max} and
   * {@code min} with Java's NaN and signed-zero rules cost several instructions each (on Zen 5, JDK
   * 17: 64 x 784 values in 9.8 us against 17.0 us).
   */
  private static void quantizeLanes(
      float[] x, int xOff, float scale, int zeroPoint, byte[] q, int qOff) {
    IntVector bits = FloatVector.fromArray(F, x, xOff).div(scale).reinterpretAsInts();
    IntVector magnitude = bits.and(0x7FFF_FFFF);
    magnitude = magnitude.blend(0, magnitude.compare(VectorOperators.GT, INFINITY_BITS));
    magnitude = magnitude.min(QUANTIZE_LIMIT_BITS);
    ((FloatVector) magnitude.or(bits.and(0x8000_0000)).reinterpretAsFloats())
        .add(MAGIC)
        .reinterpretAsInts()
        .sub(MAGIC_BITS - zeroPoint)
        .max(-128)
        .min(127)
        .convertShape(VectorOperators.I2B, BI, 0)
        .reinterpretAsBytes()
        .intoArray(q, qOff);
  }

  /** The bits of positive infinity: a magnitude above them is a NaN. */
  private static final int INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

  /** The bits of 1024f, the magnitude {@link #quantizeLanes} clamps quotients to. */
  private static final int QUANTIZE_LIMIT_BITS = Float.floatToRawIntBits(1024f);

  @Override
  public float dynamicLow(float[] x, int off, int n) {
    int bound = F.loopBound(n);
    float lo = 0.0f;
    if (bound > 0) {
      float[] lanes = gemmScratch.get().lanes;
      finiteExtremes(x, off, bound, lanes);
      for (int j = 0; j < F.length(); j++) {
        lo = Math.min(lo, lanes[j]);
      }
      lo += 0.0f; // a -0.0 lane: widenLow never takes -0.0 over 0.0 (-0.0 < 0.0 is false)
    }
    for (int i = off + bound; i < off + n; i++) {
      lo = LayerMath.widenLow(lo, x[i]);
    }
    return lo;
  }

  @Override
  public float dynamicHigh(float[] x, int off, int n) {
    int bound = F.loopBound(n);
    float hi = 0.0f;
    if (bound > 0) {
      float[] lanes = gemmScratch.get().lanes;
      finiteExtremes(x, off, bound, lanes);
      for (int j = F.length(); j < 2 * F.length(); j++) {
        hi = Math.max(hi, lanes[j]);
      }
    }
    for (int i = off + bound; i < off + n; i++) {
      hi = LayerMath.widenHigh(hi, x[i]);
    }
    return hi;
  }

  /**
   * One pass over each sample for both ends of its range (the lanes of {@link #finiteExtremes}).
   */
  @Override
  public void quantizeDynamic(
      float[] x, int batch, int n, byte[] q, float[] scales, int[] zeroPoints) {
    int bound = F.loopBound(n);
    float[] lanes = gemmScratch.get().lanes;
    for (int b = 0; b < batch; b++) {
      int base = b * n;
      float lo = 0.0f;
      float hi = 0.0f;
      if (bound > 0) {
        finiteExtremes(x, base, bound, lanes);
        for (int j = 0; j < F.length(); j++) {
          lo = Math.min(lo, lanes[j]);
          hi = Math.max(hi, lanes[F.length() + j]);
        }
        lo += 0.0f; // as in dynamicLow: never -0.0
      }
      for (int i = base + bound; i < base + n; i++) {
        lo = LayerMath.widenLow(lo, x[i]);
        hi = LayerMath.widenHigh(hi, x[i]);
      }
      float sa = LayerMath.dynamicScale(lo, hi);
      int za = LayerMath.dynamicZeroPoint(lo, sa) - LayerMath.UINT8_OFFSET;
      scales[b] = sa;
      zeroPoints[b] = za;
      quantizeInt8(x, base, n, sa, za, q, base);
    }
  }

  @Override
  public void dequantizeDynamic(
      int[] products,
      int batch,
      int out,
      float[] scales,
      int[] zeroPoints,
      int[] weightSums,
      float[] weightScales,
      float[] bias,
      float lo,
      float hi,
      float[] y) {
    int bound = I.loopBound(out);
    for (int b = 0; b < batch; b++) {
      int base = b * out;
      float sa = scales[b];
      int za = zeroPoints[b];
      int c = 0;
      for (; c < bound; c += I.length()) {
        dequantizeLanes(products, base, c, za, weightSums, sa, weightScales, bias, lo, hi, y);
      }
      for (; c < out; c++) {
        y[base + c] =
            KernelSupport.dynamicOutput(
                products[base + c], za, weightSums[c], sa, weightScales[c], bias, c, lo, hi);
      }
    }
  }

  /**
   * One vector of {@link #dequantizeDynamic}. The int32 accumulator becomes a float exactly as
   * Java's {@code (float) acc} rounds it: its high and low 16 bits convert exactly by the {@link
   * #MAGIC} addition read backwards, {@code high * 65536} is exact, and the one addition rounds the
   * exact sum once, to nearest even (JDK 17 C2 leaves the lane-wise int-to-float conversion to
   * Java).
   */
  private static void dequantizeLanes(
      int[] products,
      int base,
      int c,
      int za,
      int[] weightSums,
      float sa,
      float[] weightScales,
      float[] bias,
      float lo,
      float hi,
      float[] y) {
    IntVector acc =
        IntVector.fromArray(I, products, base + c)
            .sub(IntVector.fromArray(I, weightSums, c).mul(za));
    FloatVector high = acc.lanewise(ASHR, 16).add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC);
    FloatVector low = acc.and(0xFFFF).add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC);
    FloatVector v =
        high.mul(65536.0f).add(low).mul(FloatVector.fromArray(F, weightScales, c).mul(sa));
    if (bias != null) {
      v = v.add(FloatVector.fromArray(F, bias, c));
    }
    v.max(lo).min(hi).intoArray(y, base + c);
  }

  /**
   * Lane-wise minimum (into {@code lanes[0 .. L)}) and maximum ({@code lanes[L .. 2L)}) of 0 and
   * the finite values among {@code x[off .. off + bound)}, {@code bound} whole vectors: a lane
   * whose magnitude is not below infinity (an infinity, or NaN) reads as 0.
   *
   * <p>The extremes are taken on ordered keys with int min and max, one instruction each, where the
   * float {@code min} and {@code max} with Java's NaN and signed-zero rules take several (Zen 5,
   * JDK 17: 64 samples of 784 values in 4.3 us against 12.1 us). A float's key is its bits with the
   * magnitude bits flipped when negative: keys order as the floats do (-0.0 just below 0.0), and
   * the same flip maps a key back. So a -0.0 lane comes back as -0.0 for the minimum and loses to 0
   * for the maximum, as the float operations give. (Written out, not a helper: see the class
   * comment.)
   */
  private static void finiteExtremes(float[] x, int off, int bound, float[] lanes) {
    IntVector min = IntVector.zero(I);
    IntVector max = min;
    for (int i = 0; i < bound; i += F.length()) {
      IntVector bits = FloatVector.fromArray(F, x, off + i).reinterpretAsInts();
      IntVector key =
          bits.lanewise(VectorOperators.XOR, bits.lanewise(ASHR, 31).and(0x7FFF_FFFF))
              .blend(0, bits.and(0x7FFF_FFFF).compare(VectorOperators.GE, INFINITY_BITS));
      min = min.min(key);
      max = max.max(key);
    }
    min.lanewise(VectorOperators.XOR, min.lanewise(ASHR, 31).and(0x7FFF_FFFF))
        .reinterpretAsFloats()
        .intoArray(lanes, 0);
    max.lanewise(VectorOperators.XOR, max.lanewise(ASHR, 31).and(0x7FFF_FFFF))
        .reinterpretAsFloats()
        .intoArray(lanes, F.length());
  }

  @Override
  public void requantizeInt8(
      int[] products,
      int batch,
      int stride,
      int from,
      int to,
      int[] correction,
      int[] multipliers,
      int[] shifts,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    boolean vectors = rightShiftsOnly(shifts, from, to);
    int lanes = I.length();
    for (int b = 0; b < batch; b++) {
      int base = b * stride;
      int c = from;
      if (vectors) {
        for (; c + lanes <= to; c += lanes) {
          requantizeLanes(products, base, c, correction, multipliers, shifts, zeroPoint, lo, hi);
        }
      }
      for (; c < to; c++) {
        products[base + c] =
            LayerMath.requantize(
                products[base + c] + correction[c], multipliers[c], shifts[c], zeroPoint, lo, hi);
      }
      narrowToBytes(products, base + from, to - from, q);
    }
  }

  /**
   * Whether every channel of {@code [from, to)} shifts right (a multiplier below 1, the usual
   * case).
   */
  private static boolean rightShiftsOnly(int[] shifts, int from, int to) {
    for (int c = from; c < to; c++) {
      if (shifts[c] > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * One vector of channels from {@code c} of the sample at {@code base}, requantized in place as
   * {@code LayerMath.requantize} does, for right shifts {@code e = -shift} in [0, 31]:
   *
   * <ul>
   *   <li>gemmlowp's {@code SaturatingRoundingDoublingHighMul}, {@code trunc((a * m + nudge) /
   *       2^31)} with the nudge {@code 2^30} or {@code 1 - 2^30} by sign, equals {@code floor((a *
   *       m + 2^30) / 2^31)} for both signs (for a negative sum, {@code trunc(y / 2^31) = floor((y
   *       + 2^31 - 1) / 2^31)}); the product is exact in long lanes; a logical shift gives the same
   *       low 32 bits as an arithmetic one, and the result fits in 32 bits, so the narrowing keeps
   *       it.
   *   <li>{@code RoundingDivideByPOT}: {@code (x >> e) + (remainder > threshold ? 1 : 0)} with
   *       {@code remainder = x & mask}, {@code threshold = (mask >> 1) + (x < 0 ? 1 : 0)}; the
   *       comparison of two values in [0, 2^31) is the sign bit of their difference.
   * </ul>
   *
   * Every operation here compiles to AVX2 instructions at 256 bits too (checked with -XX:UseAVX=2:
   * no allocation, so no Java fallback). The ints stay in the kernels' one int species {@code I}:
   * an int vector of another width in the same JVM (a first version used half-width ints here) made
   * C2 give up intrinsifying the panel kernel's int vectors (20 MB boxed per batch of 16).
   */
  private static void requantizeLanes(
      int[] products,
      int base,
      int c,
      int[] correction,
      int[] multipliers,
      int[] shifts,
      int zeroPoint,
      int lo,
      int hi) {
    IntVector acc =
        IntVector.fromArray(I, products, base + c).add(IntVector.fromArray(I, correction, c));
    IntVector multiplier = IntVector.fromArray(I, multipliers, c);
    // the lanes' two halves as longs, each product exact, narrowed back into its half of x
    LongVector a0 = (LongVector) acc.convertShape(VectorOperators.I2L, LO, 0);
    LongVector a1 = (LongVector) acc.convertShape(VectorOperators.I2L, LO, 1);
    LongVector m0 = (LongVector) multiplier.convertShape(VectorOperators.I2L, LO, 0);
    LongVector m1 = (LongVector) multiplier.convertShape(VectorOperators.I2L, LO, 1);
    IntVector x0 =
        (IntVector)
            a0.mul(m0)
                .add(1L << 30)
                .lanewise(VectorOperators.LSHR, 31)
                .convertShape(VectorOperators.L2I, I, 0);
    IntVector x1 =
        (IntVector)
            a1.mul(m1)
                .add(1L << 30)
                .lanewise(VectorOperators.LSHR, 31)
                .convertShape(VectorOperators.L2I, I, -1);
    IntVector x = x0.or(x1);
    IntVector e = IntVector.fromArray(I, shifts, c).neg();
    IntVector mask = IntVector.broadcast(I, 1).lanewise(VectorOperators.LSHL, e).sub(1);
    IntVector remainder = x.and(mask);
    IntVector threshold =
        mask.lanewise(VectorOperators.ASHR, 1).sub(x.lanewise(VectorOperators.ASHR, 31));
    IntVector roundUp = threshold.sub(remainder).lanewise(VectorOperators.LSHR, 31);
    x.lanewise(VectorOperators.ASHR, e)
        .add(roundUp)
        .add(zeroPoint)
        .max(lo)
        .min(hi)
        .intoArray(products, base + c);
  }

  /** {@code q[off + i] = (byte) v[off + i]} for {@code i < n} (values already within int8). */
  private static void narrowToBytes(int[] v, int off, int n, byte[] q) {
    int i = 0;
    for (; i + I.length() <= n; i += I.length()) {
      narrowLanes(v, off + i, q);
    }
    for (; i < n; i++) {
      q[off + i] = (byte) v[off + i];
    }
  }

  private static void narrowLanes(int[] v, int off, byte[] q) {
    IntVector.fromArray(I, v, off)
        .convertShape(VectorOperators.I2B, BI, 0)
        .reinterpretAsBytes()
        .intoArray(q, off);
  }

  @Override
  public float dotHalf(short[] w, int off, float[] x, int n) {
    return half(w, off, x, 0, n);
  }

  /** {@link #dotHalf} with the input at {@code x[xOff ..]}. */
  private float half(short[] w, int off, float[] x, int xOff, int n) {
    GemmScratch s = gemmScratch.get();
    float[] t = s.tile(n);
    halvesToFloats(w, off, t, 0, n);
    float4(t, 0, 0, x, xOff, n, s.rowSums, 0, s.lanes); // one row as four: see the class comment
    return s.rowSums[0];
  }

  @Override
  public void dotHalf4(short[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    GemmScratch s = gemmScratch.get();
    float[] t = s.tile(TILE_ROWS * n);
    for (int k = 0; k < 4; k++) {
      halvesToFloats(w, off + k * stride, t, k * n, n);
    }
    float4(t, 0, n, x, 0, n, out, outOff, s.lanes);
  }

  @Override
  public int dotInt8(byte[] w, int off, byte[] x, int n) {
    int[] sums = gemmScratch.get().ints(4);
    dotInt8x4(w, off, 0, x, n, sums, 0); // one row as four: see the class comment
    return sums[0];
  }

  @Override
  public void dotInt8x4(byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    IntVector acc0 = IntVector.zero(I);
    IntVector acc1 = IntVector.zero(I);
    IntVector acc2 = IntVector.zero(I);
    IntVector acc3 = IntVector.zero(I);
    int i = 0;
    int bound = BI.loopBound(n);
    for (; i < bound; i += BI.length()) {
      IntVector xv = (IntVector) ByteVector.fromArray(BI, x, i).convertShape(B2I, I, 0);
      acc0 =
          acc0.add(
              ((IntVector) ByteVector.fromArray(BI, w, off + i).convertShape(B2I, I, 0)).mul(xv));
      acc1 =
          acc1.add(
              ((IntVector) ByteVector.fromArray(BI, w, o1 + i).convertShape(B2I, I, 0)).mul(xv));
      acc2 =
          acc2.add(
              ((IntVector) ByteVector.fromArray(BI, w, o2 + i).convertShape(B2I, I, 0)).mul(xv));
      acc3 =
          acc3.add(
              ((IntVector) ByteVector.fromArray(BI, w, o3 + i).convertShape(B2I, I, 0)).mul(xv));
    }
    out[outOff] = acc0.reduceLanes(VectorOperators.ADD);
    out[outOff + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[outOff + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[outOff + 3] = acc3.reduceLanes(VectorOperators.ADD);
    rowsTail(w, off, stride, x, n, i, out, outOff);
  }

  @Override
  public void dotInt8x4Restricted(
      byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff) {
    // int32 lanes hold any int8 product: restricted weights need no kernel of their own here
    dotInt8x4(w, off, stride, x, n, out, outOff);
  }

  /** Adds the scalar products of inputs {@code [from, n)} of four rows to {@code out}. */
  private static void rowsTail(
      byte[] w, int off, int stride, byte[] x, int n, int from, int[] out, int outOff) {
    for (int r = 0; r < 4; r++) {
      int o = off + r * stride;
      int s = 0;
      for (int i = from; i < n; i++) {
        s += w[o + i] * x[i];
      }
      out[outOff + r] += s;
    }
  }

  @Override
  public int dotInt4(byte[] w, int off, byte[] even, byte[] odd, int bytes) {
    int[] sums = gemmScratch.get().ints(4);
    dotInt4x4(w, off, 0, even, odd, bytes, sums, 0); // one row as four: see the class comment
    return sums[0];
  }

  @Override
  public void dotInt4x4(
      byte[] w, int off, int stride, byte[] even, byte[] odd, int bytes, int[] out, int outOff) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    IntVector acc0 = IntVector.zero(I);
    IntVector acc1 = acc0;
    IntVector acc2 = acc0;
    IntVector acc3 = acc0;
    int j = 0;
    int bound = BI.loopBound(bytes);
    for (; j < bound; j += BI.length()) {
      // one packed byte per int lane: the low nibble (element 2j) and the high one (2j + 1), each
      // sign-extended by a shift pair, times the even and the odd input
      IntVector e = (IntVector) ByteVector.fromArray(BI, even, j).convertShape(B2I, I, 0);
      IntVector o = (IntVector) ByteVector.fromArray(BI, odd, j).convertShape(B2I, I, 0);
      IntVector p0 = (IntVector) ByteVector.fromArray(BI, w, off + j).convertShape(B2I, I, 0);
      IntVector p1 = (IntVector) ByteVector.fromArray(BI, w, o1 + j).convertShape(B2I, I, 0);
      IntVector p2 = (IntVector) ByteVector.fromArray(BI, w, o2 + j).convertShape(B2I, I, 0);
      IntVector p3 = (IntVector) ByteVector.fromArray(BI, w, o3 + j).convertShape(B2I, I, 0);
      acc0 =
          acc0.add(p0.lanewise(LSHL, 28).lanewise(ASHR, 28).mul(e))
              .add(p0.lanewise(ASHR, 4).mul(o));
      acc1 =
          acc1.add(p1.lanewise(LSHL, 28).lanewise(ASHR, 28).mul(e))
              .add(p1.lanewise(ASHR, 4).mul(o));
      acc2 =
          acc2.add(p2.lanewise(LSHL, 28).lanewise(ASHR, 28).mul(e))
              .add(p2.lanewise(ASHR, 4).mul(o));
      acc3 =
          acc3.add(p3.lanewise(LSHL, 28).lanewise(ASHR, 28).mul(e))
              .add(p3.lanewise(ASHR, 4).mul(o));
    }
    out[outOff] = acc0.reduceLanes(ADD) + int4Tail(w, off, even, odd, j, bytes);
    out[outOff + 1] = acc1.reduceLanes(ADD) + int4Tail(w, o1, even, odd, j, bytes);
    out[outOff + 2] = acc2.reduceLanes(ADD) + int4Tail(w, o2, even, odd, j, bytes);
    out[outOff + 3] = acc3.reduceLanes(ADD) + int4Tail(w, o3, even, odd, j, bytes);
  }

  /** The scalar products of packed bytes {@code [from, bytes)} of one int4 row. */
  private static int int4Tail(byte[] w, int off, byte[] even, byte[] odd, int from, int bytes) {
    int sum = 0;
    for (int j = from; j < bytes; j++) {
      int b = w[off + j];
      sum += ((b << 28) >> 28) * even[j] + (b >> 4) * odd[j];
    }
    return sum;
  }

  @Override
  public void gemmInt8(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    if (batch < INT8_TILE_BATCH) {
      // too few samples to pay for converting the rows to floats: the GEMV kernel, four rows per
      // call, one sample at a time (copied to the front of a buffer, where it reads its input)
      byte[] sample = batch == 1 ? x : gemmScratch.get().sample(n);
      for (int b = 0; b < batch; b++) {
        if (batch > 1) {
          System.arraycopy(x, b * n, sample, 0, n);
        }
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
          dotInt8x4(w, r * n, n, sample, n, acc, b * accStride + r);
        }
        for (; r < rowTo; r++) {
          acc[b * accStride + r] = dotInt8(w, r * n, sample, n);
        }
      }
      return;
    }
    GemmScratch s = gemmScratch.get();
    float[] xf = s.activations(x, batch * n);
    float[] tile = s.tile(TILE_ROWS * n);
    int r = rowFrom;
    for (; r + TILE_ROWS <= rowTo; r += TILE_ROWS) {
      for (int k = 0; k < TILE_ROWS; k++) {
        int8ToFloats(w, (r + k) * n, tile, k * n, n);
      }
      tileTimesBatch(tile, n, xf, batch, acc, accStride, r);
    }
    // the last OUT % 4 rows: exact int products, one row and sample at a time
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
          sum += w[r * n + i] * x[b * n + i];
        }
        acc[b * accStride + r] = sum;
      }
    }
  }

  /**
   * Rows per panel of the batched int8 kernel: two vectors of lanes, the register tile's width
   * (four samples by two vectors: eight accumulators, two weight vectors and one broadcast, which
   * fits AVX2's sixteen registers as well as AVX-512's thirty-two).
   */
  private static final int PANEL = 2 * F.length();

  /**
   * Inputs per exact chunk of the panel kernel: at most 128 int8 products of magnitude at most 2^14
   * sum below 2^22 in magnitude, where every partial float sum is an exact integer and the {@link
   * #MAGIC} addition converts it to an int without rounding.
   */
  private static final int PANEL_CHUNK = 128;

  /**
   * Panels of {@link #PANEL} rows, panel by panel, each stored input by input; a last partial panel
   * is padded with zero rows, so a layer whose row count is not a multiple of the panel (a 10-class
   * head) still runs on the panel kernel.
   */
  @Override
  public byte[] int8Panels(byte[] w, int rows, int n) {
    int padded = (rows + PANEL - 1) / PANEL * PANEL;
    byte[] panels = new byte[Math.multiplyExact(padded, n)];
    for (int r0 = 0; r0 < padded; r0 += PANEL) {
      int valid = Math.min(PANEL, rows - r0);
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < valid; j++) {
          panels[(r0 * n) + k * PANEL + j] = w[(r0 + j) * n + k];
        }
      }
    }
    return panels;
  }

  /**
   * Below {@link #INT8_TILE_BATCH} samples, or for rows outside whole panels, the row-major
   * product; else each panel is converted to floats once (exact) and every four samples run the
   * outer-product tile {@link #panelChunk4} over it: no lane sums at all, the accumulators are the
   * output rows.
   */
  @Override
  public void gemmInt8(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    panelProduct(false, w, panels, n, rowFrom, rowTo, x, batch, acc, accStride);
  }

  /**
   * The panel product of both widths: each whole panel inside {@code [rowFrom, rowTo)} is converted
   * to floats once, then {@link #panelTimes} runs every eight samples (512-bit vectors) or four
   * over it ({@link #panelTimes1} the last ones); the rows before the first and after the last
   * whole panel, and batches below {@link #INT8_TILE_BATCH}, run the row-major product.
   */
  private void panelProduct(
      boolean int4,
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    int paneled = n == 0 ? 0 : (int4 ? panels.length * 2 : panels.length) / n;
    int first = (rowFrom + PANEL - 1) / PANEL * PANEL;
    // whole panels inside the rows, then the panel that holds the last rows when it exists (the
    // layer's last panel, padded with zero rows): it runs into scratch and only its rows are kept
    int last = Math.min(rowTo / PANEL * PANEL, paneled);
    boolean tail = last < rowTo && last >= first && last + PANEL <= paneled;
    if (batch < INT8_TILE_BATCH || (first >= last && !tail)) {
      rowMajorProduct(int4, w, n, rowFrom, rowTo, x, batch, acc, accStride);
      return;
    }
    if (rowFrom < first) {
      rowMajorProduct(int4, w, n, rowFrom, first, x, batch, acc, accStride);
    }
    if (last < rowTo && !tail) {
      rowMajorProduct(int4, w, n, last, rowTo, x, batch, acc, accStride);
    }
    GemmScratch s = gemmScratch.get();
    float[] xf = s.activations(x, batch * n);
    float[] t = s.panel(PANEL * n);
    for (int r = first; r < last; r += PANEL) {
      panelToFloats(int4, panels, r, n, t);
      panelTimesBatch(t, n, xf, batch, acc, r, accStride, s.tileSums);
    }
    if (tail) {
      panelToFloats(int4, panels, last, n, t);
      int[] part = s.ints(batch * PANEL);
      panelTimesBatch(t, n, xf, batch, part, 0, PANEL, s.tileSums);
      for (int b = 0; b < batch; b++) {
        System.arraycopy(part, b * PANEL, acc, b * accStride + last, rowTo - last);
      }
    }
  }

  /** The int8 or int4 panel of rows {@code [r, r + PANEL)} as exact floats, input by input. */
  private static void panelToFloats(boolean int4, byte[] panels, int r, int n, float[] t) {
    if (int4) {
      int off = r / 2 * n;
      for (int k = 0; k < n; k++) {
        unpackInt4Lanes(panels, off + k * (PANEL / 2), t, k * PANEL);
      }
    } else {
      int8ToFloats(panels, r * n, t, 0, PANEL * n);
    }
  }

  /**
   * A float panel times every sample into {@code acc[b * accStride + o0 ...]}: eight samples at a
   * time (512-bit vectors) or four, then one by one.
   */
  private static void panelTimesBatch(
      float[] t, int n, float[] xf, int batch, int[] acc, int o0, int accStride, float[] sums) {
    int b = 0;
    if (FLOAT_TILE == 8) {
      for (; b + 8 <= batch; b += 8) {
        panelTimes(8, t, n, xf, b * n, acc, b * accStride + o0, accStride, sums);
      }
    }
    for (; b + 4 <= batch; b += 4) {
      panelTimes(4, t, n, xf, b * n, acc, b * accStride + o0, accStride, sums);
    }
    for (; b < batch; b++) {
      panelTimes1(t, n, xf, b * n, acc, b * accStride + o0, sums);
    }
  }

  /** Rows {@code [rowFrom, rowTo)} through the row-major batched product of the weights' width. */
  private void rowMajorProduct(
      boolean int4,
      byte[] w,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    if (int4) {
      gemmInt4(w, n, rowFrom, rowTo, x, batch, acc, accStride);
    } else {
      gemmInt8(w, n, rowFrom, rowTo, x, batch, acc, accStride);
    }
  }

  /**
   * Panels of {@link #PANEL} rows (the last padded with zero rows), each stored input by input in
   * {@code PANEL / 2} bytes: byte {@code j} holds row {@code j} in its low nibble and row {@code j
   * + PANEL / 2} in its high one, so one vector of bytes unpacks into the panel's two vectors of
   * rows.
   */
  @Override
  public byte[] int4Panels(byte[] w, int rows, int n) {
    int padded = (rows + PANEL - 1) / PANEL * PANEL;
    int half = PANEL / 2;
    int rowBytes = (n + 1) / 2;
    byte[] panels = new byte[Math.multiplyExact(padded / 2, n)];
    for (int r0 = 0; r0 < padded; r0 += PANEL) {
      for (int k = 0; k < n; k++) {
        for (int j = 0; j < half; j++) {
          // rows past the layer's last (padding of its last panel) are zero
          int low = r0 + j < rows ? nibble(w, (r0 + j) * rowBytes, k) : 0;
          int high = r0 + j + half < rows ? nibble(w, (r0 + j + half) * rowBytes, k) : 0;
          panels[r0 / 2 * n + k * half + j] = (byte) ((low & 0xF) | (high << 4));
        }
      }
    }
    return panels;
  }

  /** Element {@code k} of the packed int4 row at byte {@code off}, sign-extended. */
  private static int nibble(byte[] w, int off, int k) {
    int packed = w[off + k / 2];
    return k % 2 == 0 ? (packed << 28) >> 28 : packed >> 4;
  }

  /**
   * As {@link #gemmInt8(byte[], byte[], int, int, int, byte[], int, int[], int)}, the panels
   * unpacked to floats.
   */
  @Override
  public void gemmInt4(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    panelProduct(true, w, panels, n, rowFrom, rowTo, x, batch, acc, accStride);
  }

  /**
   * One input of an int4 panel: low nibbles to {@code t[tOff ..]}, high nibbles to the next vector.
   * Ints become floats by the {@link #MAGIC} addition read backwards (the bits of {@code MAGIC + v}
   * are {@code MAGIC_BITS + v} for {@code |v| < 2^22}): JDK 17 C2 leaves an int-to-float lane
   * conversion to the Java fallback, which allocates.
   */
  private static void unpackInt4Lanes(byte[] panels, int off, float[] t, int tOff) {
    IntVector v = (IntVector) ByteVector.fromArray(BI, panels, off).convertShape(B2I, I, 0);
    v.lanewise(LSHL, 28)
        .lanewise(ASHR, 28)
        .add(MAGIC_BITS)
        .reinterpretAsFloats()
        .sub(MAGIC)
        .intoArray(t, tOff);
    v.lanewise(ASHR, 4)
        .add(MAGIC_BITS)
        .reinterpretAsFloats()
        .sub(MAGIC)
        .intoArray(t, tOff + F.length());
  }

  /**
   * Inputs {@code [from, to)} of {@link #panelTimes} for eight samples, where the vectors are 512
   * bits wide (sixteen accumulators, two weight vectors and a broadcast fit AVX-512's thirty-two
   * registers), added to {@code acc} as {@link #panelChunk4}.
   */
  private static void panelChunk8(
      float[] t, int n, float[] xf, int x0, int from, int to, float[] sums) {
    int l = F.length();
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00,
        a10 = a00,
        a11 = a00,
        a20 = a00,
        a21 = a00,
        a30 = a00,
        a31 = a00,
        a40 = a00,
        a41 = a00,
        a50 = a00,
        a51 = a00,
        a60 = a00,
        a61 = a00,
        a70 = a00,
        a71 = a00;
    for (int k = from; k < to; k++) {
      FloatVector w0 = FloatVector.fromArray(F, t, k * PANEL);
      FloatVector w1 = FloatVector.fromArray(F, t, k * PANEL + l);
      FloatVector s = FloatVector.broadcast(F, xf[x0 + 0 * n + k]);
      a00 = w0.fma(s, a00);
      a01 = w1.fma(s, a01);
      s = FloatVector.broadcast(F, xf[x0 + 1 * n + k]);
      a10 = w0.fma(s, a10);
      a11 = w1.fma(s, a11);
      s = FloatVector.broadcast(F, xf[x0 + 2 * n + k]);
      a20 = w0.fma(s, a20);
      a21 = w1.fma(s, a21);
      s = FloatVector.broadcast(F, xf[x0 + 3 * n + k]);
      a30 = w0.fma(s, a30);
      a31 = w1.fma(s, a31);
      s = FloatVector.broadcast(F, xf[x0 + 4 * n + k]);
      a40 = w0.fma(s, a40);
      a41 = w1.fma(s, a41);
      s = FloatVector.broadcast(F, xf[x0 + 5 * n + k]);
      a50 = w0.fma(s, a50);
      a51 = w1.fma(s, a51);
      s = FloatVector.broadcast(F, xf[x0 + 6 * n + k]);
      a60 = w0.fma(s, a60);
      a61 = w1.fma(s, a61);
      s = FloatVector.broadcast(F, xf[x0 + 7 * n + k]);
      a70 = w0.fma(s, a70);
      a71 = w1.fma(s, a71);
    }
    a00.intoArray(sums, 0);
    a01.intoArray(sums, l);
    a10.intoArray(sums, 1 * PANEL);
    a11.intoArray(sums, 1 * PANEL + l);
    a20.intoArray(sums, 2 * PANEL);
    a21.intoArray(sums, 2 * PANEL + l);
    a30.intoArray(sums, 3 * PANEL);
    a31.intoArray(sums, 3 * PANEL + l);
    a40.intoArray(sums, 4 * PANEL);
    a41.intoArray(sums, 4 * PANEL + l);
    a50.intoArray(sums, 5 * PANEL);
    a51.intoArray(sums, 5 * PANEL + l);
    a60.intoArray(sums, 6 * PANEL);
    a61.intoArray(sums, 6 * PANEL + l);
    a70.intoArray(sums, 7 * PANEL);
    a71.intoArray(sums, 7 * PANEL + l);
  }

  /**
   * A float panel times four samples from {@code xf[x0]} into {@code acc[o0]} (samples {@code
   * accStride} apart).
   */
  private static void panelTimes(
      int samples,
      float[] t,
      int n,
      float[] xf,
      int x0,
      int[] acc,
      int o0,
      int accStride,
      float[] sums) {
    for (int i = 0; i < samples; i++) {
      java.util.Arrays.fill(acc, o0 + i * accStride, o0 + i * accStride + PANEL, 0);
    }
    for (int k = 0; k < n; k += PANEL_CHUNK) {
      int to = Math.min(n, k + PANEL_CHUNK);
      if (samples == 8) {
        panelChunk8(t, n, xf, x0, k, to, sums);
        addChunkSums(sums, 8, acc, o0, accStride);
      } else {
        panelChunk4(t, n, xf, x0, k, to, sums);
        addChunkSums(sums, 4, acc, o0, accStride);
      }
    }
  }

  /**
   * Inputs {@code [from, to)} of {@link #panelTimes}, added to {@code acc}: per input, two weight
   * vectors times each sample's broadcast value. One flat loop whose accumulators never cross an
   * outer loop, and no helper taking a vector (see the class comment).
   */
  private static void panelChunk4(
      float[] t, int n, float[] xf, int x0, int from, int to, float[] sums) {
    int l = F.length();
    int x1 = x0 + n;
    int x2 = x1 + n;
    int x3 = x2 + n;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    for (int k = from; k < to; k++) {
      FloatVector w0 = FloatVector.fromArray(F, t, k * PANEL);
      FloatVector w1 = FloatVector.fromArray(F, t, k * PANEL + l);
      FloatVector s = FloatVector.broadcast(F, xf[x0 + k]);
      a00 = w0.fma(s, a00);
      a01 = w1.fma(s, a01);
      s = FloatVector.broadcast(F, xf[x1 + k]);
      a10 = w0.fma(s, a10);
      a11 = w1.fma(s, a11);
      s = FloatVector.broadcast(F, xf[x2 + k]);
      a20 = w0.fma(s, a20);
      a21 = w1.fma(s, a21);
      s = FloatVector.broadcast(F, xf[x3 + k]);
      a30 = w0.fma(s, a30);
      a31 = w1.fma(s, a31);
    }
    a00.intoArray(sums, 0);
    a01.intoArray(sums, l);
    a10.intoArray(sums, 1 * PANEL);
    a11.intoArray(sums, 1 * PANEL + l);
    a20.intoArray(sums, 2 * PANEL);
    a21.intoArray(sums, 2 * PANEL + l);
    a30.intoArray(sums, 3 * PANEL);
    a31.intoArray(sums, 3 * PANEL + l);
  }

  /** A float panel times one sample; see {@link #panelTimes}. */
  private static void panelTimes1(
      float[] t, int n, float[] xf, int x0, int[] acc, int o0, float[] sums) {
    java.util.Arrays.fill(acc, o0, o0 + PANEL, 0);
    for (int k = 0; k < n; k += PANEL_CHUNK) {
      panelChunk1(t, xf, x0, k, Math.min(n, k + PANEL_CHUNK), sums);
      addChunkSums(sums, 1, acc, o0, 0);
    }
  }

  /**
   * Adds the exact chunk sums a panel tile stored in {@code sums} (sample after sample, {@link
   * #PANEL} each) to the int accumulators of {@code samples} samples from {@code acc[o0]}: each sum
   * is an exact integer below 2^22 in magnitude, so {@code + MAGIC} puts it in the low bits. One
   * loop here rather than the tile writing each accumulator's conversion out after its own loop:
   * sixteen such chains made the tile's compilation large enough that C2, in some JVMs, stopped
   * inlining the Vector API calls of its epilogue and boxed every vector there (JFR: {@code
   * FloatVector.lanewiseTemplate} and {@code defaultReinterpret} under {@code panelChunk8}).
   */
  private static void addChunkSums(float[] sums, int samples, int[] acc, int o0, int accStride) {
    for (int i = 0; i < samples; i++) {
      for (int j = 0; j < PANEL; j += F.length()) {
        int a = o0 + i * accStride + j;
        FloatVector.fromArray(F, sums, i * PANEL + j)
            .add(MAGIC)
            .reinterpretAsInts()
            .sub(MAGIC_BITS)
            .add(IntVector.fromArray(I, acc, a))
            .intoArray(acc, a);
      }
    }
  }

  private static void panelChunk1(float[] t, float[] xf, int x0, int from, int to, float[] sums) {
    int l = F.length();
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0;
    for (int k = from; k < to; k++) {
      FloatVector s = FloatVector.broadcast(F, xf[x0 + k]);
      a0 = FloatVector.fromArray(F, t, k * PANEL).fma(s, a0);
      a1 = FloatVector.fromArray(F, t, k * PANEL + l).fma(s, a1);
    }
    a0.intoArray(sums, 0);
    a1.intoArray(sums, l);
  }

  @Override
  public void gemmInt4(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    GemmScratch s = gemmScratch.get();
    if (batch < INT4_TILE_BATCH) {
      // too few samples to pay for unpacking the rows to floats: the four-row int4 kernel per
      // sample
      int bytes = (n + 1) / 2;
      byte[] even = s.even(bytes);
      byte[] odd = s.odd(bytes);
      for (int b = 0; b < batch; b++) {
        KernelSupport.splitEvenOdd(x, b * n, n, even, odd);
        int r = rowFrom;
        for (; r + 4 <= rowTo; r += 4) {
          dotInt4x4(w, r * bytes, bytes, even, odd, bytes, acc, b * accStride + r);
        }
        for (; r < rowTo; r++) {
          acc[b * accStride + r] = dotInt4(w, r * bytes, even, odd, bytes);
        }
      }
      return;
    }
    float[] xf = s.activations(x, batch * n);
    float[] tile = s.tile(TILE_ROWS * n);
    int rowBytes = (n + 1) / 2;
    int r = rowFrom;
    for (; r + TILE_ROWS <= rowTo; r += TILE_ROWS) {
      for (int k = 0; k < TILE_ROWS; k++) {
        int4ToFloats(w, (r + k) * rowBytes, tile, k * n, n);
      }
      tileTimesBatch(tile, n, xf, batch, acc, accStride, r);
    }
    for (; r < rowTo; r++) {
      int4ToFloats(w, r * rowBytes, tile, 0, n);
      for (int b = 0; b < batch; b++) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
          sum += (int) tile[i] * x[b * n + i];
        }
        acc[b * accStride + r] = sum;
      }
    }
  }

  /**
   * Four weight rows (as exact floats in {@code tile}) times every sample of the batch, two samples
   * per pass so each weight load feeds two FMAs. Exact: see {@link #GEMM_CHUNK}.
   */
  private static void tileTimesBatch(
      float[] tile, int n, float[] xf, int batch, int[] acc, int accStride, int r) {
    int b = 0;
    for (; b + 2 <= batch; b += 2) {
      tile4x2(tile, n, xf, b * n, (b + 1) * n, acc, b * accStride + r, (b + 1) * accStride + r);
    }
    if (b < batch) {
      tile4x1(tile, n, xf, b * n, acc, b * accStride + r);
    }
  }

  /**
   * Four rows times two samples: {@link #chunk4x2} over each {@link #GEMM_CHUNK} of inputs, then
   * the scalar tail. The chunk loop is a method of its own, one flat loop whose vector accumulators
   * never cross an outer loop (the shape of {@link #float4x2}, which C2 keeps in registers). The
   * boxing that made the batched INT8 forward swing from run to run came from a lane-sum helper;
   * see benchmarks/results/2026-12-05-dense2-int8-batched-jdk17.txt.
   */
  private static void tile4x2(
      float[] t, int n, float[] xf, int x0, int x1, int[] acc, int o0, int o1) {
    for (int k = 0; k < 4; k++) {
      acc[o0 + k] = 0;
      acc[o1 + k] = 0;
    }
    int bound = F.loopBound(n);
    for (int i = 0; i < bound; i += GEMM_CHUNK) {
      chunk4x2(t, n, xf, x0, x1, i, Math.min(bound, i + GEMM_CHUNK), acc, o0, o1);
    }
    int s00 = 0, s01 = 0, s02 = 0, s03 = 0;
    int s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    int t1 = n;
    int t2 = 2 * n;
    int t3 = 3 * n;
    for (int i = bound; i < n; i++) {
      int xa = (int) xf[x0 + i];
      int xb = (int) xf[x1 + i];
      int w0 = (int) t[i];
      int w1 = (int) t[t1 + i];
      int w2 = (int) t[t2 + i];
      int w3 = (int) t[t3 + i];
      s00 += w0 * xa;
      s01 += w1 * xa;
      s02 += w2 * xa;
      s03 += w3 * xa;
      s10 += w0 * xb;
      s11 += w1 * xb;
      s12 += w2 * xb;
      s13 += w3 * xb;
    }
    acc[o0] += s00;
    acc[o0 + 1] += s01;
    acc[o0 + 2] += s02;
    acc[o0 + 3] += s03;
    acc[o1] += s10;
    acc[o1 + 1] += s11;
    acc[o1 + 2] += s12;
    acc[o1 + 3] += s13;
  }

  /**
   * Inputs {@code [from, to)} (whole vectors, at most {@link #GEMM_CHUNK}) of {@link #tile4x2},
   * added to acc.
   */
  private static void chunk4x2(
      float[] t, int n, float[] xf, int x0, int x1, int from, int to, int[] acc, int o0, int o1) {
    int t1 = n;
    int t2 = 2 * n;
    int t3 = 3 * n;
    FloatVector a00 = FloatVector.zero(F);
    FloatVector a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    for (int i = from; i < to; i += F.length()) {
      FloatVector xa = FloatVector.fromArray(F, xf, x0 + i);
      FloatVector xb = FloatVector.fromArray(F, xf, x1 + i);
      FloatVector w0 = FloatVector.fromArray(F, t, i);
      a00 = w0.fma(xa, a00);
      a10 = w0.fma(xb, a10);
      FloatVector w1 = FloatVector.fromArray(F, t, t1 + i);
      a01 = w1.fma(xa, a01);
      a11 = w1.fma(xb, a11);
      FloatVector w2 = FloatVector.fromArray(F, t, t2 + i);
      a02 = w2.fma(xa, a02);
      a12 = w2.fma(xb, a12);
      FloatVector w3 = FloatVector.fromArray(F, t, t3 + i);
      a03 = w3.fma(xa, a03);
      a13 = w3.fma(xb, a13);
    }
    acc[o0] += (int) a00.reduceLanes(ADD);
    acc[o0 + 1] += (int) a01.reduceLanes(ADD);
    acc[o0 + 2] += (int) a02.reduceLanes(ADD);
    acc[o0 + 3] += (int) a03.reduceLanes(ADD);
    acc[o1] += (int) a10.reduceLanes(ADD);
    acc[o1 + 1] += (int) a11.reduceLanes(ADD);
    acc[o1 + 2] += (int) a12.reduceLanes(ADD);
    acc[o1 + 3] += (int) a13.reduceLanes(ADD);
  }

  /** Four rows times one sample; see {@link #tile4x2}. */
  private static void tile4x1(float[] t, int n, float[] xf, int x0, int[] acc, int o0) {
    for (int k = 0; k < 4; k++) {
      acc[o0 + k] = 0;
    }
    int bound = F.loopBound(n);
    for (int i = 0; i < bound; i += GEMM_CHUNK) {
      chunk4x1(t, n, xf, x0, i, Math.min(bound, i + GEMM_CHUNK), acc, o0);
    }
    int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (int i = bound; i < n; i++) {
      int xa = (int) xf[x0 + i];
      s0 += (int) t[i] * xa;
      s1 += (int) t[n + i] * xa;
      s2 += (int) t[2 * n + i] * xa;
      s3 += (int) t[3 * n + i] * xa;
    }
    acc[o0] += s0;
    acc[o0 + 1] += s1;
    acc[o0 + 2] += s2;
    acc[o0 + 3] += s3;
  }

  private static void chunk4x1(
      float[] t, int n, float[] xf, int x0, int from, int to, int[] acc, int o0) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0, a2 = a0, a3 = a0;
    for (int i = from; i < to; i += F.length()) {
      FloatVector xa = FloatVector.fromArray(F, xf, x0 + i);
      a0 = FloatVector.fromArray(F, t, i).fma(xa, a0);
      a1 = FloatVector.fromArray(F, t, n + i).fma(xa, a1);
      a2 = FloatVector.fromArray(F, t, 2 * n + i).fma(xa, a2);
      a3 = FloatVector.fromArray(F, t, 3 * n + i).fma(xa, a3);
    }
    acc[o0] += (int) a0.reduceLanes(ADD);
    acc[o0 + 1] += (int) a1.reduceLanes(ADD);
    acc[o0 + 2] += (int) a2.reduceLanes(ADD);
    acc[o0 + 3] += (int) a3.reduceLanes(ADD);
  }

  /**
   * {@code 1.5 * 2^23}: an integer {@code v} with {@code |v| < 2^22} added to it lands in the low
   * bits.
   */
  private static final float MAGIC = 0x1.8p23f;

  private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

  /** {@code n} int8 values from {@code w[off]} as floats (exact) into {@code t[tOff]}. */
  private static void int8ToFloats(byte[] w, int off, float[] t, int tOff, int n) {
    int i = 0;
    int bound = BI.loopBound(n);
    for (; i < bound; i += BI.length()) {
      ByteVector.fromArray(BI, w, off + i)
          .convertShape(VectorOperators.B2F, F, 0)
          .reinterpretAsFloats()
          .intoArray(t, tOff + i);
    }
    for (; i < n; i++) {
      t[tOff + i] = w[off + i];
    }
  }

  /** {@code n} packed int4 values of a row from byte {@code off} as floats, in element order. */
  private static void int4ToFloats(byte[] w, int off, float[] t, int tOff, int n) {
    int pairs = n / 2;
    for (int j = 0; j < pairs; j++) {
      int packed = w[off + j];
      t[tOff + 2 * j] = (packed << 28) >> 28;
      t[tOff + 2 * j + 1] = packed >> 4;
    }
    if ((n & 1) != 0) {
      t[tOff + n - 1] = (w[off + pairs] << 28) >> 28;
    }
  }

  /*
   * Samples from which a batched product converts each group of four rows to floats once and runs
   * float FMAs over every sample; below, it runs the one-sample kernels per sample. Converting a
   * group costs about as much as a few samples' products (the int4 unpacking is scalar). Measured
   * with JMH MlpBenchmark (784-256-128-10, Zen 5, 512-bit vectors, JDK 17): the tile path took 136
   * us for one INT4 sample against 15 us, and crossed over near 8 samples for INT8 and sign rows
   * and near 16 for INT4. A heuristic of one machine: the results are equal either way.
   */
  private static final int INT8_TILE_BATCH = 8;
  private static final int INT4_TILE_BATCH = 16;
  private static final int SIGNS_TILE_BATCH = 8;

  /**
   * Grow-only per-thread buffers of the batched products, so a call allocates nothing once warm.
   */
  private static final class GemmScratch {
    /** Eight float vectors' lanes, for {@link #sumLanes}. */
    final float[] lanes = new float[8 * F.length()];

    /**
     * A panel tile's chunk sums (eight samples by two vectors), stored for {@link #addChunkSums}.
     */
    final float[] tileSums = new float[16 * F.length()];

    /** The four sums of a one-row product run through a four-row kernel. */
    final float[] rowSums = new float[4];

    private float[] activations = new float[0];
    private float[] tile = new float[0];
    private float[] panel = new float[0];

    /** {@code x[0 .. size)} as floats (exact), in a buffer of at least {@code size}. */
    float[] activations(byte[] x, int size) {
      activations = activations.length >= size ? activations : new float[size];
      int8ToFloats(x, 0, activations, 0, size);
      return activations;
    }

    private int[] ints = new int[0];
    private byte[] sample = new byte[0];
    private byte[] even = new byte[0];
    private byte[] odd = new byte[0];

    int[] ints(int size) {
      return ints = ints.length >= size ? ints : new int[size];
    }

    private float[] outputs = new float[0];

    /** The outputs of a panel only partly inside a call's rows. */
    float[] outputs(int size) {
      return outputs = outputs.length >= size ? outputs : new float[size];
    }

    float[] panel(int size) {
      return panel = panel.length >= size ? panel : new float[size];
    }

    float[] tile(int size) {
      return tile = tile.length >= size ? tile : new float[size];
    }

    byte[] sample(int size) {
      return sample = sample.length >= size ? sample : new byte[size];
    }

    byte[] even(int size) {
      return even = even.length >= size ? even : new byte[size];
    }

    byte[] odd(int size) {
      return odd = odd.length >= size ? odd : new byte[size];
    }
  }

  @Override
  public int xorBitCount(long[] a, int aOff, long[] b, int bOff, int n) {
    // Long.bitCount compiles to POPCNT; the JDK 17 Vector API has no lane-wise bit count to beat
    // it.
    return scalar.xorBitCount(a, aOff, b, bOff, n);
  }

  /**
   * Lanes {@code [k * L, (k + 1) * L)} of {@code lanes} (L float lanes) summed in lane order. Float
   * reductions go through an array and this scalar loop rather than a helper taking a vector or
   * {@code reduceLanes(ADD)}: the order of a float {@code reduceLanes} is left to the
   * implementation (its intrinsic and its Java fallback differ, so an output could change by an ulp
   * as the JIT warms up), and a vector argument of a method C2 does not inline is boxed, see the
   * class comment.
   */
  private static float sumLanes(float[] lanes, int k) {
    int from = k * F.length();
    float sum = 0f;
    for (int j = from; j < from + F.length(); j++) {
      sum += lanes[j];
    }
    return sum;
  }
}
