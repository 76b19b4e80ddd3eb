package dev.quantgen.runtime.kernel;

import dev.quantgen.runtime.layer.LayerMath;

/**
 * The bulk inner loops of dense kernels, one implementation per instruction set: {@link
 * ScalarKernelSupport} everywhere, a Vector API one when {@code jdk.incubator.vector} is present.
 * Generated kernels call the instance {@link Kernels#support()} returns; they never link the
 * incubator module themselves (as Lucene's {@code VectorUtil} delegates to {@code
 * VectorUtilSupport}).
 *
 * <p>Integer methods are exact: every implementation returns the same int32 sums (int32 addition is
 * associative, and where a method adds products in 16 bits first its precondition keeps those
 * partial sums in range). Float methods may reassociate and fuse multiply-adds, so two
 * implementations differ by at most the reassociation bound {@code 2 * gamma(n) * sum |a b|},
 * {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}.
 *
 * <p>"Four rows" methods compute rows {@code off}, {@code off + stride}, {@code off + 2 stride},
 * {@code off + 3 stride} of a row-major matrix against one vector, loading each activation once for
 * the four rows, and store the sums in {@code out[outOff .. outOff + 3]}. Callers check bounds;
 * implementations may throw {@link IndexOutOfBoundsException} on bad offsets.
 */
public interface KernelSupport {
  /** A short name for reports: {@code scalar} or {@code vector(256 bit)}. */
  String name();

  /** {@code sum_i a[aOff + i] * b[bOff + i]} for {@code i < n}, float32 (reassociated). */
  float dotFloat(float[] a, int aOff, float[] b, int bOff, int n);

  /** Four float rows of {@code w} times {@code x[0 .. n)}. */
  void dotFloat4(float[] w, int off, int stride, float[] x, int n, float[] out, int outOff);

  /** {@code sum_i half(w[off + i]) * x[i]} for {@code i < n}: binary16 weights decoded exactly. */
  float dotHalf(short[] w, int off, float[] x, int n);

  /** Four binary16 rows of {@code w} times {@code x[0 .. n)}. */
  void dotHalf4(short[] w, int off, int stride, float[] x, int n, float[] out, int outOff);

  /** {@code sum_i w[off + i] * x[i]} for {@code i < n}, exact in int32 for any int8 values. */
  int dotInt8(byte[] w, int off, byte[] x, int n);

  /** Four int8 rows of {@code w} times {@code x[0 .. n)}, exact for any int8 values. */
  void dotInt8x4(byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff);

  /**
   * As {@link #dotInt8x4}, for weights in the restricted range [-127, 127] (symmetric int8): then
   * two products {@code |w x| <= 127 * 128} add in 16 bits without overflow before widening, which
   * halves the widening work. A weight of -128 is outside the contract (the sum may be wrong).
   */
  void dotInt8x4Restricted(byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff);

  /**
   * {@code sum_j lo(w[off + j]) * even[j] + hi(w[off + j]) * odd[j]} for {@code j < bytes}: packed
   * int4 weights (element {@code 2j} in the sign-extended low nibble, {@code 2j + 1} in the high
   * nibble) against int8 activations split by {@link #splitEvenOdd}. Exact in int32.
   */
  int dotInt4(byte[] w, int off, byte[] even, byte[] odd, int bytes);

  /**
   * Four packed int4 rows of {@code w} ({@code stride} bytes apart, from {@code off}) times the
   * split activations, as {@link #dotInt4} each, into {@code out[outOff .. outOff + 4)}: each load
   * of {@code even} and {@code odd} serves four rows. Exact in int32.
   */
  void dotInt4x4(
      byte[] w, int off, int stride, byte[] even, byte[] odd, int bytes, int[] out, int outOff);

