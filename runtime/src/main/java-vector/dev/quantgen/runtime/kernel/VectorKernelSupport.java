package dev.quantgen.runtime.kernel;

import static jdk.incubator.vector.VectorOperators.LSHL;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Half;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link KernelSupport} on the Vector API at the width {@link VectorShapes} chooses (512 bits on
 * AVX-512, 256 on AVX2), compiled on its own with
 * {@code --add-modules jdk.incubator.vector} and loaded by name from {@link Kernels}, so nothing
 * else links the incubator module. Each method is a vector body plus the scalar tail of {@link
 * ScalarKernelSupport}'s arithmetic.
 *
 * <p>Int8 products widen byte to short (a product of two int8 fits in 16 bits), multiply in 16-bit
 * lanes, then widen to int32 for the sum: the same exact integers as the scalar loop. The
 * restricted variant adds two products in 16 bits before widening (at most {@code 2 * 127 * 128 =
 * 32512}); the int4 variant adds up to {@link #INT4_SHORT_STEPS} steps of two products of at most
 * {@code 8 * 128} each in 16 bits ({@code 8 * 2 * 8 * 128 = 16384 < 32767}).
 */
final class VectorKernelSupport implements KernelSupport {
  private static final VectorSpecies<Float> F = VectorShapes.FLOATS;
  private static final VectorSpecies<Integer> I = VectorShapes.INTS;
  private static final VectorSpecies<Short> S = VectorShapes.SHORTS;
  private static final VectorSpecies<Short> SI = VectorShapes.SHORTS_PER_INT;
  private static final VectorSpecies<Byte> BI = VectorShapes.BYTES_PER_INT;
  private static final VectorSpecies<Byte> BS = VectorShapes.BYTES_PER_SHORT;
  /** Int4 steps summed in 16-bit lanes before one widening; see the class comment for the bound. */
  static final int INT4_SHORT_STEPS = 8;

  /** Weight rows a batched product converts to floats at a time (one tile, reused by every sample). */
  private static final int TILE_ROWS = 4;
  /**
   * Inputs a batched product sums in float lanes before converting to int32: a chunk holds at most
   * {@code GEMM_CHUNK} products of magnitude at most {@code 128 * 128 = 2^14}, so every partial sum,
   * in any lane and in any order of the final reduction, is an integer of magnitude at most {@code
   * 1024 * 2^14 = 2^24}, which float32 holds exactly; an FMA or add of exact integers whose result
   * is representable is exact, so the chunk's float sum equals the int32 one, whatever order {@code
   * reduceLanes} adds in. A multiple of 16, so a chunk ends on a vector boundary at either width.
   */
  static final int GEMM_CHUNK = 1024;

  private final ScalarKernelSupport scalar = new ScalarKernelSupport();
  private final ThreadLocal<GemmScratch> gemmScratch = ThreadLocal.withInitial(GemmScratch::new);

  /**
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits, where
   *     this implementation would be slower than the scalar one
   */
  VectorKernelSupport() {
    if (IntVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException(
          "preferred vector size is " + IntVector.SPECIES_PREFERRED.vectorBitSize() + " bits, need 256");
    }
  }

  @Override
  public String name() {
    return "vector(" + VectorShapes.BITS + " bit)";
  }

  @Override
  public float dotFloat(float[] a, int aOff, float[] b, int bOff, int n) {
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int i = 0;
    int bound = n - 2 * F.length();
    for (; i <= bound; i += 2 * F.length()) {
      acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
      int j = i + F.length();
      acc1 = FloatVector.fromArray(F, a, aOff + j).fma(FloatVector.fromArray(F, b, bOff + j), acc1);
    }
    float sum = sumLanes(acc0.add(acc1));
    for (; i < n; i++) {
      sum += a[aOff + i] * b[bOff + i];
    }
    return sum;
  }

  @Override
  public void dotFloat4(float[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    float4(w, off, stride, x, 0, n, out, outOff);
  }

  /** {@link #dotFloat4} with the input at {@code x[xOff ..]}. */
  private static void float4(float[] w, int off, int stride, float[] x, int xOff, int n, float[] out, int outOff) {
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
    float s0 = sumLanes(acc0);
    float s1 = sumLanes(acc1);
    float s2 = sumLanes(acc2);
    float s3 = sumLanes(acc3);
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
  public void gemmFloat(float[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      floatRowsTimesBatch(w, r * n, n, x, batch, out, outStride, r);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = dotFloat(w, r * n, x, b * n, n);
      }
    }
  }

  @Override
  public void gemmHalf(short[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    float[] tile = gemmScratch.get().tile(TILE_ROWS * n);
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      for (int k = 0; k < 4; k++) {
        halvesToFloats(w, (r + k) * n, tile, k * n, n);
      }
      floatRowsTimesBatch(tile, 0, n, x, batch, out, outStride, r);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = half(w, r * n, x, b * n, n);
      }
    }
  }

  /**
   * {@code n} binary16 values from {@code w[off]} decoded exactly into {@code t[tOff]}: the
   * magnitude bits shifted into a float's place read as
   * {@code value * 2^-112} for normal and subnormal halves alike, so one multiply by {@code 2^112}
   * (exact, a power of two) gives the value; infinities and NaNs (exponent 31) get the float
   * exponent 255 with the same significand (OR-ed in: the scaled value keeps the significand); the
   * sign is copied last.
   */
  private static void halvesToFloats(short[] w, int off, float[] t, int tOff, int n) {
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      IntVector h = (IntVector) ShortVector.fromArray(SI, w, off + i).convertShape(VectorOperators.S2I, I, 0);
      IntVector magnitude = h.and(0x7FFF);
      IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
      IntVector finite = shifted.reinterpretAsFloats().mul(0x1.0p112f).reinterpretAsInts();
      // (magnitude + 0x8400) >>> 16 is 1 exactly for exponent 31 (magnitude 0x7C00 to 0x7FFF), so
      // its negation masks in the float exponent 255, without a compare and blend
      IntVector special = magnitude.add(0x8400).lanewise(VectorOperators.LSHR, 16).neg().and(0x7F80_0000);
      finite.or(special).or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats()
          .intoArray(t, tOff + i);
    }
    for (; i < n; i++) {
      t[tOff + i] = Half.toFloat(w[off + i]);
    }
  }

  /**
   * Four float rows from {@code w[off]} (stride {@code n}) times every sample: two samples per pass,
   * so each weight load feeds two FMAs. Each (row, sample) has its own accumulator, summed in the
   * same order as {@link #float4}, so every value equals the GEMV's bit for bit.
   */
  private static void floatRowsTimesBatch(float[] w, int off, int n, float[] x, int batch, float[] out,
      int outStride, int r) {
    int b = 0;
    for (; b + 2 <= batch; b += 2) {
      float4x2(w, off, n, x, b * n, (b + 1) * n, out, b * outStride + r, (b + 1) * outStride + r);
    }
    if (b < batch) {
      float4(w, off, n, x, b * n, n, out, b * outStride + r);
    }
  }

  private static void float4x2(float[] w, int off, int n, float[] x, int x0, int x1, float[] out, int o0, int o1) {
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
    float s00 = sumLanes(a00), s01 = sumLanes(a01), s02 = sumLanes(a02), s03 = sumLanes(a03);
    float s10 = sumLanes(a10), s11 = sumLanes(a11), s12 = sumLanes(a12), s13 = sumLanes(a13);
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

  /** Lane {@code j} holds {@code 31 - j}: shifting a broadcast word left by it puts bit {@code j} in the sign bit. */
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
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      IntVector f = IntVector.broadcast(I, (int) (w[off + (i >>> 6)] >>> (i & 63)))
          .lanewise(VectorOperators.LSHL, SIGN_SHIFTS);
      acc = acc.add(FloatVector.fromArray(F, x, xOff + i).reinterpretAsInts()
          .lanewise(VectorOperators.XOR, f.not().and(SIGN_BIT)).reinterpretAsFloats());
    }
    float sum = sumLanes(acc);
    for (; i < n; i++) {
      sum += ScalarKernelSupport.flip(x[xOff + i], w[off + (i >>> 6)] >>> i);
    }
    return sum;
  }

  @Override
  public void dotSigns4(long[] w, int off, int words, float[] x, int xOff, int n, float[] out, int outOff) {
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
      IntVector f0 = IntVector.broadcast(I, (int) (w[off + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f1 = IntVector.broadcast(I, (int) (w[o1 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f2 = IntVector.broadcast(I, (int) (w[o2 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      IntVector f3 = IntVector.broadcast(I, (int) (w[o3 + word] >>> shift)).lanewise(LSHL, SIGN_SHIFTS);
      acc0 = acc0.add(xi.lanewise(VectorOperators.XOR, f0.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc1 = acc1.add(xi.lanewise(VectorOperators.XOR, f1.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc2 = acc2.add(xi.lanewise(VectorOperators.XOR, f2.not().and(SIGN_BIT)).reinterpretAsFloats());
      acc3 = acc3.add(xi.lanewise(VectorOperators.XOR, f3.not().and(SIGN_BIT)).reinterpretAsFloats());
    }
    float s0 = sumLanes(acc0);
    float s1 = sumLanes(acc1);
    float s2 = sumLanes(acc2);
    float s3 = sumLanes(acc3);
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
  public void gemmSigns(long[] w, int words, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out,
      int outStride) {
    float[] tile = gemmScratch.get().tile(TILE_ROWS * n);
    int r = rowFrom;
    for (; r + 4 <= rowTo; r += 4) {
      for (int k = 0; k < 4; k++) {
        signsToFloats(w, (r + k) * words, tile, k * n, n);
      }
      floatRowsTimesBatch(tile, 0, n, x, batch, out, outStride, r);
    }
    for (; r < rowTo; r++) {
      for (int b = 0; b < batch; b++) {
        out[b * outStride + r] = dotSigns(w, r * words, x, b * n, n);
      }
    }
  }

  private static void signsToFloats(long[] w, int off, float[] t, int tOff, int n) {
    FloatVector one = FloatVector.broadcast(F, 1.0f);
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      IntVector f = IntVector.broadcast(I, (int) (w[off + (i >>> 6)] >>> (i & 63)))
          .lanewise(VectorOperators.LSHL, SIGN_SHIFTS);
      one.reinterpretAsInts().lanewise(VectorOperators.XOR, f.not().and(SIGN_BIT)).reinterpretAsFloats()
          .intoArray(t, tOff + i);
    }
    for (; i < n; i++) {
      t[tOff + i] = ScalarKernelSupport.flip(1.0f, w[off + (i >>> 6)] >>> i);
    }
  }

  /**
   * Decodes the row to floats first, then the float loop: a decoding helper called inside the
   * product loop was not inlined by C2 on JDK 17 ("callee is too large"), which boxed every vector
   * and ran ten times slower than FP32; decoding into a per-thread tile keeps each loop simple.
   */
  /**
   * The division in float lanes (the same IEEE quotient as the scalar one); NaN lanes set to 0 (so
   * they give the zero point); clamped to [-1024, 1024], which changes no saturated result (the
   * zero point is within [-128, 127]) and keeps {@code v + 1.5 * 2^23} exact, so that sum minus
   * {@code 1.5 * 2^23} is {@code rint(v)} (round half to even at spacing 1) and its bits carry the
   * integer; then the zero point and the int8 clamp in int lanes.
   */
  @Override
  public void quantizeInt8(float[] x, int n, float scale, int zeroPoint, byte[] q) {
    int[] ints = gemmScratch.get().ints(I.length());
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      FloatVector v = FloatVector.fromArray(F, x, i).div(scale);
      v = v.blend(0f, v.test(VectorOperators.IS_NAN)).max(-1024f).min(1024f);
      v.add(MAGIC).reinterpretAsInts().sub(MAGIC_BITS).add(zeroPoint).max(-128).min(127).intoArray(ints, 0);
      for (int j = 0; j < I.length(); j++) {
        q[i + j] = (byte) ints[j];
      }
    }
    for (; i < n; i++) {
      q[i] = (byte) LayerMath.quantizeInt8(x[i], scale, zeroPoint);
    }
  }

  @Override
  public float dotHalf(short[] w, int off, float[] x, int n) {
    return half(w, off, x, 0, n);
  }

  /** {@link #dotHalf} with the input at {@code x[xOff ..]}. */
  private float half(short[] w, int off, float[] x, int xOff, int n) {
    float[] t = gemmScratch.get().tile(n);
    halvesToFloats(w, off, t, 0, n);
    FloatVector acc = FloatVector.zero(F);
    int i = 0;
    int bound = F.loopBound(n);
    for (; i < bound; i += F.length()) {
      acc = FloatVector.fromArray(F, t, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
    }
    float sum = sumLanes(acc);
    for (; i < n; i++) {
      sum += t[i] * x[xOff + i];
    }
    return sum;
  }

  @Override
  public void dotHalf4(short[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    float[] t = gemmScratch.get().tile(TILE_ROWS * n);
    for (int k = 0; k < 4; k++) {
      halvesToFloats(w, off + k * stride, t, k * n, n);
    }
    float4(t, 0, n, x, 0, n, out, outOff);
  }


  @Override
  public int dotInt8(byte[] w, int off, byte[] x, int n) {
    IntVector acc = IntVector.zero(I);
    int i = 0;
    int bound = BI.loopBound(n);
    for (; i < bound; i += BI.length()) {
      acc = acc.add(widen(w, off + i).mul(widen(x, i)).convertShape(VectorOperators.S2I, I, 0));
    }
    int sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < n; i++) {
      sum += w[off + i] * x[i];
    }
    return sum;
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
      ShortVector xv = widen(x, i);
      acc0 = acc0.add(toInts(widen(w, off + i).mul(xv)));
      acc1 = acc1.add(toInts(widen(w, o1 + i).mul(xv)));
      acc2 = acc2.add(toInts(widen(w, o2 + i).mul(xv)));
      acc3 = acc3.add(toInts(widen(w, o3 + i).mul(xv)));
    }
    out[outOff] = acc0.reduceLanes(VectorOperators.ADD);
    out[outOff + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[outOff + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[outOff + 3] = acc3.reduceLanes(VectorOperators.ADD);
    rowsTail(w, off, stride, x, n, i, out, outOff);
  }

  @Override
  public void dotInt8x4Restricted(byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    IntVector acc0 = IntVector.zero(I);
    IntVector acc1 = IntVector.zero(I);
    IntVector acc2 = IntVector.zero(I);
    IntVector acc3 = IntVector.zero(I);
    int step = 2 * BI.length();
    int i = 0;
    int bound = n - step;
    for (; i <= bound; i += step) {
      ShortVector x0 = widen(x, i);
      ShortVector x1 = widen(x, i + BI.length());
      acc0 = acc0.add(pairSum(w, off + i, x0, x1));
      acc1 = acc1.add(pairSum(w, o1 + i, x0, x1));
      acc2 = acc2.add(pairSum(w, o2 + i, x0, x1));
      acc3 = acc3.add(pairSum(w, o3 + i, x0, x1));
    }
    out[outOff] = acc0.reduceLanes(VectorOperators.ADD);
    out[outOff + 1] = acc1.reduceLanes(VectorOperators.ADD);
    out[outOff + 2] = acc2.reduceLanes(VectorOperators.ADD);
    out[outOff + 3] = acc3.reduceLanes(VectorOperators.ADD);
    rowsTail(w, off, stride, x, n, i, out, outOff);
  }

  /**
   * {@code w[o .. o+L) * x0 + w[o+L .. o+2L) * x1} (L int lanes) added in 16 bits (restricted
   * weights), widened once.
   */
  private static IntVector pairSum(byte[] w, int o, ShortVector x0, ShortVector x1) {
    return toInts(widen(w, o).mul(x0).add(widen(w, o + BI.length()).mul(x1)));
  }

  /** Adds the scalar products of inputs {@code [from, n)} of four rows to {@code out}. */
  private static void rowsTail(byte[] w, int off, int stride, byte[] x, int n, int from, int[] out, int outOff) {
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
    IntVector acc = IntVector.zero(I);
    int j = 0;
    int bound = BS.loopBound(bytes);
    while (j < bound) {
      // 16-bit lanes; widened to int32 (both halves) once per INT4_SHORT_STEPS steps only
      ShortVector partial = ShortVector.zero(S);
      int end = Math.min(bound, j + INT4_SHORT_STEPS * BS.length());
      for (; j < end; j += BS.length()) {
        ShortVector packed = widen16(w, off + j);
        ShortVector lo = packed.lanewise(VectorOperators.LSHL, 12).lanewise(VectorOperators.ASHR, 12);
        ShortVector hi = packed.lanewise(VectorOperators.ASHR, 4);
        partial = partial.add(lo.mul(widen16(even, j))).add(hi.mul(widen16(odd, j)));
      }
      acc = acc.add(partial.convertShape(VectorOperators.S2I, I, 0))
          .add(partial.convertShape(VectorOperators.S2I, I, 1));
    }
    int sum = acc.reduceLanes(VectorOperators.ADD);
    for (; j < bytes; j++) {
      int b = w[off + j];
      sum += ((b << 28) >> 28) * even[j] + (b >> 4) * odd[j];
    }
    return sum;
  }

  /** Sixteen int8 values sign-extended to 16-bit lanes (one instruction on AVX2). */
  private static ShortVector widen16(byte[] a, int off) {
    return (ShortVector) ByteVector.fromArray(BS, a, off).convertShape(VectorOperators.B2S, S, 0);
  }

  @Override
  public void gemmInt8(byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    if (batch == 1) {
      // nothing to amortize a tile conversion over: the GEMV kernel, four rows per call
      int r = rowFrom;
      for (; r + 4 <= rowTo; r += 4) {
        dotInt8x4(w, r * n, n, x, n, acc, r);
      }
      for (; r < rowTo; r++) {
        acc[r] = dotInt8(w, r * n, x, n);
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

  @Override
  public void gemmInt4(byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    GemmScratch s = gemmScratch.get();
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
  private static void tileTimesBatch(float[] tile, int n, float[] xf, int batch, int[] acc, int accStride, int r) {
    int b = 0;
    for (; b + 2 <= batch; b += 2) {
      tile4x2(tile, n, xf, b * n, (b + 1) * n, acc, b * accStride + r, (b + 1) * accStride + r);
    }
    if (b < batch) {
      tile4x1(tile, n, xf, b * n, acc, b * accStride + r);
    }
  }

  /**
   * Four rows times two samples: {@link #chunk4x2} over each {@link #GEMM_CHUNK} of inputs, then the
   * scalar tail. The chunk loop is a method of its own, one flat loop whose vector accumulators
   * never cross an outer loop (the shape of {@link #float4x2}, which C2 keeps in registers). The
   * boxing that made the batched INT8 forward swing from run to run came from {@link #exactSum};
   * see benchmarks/results/2026-12-05-dense2-int8-batched-jdk17.txt.
   */
  private static void tile4x2(float[] t, int n, float[] xf, int x0, int x1, int[] acc, int o0, int o1) {
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

  /** Inputs {@code [from, to)} (whole vectors, at most {@link #GEMM_CHUNK}) of {@link #tile4x2}, added to acc. */
  private static void chunk4x2(float[] t, int n, float[] xf, int x0, int x1, int from, int to, int[] acc,
      int o0, int o1) {
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
    acc[o0] += exactSum(a00);
    acc[o0 + 1] += exactSum(a01);
    acc[o0 + 2] += exactSum(a02);
    acc[o0 + 3] += exactSum(a03);
    acc[o1] += exactSum(a10);
    acc[o1 + 1] += exactSum(a11);
    acc[o1 + 2] += exactSum(a12);
    acc[o1 + 3] += exactSum(a13);
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

  private static void chunk4x1(float[] t, int n, float[] xf, int x0, int from, int to, int[] acc, int o0) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = a0, a2 = a0, a3 = a0;
    for (int i = from; i < to; i += F.length()) {
      FloatVector xa = FloatVector.fromArray(F, xf, x0 + i);
      a0 = FloatVector.fromArray(F, t, i).fma(xa, a0);
      a1 = FloatVector.fromArray(F, t, n + i).fma(xa, a1);
      a2 = FloatVector.fromArray(F, t, 2 * n + i).fma(xa, a2);
      a3 = FloatVector.fromArray(F, t, 3 * n + i).fma(xa, a3);
    }
    acc[o0] += exactSum(a0);
    acc[o0 + 1] += exactSum(a1);
    acc[o0 + 2] += exactSum(a2);
    acc[o0 + 3] += exactSum(a3);
  }

  /** {@code 1.5 * 2^23}: an integer {@code v} with {@code |v| < 2^22} added to it lands in the low bits. */
  private static final float MAGIC = 0x1.8p23f;
  private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

  /**
   * The lanes of an integer-valued float vector summed exactly (see {@link #GEMM_CHUNK}), as an int.
   * A float reduction and one conversion: the earlier bit trick ({@code v + 1.5 * 2^23} reinterpreted
   * as ints) was not intrinsified at 512 bits on JDK 17 ({@code reinterpretAsInts} fell back to
   * {@code AbstractVector.convert0}), allocating 1.2 MB per batch of 64 in the INT8 MLP and making
   * its speed swing 2x to 10x between runs (JFR allocation samples, {@code -prof gc}).
   */
  private static int exactSum(FloatVector v) {
    return (int) v.reduceLanes(VectorOperators.ADD);
  }

  /** {@code n} int8 values from {@code w[off]} as floats (exact) into {@code t[tOff]}. */
  private static void int8ToFloats(byte[] w, int off, float[] t, int tOff, int n) {
    int i = 0;
    int bound = BI.loopBound(n);
    for (; i < bound; i += BI.length()) {
      ByteVector.fromArray(BI, w, off + i).convertShape(VectorOperators.B2F, F, 0)
          .reinterpretAsFloats().intoArray(t, tOff + i);
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

  /** Grow-only per-thread buffers of the batched products, so a call allocates nothing once warm. */
  private static final class GemmScratch {
    private float[] activations = new float[0];
    private float[] tile = new float[0];

    /** {@code x[0 .. size)} as floats (exact), in a buffer of at least {@code size}. */
    float[] activations(byte[] x, int size) {
      if (activations.length < size) {
        activations = new float[size];
      }
      int8ToFloats(x, 0, activations, 0, size);
      return activations;
    }

    private int[] ints = new int[0];

    int[] ints(int size) {
      if (ints.length < size) {
        ints = new int[size];
      }
      return ints;
    }

    float[] tile(int size) {
      if (tile.length < size) {
        tile = new float[size];
      }
      return tile;
    }
  }

  @Override
  public int xorBitCount(long[] a, int aOff, long[] b, int bOff, int n) {
    // Long.bitCount compiles to POPCNT; the JDK 17 Vector API has no lane-wise bit count to beat it.
    return scalar.xorBitCount(a, aOff, b, bOff, n);
  }

  /**
   * One int lane count of int8 values sign-extended to 16-bit lanes. A quarter vector of bytes to a
   * half vector of shorts to a vector
   * of ints (as Lucene does) keeps every conversion a single instruction on AVX2; conversions that
   * take the upper half of a vector ({@code part = 1}) measured four times slower here.
   */
  private static ShortVector widen(byte[] a, int off) {
    return (ShortVector) ByteVector.fromArray(BI, a, off).convertShape(VectorOperators.B2S, SI, 0);
  }

  /** Half a vector of 16-bit lanes sign-extended to int32. */
  private static IntVector toInts(ShortVector p) {
    return (IntVector) p.convertShape(VectorOperators.S2I, I, 0);
  }

  /**
   * Sums a float vector's lanes in lane order. {@code reduceLanes(ADD)} leaves the order of a float
   * reduction to the implementation, and the intrinsic and the Java fallback (interpreter, C1)
   * differ, so a layer's output could change by an ulp from one call to the next as the JIT warms up.
   */
  private static float sumLanes(FloatVector v) {
    float sum = 0f;
    for (int i = 0; i < F.length(); i++) {
      sum += v.lane(i);
    }
    return sum;
  }
}
