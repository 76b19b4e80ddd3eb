package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.VectorShapes;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Rows} on the Vector API, bit for bit equal to {@link ScalarInt8Rows} (which calls
 * {@code LayerMath}): quantizing and centring run on vectors of the kernels' one float width (each
 * step its own small method, so C2 inlines and intrinsifies all of it); integer requantization runs
 * in int and long lanes of the same width ({@link #requantize}); the ONNX-style float
 * requantization stays scalar.
 *
 * <p>Rounding half to even without {@code Math.rint} (which the JDK 17 Vector API lacks): for
 * {@code |v| <= 2^22}, {@code (v + 1.5 * 2^23) - 1.5 * 2^23} is {@code rint(v)}, as the sum lies in
 * [2^23, 2^24) where the float spacing is 1 and IEEE addition rounds ties to even. Values are first
 * clamped to {@code +-2^22}, beyond which the int8 result saturates either way; NaN lanes take the
 * zero point.
 */
final class VectorInt8Rows implements Int8Rows {
  private static final VectorSpecies<Float> F = VectorShapes.FLOATS;
  private static final VectorSpecies<Integer> I = VectorShapes.INTS;
  private static final VectorSpecies<Byte> B = VectorShapes.BYTES_PER_INT;
  private static final VectorSpecies<Long> LO = VectorShapes.LONGS;
  private static final int L = F.length();

  private static final float FLOAT_ROUNDER = 0x1.8p23f;
  private static final float FLOAT_LIMIT = 0x1p22f;
  private static final int FLOAT_ROUNDER_BITS = Float.floatToRawIntBits(FLOAT_ROUNDER);

  /** The largest bias {@link #requantizeRow} adds in float: every int of this size is a float. */
  private static final long EXACT_BIAS = 1L << 24;

  /**
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits
   */
  VectorInt8Rows() {
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException(
          "preferred vector size is "
              + FloatVector.SPECIES_PREFERRED.vectorBitSize()
              + " bits, need 256");
    }
  }

  @Override
  public String name() {
    return "vector(" + VectorShapes.BITS + " bit)";
  }

  @Override
  public void quantize(float[] x, float scale, int zeroPoint, byte[] q, int n) {
    java.util.Objects.checkFromIndexSize(0, n, x.length);
    java.util.Objects.checkFromIndexSize(0, n, q.length);
    int i = 0;
    for (; i <= n - L; i += L) {
      quantizeVector(x, i, scale, zeroPoint, q);
    }
    for (; i < n; i++) {
      q[i] = (byte) dev.quantgen.runtime.layer.LayerMath.quantizeInt8(x[i], scale, zeroPoint);
    }
  }

  private static void quantizeVector(float[] x, int i, float scale, int zeroPoint, byte[] q) {
    FloatVector v = FloatVector.fromArray(F, x, i).div(scale);
    VectorMask<Float> nan = v.test(VectorOperators.IS_NAN);
    FloatVector r =
        v.max(-FLOAT_LIMIT)
            .min(FLOAT_LIMIT)
            .add(FLOAT_ROUNDER)
            .sub(FLOAT_ROUNDER)
            .add(zeroPoint)
            .max(-128f)
            .min(127f)
            .blend(zeroPoint, nan);
    // an integer r in [-128, 127] to int: r + 1.5 * 2^23 holds r in its low mantissa bits (JDK 17
    // C2 does not compile the float-to-int lane conversion, so it is done with the bits). The
    // reinterpretations name their constant species and cast: with reinterpretAsInts() and
    // reinterpretAsBytes() C2 boxed a vector per step in the INT8 CNN's JVM (48 bytes each).
    IntVector codes =
        ((IntVector) r.add(FLOAT_ROUNDER).reinterpretShape(I, 0)).sub(FLOAT_ROUNDER_BITS);
    ((ByteVector) codes.convertShape(VectorOperators.I2B, B, 0)).intoArray(q, i);
  }

  @Override
  public void centre(byte[] q, int zeroPoint, float[] centred, int n) {
    java.util.Objects.checkFromIndexSize(0, n, q.length);
    java.util.Objects.checkFromIndexSize(0, n, centred.length);
    int i = 0;
    for (; i <= n - L; i += L) {
      centreVector(q, i, zeroPoint, centred);
    }
    for (; i < n; i++) {
      centred[i] = q[i] - zeroPoint;
    }
  }

  private static void centreVector(byte[] q, int i, int zeroPoint, float[] centred) {
    ((FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, F, 0))
        .sub(zeroPoint)
        .intoArray(centred, i);
  }

  /**
   * Per output channel, vectors of {@code L} positions ({@link #requantizeRow}), bit for bit {@code
   * LayerMath.requantize}. A channel whose multiplier shifts left (scale ratio of 1 or more, rare)
   * or whose bias is not exact in float ({@code |bias| > 2^24}), and the positions past the last
   * whole vector, run the scalar code.
   */
  @Override
  public void requantize(
      float[] sums,
      int channels,
      int plane,
      int[] bias,
      int[] multipliers,
      int[] shifts,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    java.util.Objects.checkFromIndexSize(0, channels * plane, sums.length);
    java.util.Objects.checkFromIndexSize(0, channels * plane, q.length);
    for (int m = 0; m < channels; m++) {
      int at = m * plane;
      int p = 0;
      if (shifts[m] <= 0 && Math.abs((long) bias[m]) <= EXACT_BIAS) {
        p = plane - plane % L;
        requantizeRow(sums, at, at + p, bias[m], multipliers[m], -shifts[m], zeroPoint, lo, hi, q);
      }
      ScalarInt8Rows.requantizeRow(
          sums, at + p, plane - p, bias[m], multipliers[m], shifts[m], zeroPoint, lo, hi, q);
    }
  }

  /**
   * The whole vectors of sums {@code [from, to)} of one channel ({@code multiplier}, right shift
   * {@code e} in [0, 31], {@code |bias| <= 2^24}) requantized into {@code q[from .. to)}. Per
   * vector of {@code L} sums ({@link #requantizeLanes}):
   *
   * <ul>
   *   <li>The bias is added in float: both are integers of at most 2^24, so a sum of at most 2^22
   *       in magnitude is exact, and the {@code 1.5 * 2^23} rounder reads it off as an int with one
   *       addition and one integer subtraction (JDK 17 C2 compiles no float-to-int lane
   *       conversion). A vector with any lane beyond {@code 2^22} (or NaN) runs the scalar code
   *       instead: integer sums that large need more than a product's worth of multiply-adds, and
   *       are rare.
   *   <li>gemmlowp's {@code SaturatingRoundingDoublingHighMul}, {@code floor((a * m + 2^30) /
   *       2^31)} for both signs (the nudge's sign cases fold into the floor), is exact in long
   *       lanes of the same width without any shape change: the int vector reinterpreted as longs
   *       holds the even lanes in the low halves and the odd lanes in the high halves, each
   *       sign-extended by shifts, multiplied, rounded, and the bits 31 to 62 of each product put
   *       back into its own half. (Widening with {@code convertShape(I2L, part)} and narrowing back
   *       took slices and rearranges: about twice the time per vector.)
   *   <li>{@code RoundingDivideByPOT}: {@code (x >> e) + (remainder > threshold ? 1 : 0)}, {@code
   *       remainder = x & mask}, {@code threshold = (mask >> 1) + (x < 0 ? 1 : 0)}, the comparison
   *       of two values in [0, 2^31) being the sign bit of their difference.
   *   <li>Clamped to {@code [lo - zeroPoint, hi - zeroPoint]} before the zero point is added, which
   *       is {@code clamp(y + zeroPoint, lo, hi)} without the int addition ever wrapping.
   * </ul>
   *
   * Takes and returns no vector (see {@code VectorKernelSupport}'s class comment), and stays in the
   * one float, int and long width of {@link VectorShapes}.
   */
  private static void requantizeRow(
      float[] sums,
      int from,
      int to,
      int bias,
      int multiplier,
      int e,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    for (int i = from; i < to; i += L) {
      if (!requantizeLanes(sums, i, bias, multiplier, e, zeroPoint, lo, hi, q)) {
        ScalarInt8Rows.requantizeRow(sums, i, L, bias, multiplier, -e, zeroPoint, lo, hi, q);
      }
    }
  }

  /**
   * One vector of {@link #requantizeRow} from {@code i}, or false (nothing written) when a sum with
   * its bias lies beyond {@code 2^22}. Every vector, broadcasts included, lives within one call: a
   * vector kept across the loop's iterations (broadcasts hoisted by hand) made some JVMs' C2 (one
   * JMH fork in four) compile the loop with boxed vectors, 400 bytes per vector.
   */
  private static boolean requantizeLanes(
      float[] sums,
      int i,
      int bias,
      int multiplier,
      int e,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    FloatVector sum = FloatVector.fromArray(F, sums, i).add((float) bias);
    if (!sum.abs().compare(VectorOperators.LE, FLOAT_LIMIT).allTrue()) {
      return false;
    }
    long m = multiplier;
    LongVector pairs =
        (LongVector)
            ((IntVector) sum.add(FLOAT_ROUNDER).reinterpretShape(I, 0))
                .sub(FLOAT_ROUNDER_BITS)
                .reinterpretShape(LO, 0);
    LongVector even =
        pairs
            .lanewise(VectorOperators.LSHL, 32)
            .lanewise(VectorOperators.ASHR, 32)
            .mul(m)
            .add(1L << 30)
            .lanewise(VectorOperators.LSHR, 31)
            .and(0xFFFF_FFFFL);
    LongVector odd =
        pairs
            .lanewise(VectorOperators.ASHR, 32)
            .mul(m)
            .add(1L << 30)
            .lanewise(VectorOperators.LSHL, 1)
            .and(0xFFFF_FFFF_0000_0000L);
    IntVector x = (IntVector) even.or(odd).reinterpretShape(I, 0);
    int mask = (1 << e) - 1;
    IntVector roundUp =
        IntVector.broadcast(I, mask >> 1)
            .sub(x.lanewise(VectorOperators.ASHR, 31))
            .sub(x.and(mask))
            .lanewise(VectorOperators.LSHR, 31);
    IntVector y =
        x.lanewise(VectorOperators.ASHR, IntVector.broadcast(I, e))
            .add(roundUp)
            .max(lo - zeroPoint)
            .min(hi - zeroPoint)
            .add(zeroPoint);
    ((ByteVector) y.convertShape(VectorOperators.I2B, B, 0)).intoArray(q, i);
    return true;
  }

  /**
   * Scalar: the float64 product of the ONNX contract has no exact float32 lane form, and JDK 17 C2
   * compiles no int-to-double lane conversion of this width without a second species.
   */
  @Override
  public void requantizeFloat(
      float[] sums,
      int channels,
      int plane,
      int[] bias,
      float[] multipliers,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    ScalarInt8Rows.INSTANCE.requantizeFloat(
        sums, channels, plane, bias, multipliers, zeroPoint, lo, hi, q);
  }
}