  /**
   * The float matrix product of a batch: {@code out[b * outStride + r] = sum_i w[r * n + i] * x[b *
   * n + i]} for rows {@code r} in {@code [rowFrom, rowTo)} and samples {@code b < batch}. Rows go
   * in fours from {@code rowFrom} and the last {@code (rowTo - rowFrom) % 4} one by one, and every
   * value equals, bit for bit, what {@link #dotFloat4} (a group of four) or {@link #dotFloat} (a
   * last row) of this implementation gives for that row and sample: a batched layer equals the same
   * layer run sample by sample. An implementation may reuse each weight it loads across samples.
   */
  void gemmFloat(
      float[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride);

  /**
   * As {@link #gemmFloat} for binary16 weights, equal bit for bit to {@link #dotHalf4} and {@link
   * #dotHalf}; an implementation may decode a group of rows once for the whole batch.
   */
  void gemmHalf(
      short[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride);

  /**
   * Float weights {@code [rows][n]} (row-major) rearranged once into the layout {@link
   * #gemmFloat(float[], float[], int, int, int, float[], int, float[], int)} reads beside them:
   * panels of consecutive rows stored input by input (the last panel padded with zero rows), so its
   * kernel loads a vector of rows' weights per input. The layout is this implementation's own; an
   * implementation that does not use panels returns an empty array.
   */
  float[] floatPanels(float[] w, int rows, int n);

  /**
   * The float matrix product of a batch with the panels {@link #floatPanels} made of {@code w} by
   * this same implementation: {@code out[b * outStride + r] = sum_i w[r * n + i] * x[b * n + i]}
   * for rows {@code r} in {@code [rowFrom, rowTo)} and samples {@code b < batch}; other elements of
   * {@code out} are untouched. Unlike {@link #gemmFloat(float[], int, int, int, float[], int,
   * float[], int)} the sums need not be the one-sample kernels' bit for bit: each is within the
   * reassociation bound {@code gamma(n) * sum |w x|} of the exact sum, so within {@code 2 *
   * gamma(n) * sum |w x|} of {@link #dotFloat4}'s, and it does not depend on the batch size or on
   * which other rows are computed (an implementation fixes one order per row).
   */
  void gemmFloat(
      float[] w,
      float[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride);

  /**
   * Binary16 weights {@code [rows][n]} in the panel layout of {@link #floatPanels}, still as
   * binary16 bits; an implementation that does not use panels returns an empty array.
   */
  short[] halfPanels(short[] w, int rows, int n);

  /**
   * As {@link #gemmFloat(float[], float[], int, int, int, float[], int, float[], int)} for binary16
   * weights with the panels {@link #halfPanels} made of {@code w} (each weight decoded exactly):
   * the same bound against {@link #dotHalf4}.
   */
  void gemmHalf(
      short[] w,
      short[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride);

  /**
   * {@code sum_i s_i * x[xOff + i]} for {@code i < n}, {@code s_i = +1} where bit {@code i % 64} of
   * {@code w[off + i / 64]} is 1 and {@code -1} where it is 0 (binary weights): each term is {@code
   * x} with its sign bit flipped or not, exactly, so only the order of the float additions varies.
   */
  float dotSigns(long[] w, int off, float[] x, int xOff, int n);

  /** Four sign rows of {@code words} longs each, from {@code w[off]}, times {@code x[xOff ..]}. */
  void dotSigns4(long[] w, int off, int words, float[] x, int xOff, int n, float[] out, int outOff);

  /**
   * As {@link #gemmFloat} for sign rows of {@code words} longs each: every value equals {@link
   * #dotSigns4} (a group of four rows from {@code rowFrom}) or {@link #dotSigns} (a last row) bit
   * for bit; an implementation may decode a group of rows to {@code +-1} floats once per batch.
   */
  void gemmSigns(
      long[] w,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride);

  /**
   * Sign rows ({@link #gemmSigns(long[], int, int, int, int, float[], int, float[], int)}'s layout:
   * {@code words} longs per row, bit {@code i % 64} of word {@code i / 64} for input {@code i})
   * rearranged once into the panels {@link #gemmSigns(long[], int[], int, int, int, int, float[],
   * int, float[], int)} reads beside them: panels of consecutive rows stored input by input, one
   * {@code int} per input holding the signs of the panel's rows (bit {@code j} for its row {@code
   * j}; the last panel padded with rows whose outputs are never stored). The layout is this
   * implementation's own; an implementation that does not use panels returns an empty array.
   */
  int[] signPanels(long[] w, int words, int rows, int n);

  /**
   * The product of sign rows and a batch of float activations with the panels {@link #signPanels}
   * made of {@code w} by this same implementation: {@code out[b * outStride + r] = sum_i s_ri * x[b
   * * n + i]} ({@code s_ri = +-1} as {@link #dotSigns} reads it) for rows {@code r} in {@code
   * [rowFrom, rowTo)} and samples {@code b < batch}; other elements of {@code out} are untouched.
   * As {@link #gemmFloat(float[], float[], int, int, int, float[], int, float[], int)} with weights
   * {@code +-1}: each term is exact, so each sum is within {@code gamma(n) * sum |x|} of the exact
   * one and within {@code 2 * gamma(n) * sum |x|} of {@link #dotSigns4}'s, but need not equal it
   * bit for bit.
   */
  void gemmSigns(
      long[] w,
      int[] panels,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride);

  /**
   * {@code q[i] = saturate(rint(x[i] / scale) + zeroPoint)} into int8 for {@code i < n}, NaN to the
   * zero point: exactly {@code LayerMath.quantizeInt8} element by element (true float32 division,
   * round half to even), for {@code zeroPoint} in [-128, 127].
   */
  default void quantizeInt8(float[] x, int n, float scale, int zeroPoint, byte[] q) {
    quantizeInt8(x, 0, n, scale, zeroPoint, q, 0);
  }

  /**
   * {@link #quantizeInt8(float[], int, float, int, byte[])} of {@code x[xOff ..]} into {@code
   * q[qOff ..]}: one sample of a batch.
   */
  void quantizeInt8(float[] x, int xOff, int n, float scale, int zeroPoint, byte[] q, int qOff);

  /**
   * The low end of the dynamic range of {@code x[off .. off + n)}: {@code LayerMath.widenLow}
   * folded over the values from 0, so the minimum of 0 and every finite value (NaN and infinities
   * never widen it); never -0.0.
   */
  float dynamicLow(float[] x, int off, int n);

  /**
   * The high end, as {@link #dynamicLow}: the maximum of 0 and every finite value ({@code
   * LayerMath.widenHigh}).
   */
  float dynamicHigh(float[] x, int off, int n);

  /**
   * DYNAMIC activations of a batch, each sample with its own range: for sample {@code b}, {@code
   * lo} and {@code hi} as {@link #dynamicLow} and {@link #dynamicHigh} of {@code x[b * n .. (b + 1)
   * * n)}, {@code scales[b] = LayerMath.dynamicScale(lo, hi)}, {@code zeroPoints[b] =
   * LayerMath.dynamicZeroPoint(lo, scales[b]) - LayerMath.UINT8_OFFSET} (uint8 codes held as int8),
   * and the sample quantized with them into {@code q[b * n ..]} as {@link #quantizeInt8} does.
   */
  default void quantizeDynamic(
      float[] x, int batch, int n, byte[] q, float[] scales, int[] zeroPoints) {
    for (int b = 0; b < batch; b++) {
      int base = b * n;
      float lo = dynamicLow(x, base, n);
      float sa = LayerMath.dynamicScale(lo, dynamicHigh(x, base, n));
      int za = LayerMath.dynamicZeroPoint(lo, sa) - LayerMath.UINT8_OFFSET;
      scales[b] = sa;
      zeroPoints[b] = za;
      quantizeInt8(x, base, n, sa, za, q, base);
    }
  }

  /**
   * The float epilogue of a DYNAMIC layer with symmetric per-channel weights, {@code out} channels
   * of {@code batch} samples: {@code y[b * out + c] = min(max(v, lo), hi)} where {@code v = (float)
   * (products[b * out + c] - zeroPoints[b] * weightSums[c]) * (scales[b] * weightScales[c]) +
   * bias[c]} (the int32 arithmetic wrapping as Java's, the conversion rounding to nearest, each
   * float operation rounded on its own: no fused multiply-add), {@code bias} may be null (no
   * addition). {@code lo}/{@code hi} express the fused activation: 0 and +inf for ReLU, 0 and 6 for
   * ReLU6, -inf and +inf for none (exactly {@code Math.max(v, 0.0f)} and so on, since {@code v} is
   * never NaN for finite parameters).
   */
  default void dequantizeDynamic(
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
    for (int b = 0; b < batch; b++) {
      float sa = scales[b];
      int za = zeroPoints[b];
      int base = b * out;
      for (int c = 0; c < out; c++) {
        y[base + c] =
            KernelSupport.dynamicOutput(
                products[base + c], za, weightSums[c], sa, weightScales[c], bias, c, lo, hi);
      }
    }
  }

  /**
   * One element of {@link #dequantizeDynamic}: {@code min(max((float) (product - za * weightSum) *
   * (sa * weightScale) + bias[c], lo), hi)}, the bias added only when {@code bias} is not null.
   */
  static float dynamicOutput(
      int product,
      int za,
      int weightSum,
      float sa,
      float weightScale,
      float[] bias,
      int c,
      float lo,
      float hi) {
    float v = (product - za * weightSum) * (sa * weightScale);
    if (bias != null) {
      v += bias[c];
    }
    return Math.min(Math.max(v, lo), hi);
  }

  /**
   * Integer-only requantization of rows {@code [from, to)} of {@code batch} samples of int32
   * products, sample {@code b} at {@code products[b * stride ..]}: {@code q[b * stride + c] =
   * (byte) LayerMath.requantize(products[b * stride + c] + correction[c], multipliers[c],
   * shifts[c], zeroPoint, lo, hi)}, the int32 addition wrapping as Java's does, {@code lo <= hi}
   * within int8. Bit for bit the scalar contract (gemmlowp's rounding); {@code products} is
   * scratch, an implementation may overwrite the elements it requantizes.
   */
  void requantizeInt8(
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
      byte[] q);

  /**
   * The int8 matrix product of a batch: {@code acc[b * accStride + r] = sum_i w[r * n + i] * x[b *
   * n + i]} for rows {@code r} in {@code [rowFrom, rowTo)}, samples {@code b < batch} and {@code i
   * < n}, exact in int32 for any int8 values. Unlike the GEMV methods, an implementation may reuse
   * each weight it loads across the whole batch (tiles, conversions amortized over samples).
   */
  void gemmInt8(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride);

  /**
   * Int8 weights {@code [rows][n]} (row-major) rearranged once, when a layer is built, into the
   * layout {@link #gemmInt8(byte[], byte[], int, int, int, byte[], int, int[], int)} reads beside
   * them: panels of consecutive rows stored column by column, so its kernel loads a vector of rows'
   * weights per input. The layout is this implementation's own (its panel width follows the vector
   * width); an implementation that does not use panels returns an empty array.
   */
  byte[] int8Panels(byte[] w, int rows, int n);

  /**
   * {@link #gemmInt8(byte[], int, int, int, byte[], int, int[], int)} with the panels {@link
   * #int8Panels} made of {@code w} by this same implementation: the same exact results.
   */
  void gemmInt8(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride);

  /**
   * As {@link #gemmInt8} for packed int4 weights: row {@code r} starts at byte {@code r * ((n + 1)
   * / 2)}, element {@code 2j} in the sign-extended low nibble of its byte and {@code 2j + 1} in the
   * high one (a last high nibble of an odd row is ignored); activations are int8 in natural order.
   */
  void gemmInt4(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride);

  /**
   * Packed int4 weights (the layout {@link #gemmInt4} reads) rearranged once, when a layer is
   * built, into the panels {@link #gemmInt4(byte[], byte[], int, int, int, byte[], int, int[],
   * int)} reads beside them, still two weights per byte; an implementation that does not use panels
   * returns an empty array.
   */
  byte[] int4Panels(byte[] w, int rows, int n);

  /**
   * {@link #gemmInt4(byte[], int, int, int, byte[], int, int[], int)} with the panels {@link
   * #int4Panels} made of {@code w} by this same implementation: the same exact results.
   */
  void gemmInt4(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride);

  /**
   * {@code popcount(a[aOff + i] ^ b[bOff + i])} summed over {@code i < n} words: the sign
   * mismatches of two bit-packed ±1 vectors.
   */
  int xorBitCount(long[] a, int aOff, long[] b, int bOff, int n);

  /**
   * Splits {@code x[0 .. n)} into {@code even[j] = x[2j]} and {@code odd[j] = x[2j + 1]}, the
   * layout {@link #dotInt4} reads; with an odd {@code n} the last {@code odd} entry is set to 0, so
   * the zero high nibble of a row's last byte contributes nothing.
   */
  static void splitEvenOdd(byte[] x, int n, byte[] even, byte[] odd) {
    splitEvenOdd(x, 0, n, even, odd);
  }

  /**
   * {@link #splitEvenOdd(byte[], int, byte[], byte[])} of {@code x[off .. off + n)}: one sample of
   * a batch.
   */
  static void splitEvenOdd(byte[] x, int off, int n, byte[] even, byte[] odd) {
    int pairs = n / 2;
    for (int j = 0; j < pairs; j++) {
      even[j] = x[off + 2 * j];
      odd[j] = x[off + 2 * j + 1];
    }
    if ((n & 1) != 0) {
      even[pairs] = x[off + n - 1];
      odd[pairs] = 0;
    }
  }
}
