package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.VectorShapes;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Rows} on the Vector API, bit for bit equal to {@link ScalarInt8Rows} (which calls
 * {@code LayerMath}). Each step is its own small method, so C2 inlines and intrinsifies all of it.
 *
 * <ul>
 *   <li>Rounding half to even without {@code Math.rint} (which the JDK 17 Vector API lacks): for
 *       {@code |v| <= 2^22}, {@code (v + 1.5 * 2^23) - 1.5 * 2^23} is {@code rint(v)}, as the sum lies
 *       in [2^23, 2^24) where the float spacing is 1 and IEEE addition rounds ties to even. Values
 *       are first clamped to {@code +-2^22}, beyond which the int8 result saturates either way.
 *       Doubles do the same with {@code 1.5 * 2^52} and {@code +-2^50}.
 *   <li>Fixed-point requantization runs gemmlowp's steps in 64-bit lanes: saturating left shift,
 *       the doubling high multiply with its nudge and truncating division by {@code 2^31}, then the
 *       rounding right shift (ties away from zero). A multiplier of {@code Integer.MIN_VALUE} or a
 *       shift outside [-31, 31] (never produced by {@code FixedPoint.quantizeMultiplier}) takes the
 *       scalar row, so its special cases and errors stay the reference's.
 * </ul>
 *
 * <p>The sums given to the requantizers are exact integers within int32 (the blocked kernel's
 * products), so the float-to-int conversion is the Java cast.
 */
final class VectorInt8Rows implements Int8Rows {
  private static final VectorSpecies<Float> F = VectorShapes.FLOATS;
  private static final VectorSpecies<Integer> I = VectorShapes.INTS;
  private static final VectorSpecies<Byte> B = VectorShapes.BYTES_PER_INT;
  private static final int L = F.length();
  /** 64-bit lanes at the full width, and the float and int species with as many lanes (half width). */
  private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, VectorShape.forBitSize(VectorShapes.BITS));
  private static final VectorSpecies<Double> DOUBLES =
      VectorSpecies.of(double.class, VectorShape.forBitSize(VectorShapes.BITS));
  private static final VectorSpecies<Float> HALF_FLOATS =
      VectorSpecies.of(float.class, VectorShape.forBitSize(VectorShapes.BITS / 2));
  private static final int N = LONGS.length();

  private static final float FLOAT_ROUNDER = 0x1.8p23f;
  private static final float FLOAT_LIMIT = 0x1p22f;
  private static final double DOUBLE_ROUNDER = 0x1.8p52;
  private static final double DOUBLE_LIMIT = 0x1p50;
  private static final int FLOAT_ROUNDER_BITS = Float.floatToRawIntBits(FLOAT_ROUNDER);
  private static final long DOUBLE_ROUNDER_BITS = Double.doubleToRawLongBits(DOUBLE_ROUNDER);

  /** Each thread's requantized values of one row before they are narrowed to bytes. */
  private final ThreadLocal<long[][]> scratch = ThreadLocal.withInitial(() -> new long[][] {new long[0]});

  /**
   * @throws UnsupportedOperationException if the preferred vectors are narrower than 256 bits
   */
  VectorInt8Rows() {
    if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
      throw new UnsupportedOperationException("preferred vector size is "
          + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits, need 256");
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
    FloatVector r = v.max(-FLOAT_LIMIT).min(FLOAT_LIMIT).add(FLOAT_ROUNDER).sub(FLOAT_ROUNDER)
        .add(zeroPoint).max(-128f).min(127f).blend(zeroPoint, nan);
    // an integer r in [-128, 127] to int: r + 1.5 * 2^23 holds r in its low mantissa bits (JDK 17 C2
    // does not compile the float-to-int lane conversion, so it is done with the bits)
    IntVector codes = r.add(FLOAT_ROUNDER).reinterpretAsInts().sub(FLOAT_ROUNDER_BITS);
    codes.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(q, i);
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
    ((FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, F, 0)).sub(zeroPoint)
        .intoArray(centred, i);
  }

  private long[] rowScratch(int plane) {
    long[][] s = scratch.get();
    if (s[0].length < plane) {
      s[0] = new long[plane];
    }
    return s[0];
  }

  @Override
  public void requantize(float[] sums, int channels, int plane, int[] bias, int[] multipliers, int[] shifts,
      int zeroPoint, int lo, int hi, byte[] q) {
    java.util.Objects.checkFromIndexSize(0, channels * plane, sums.length);
    java.util.Objects.checkFromIndexSize(0, channels * plane, q.length);
    long[] row = rowScratch(plane);
    for (int m = 0; m < channels; m++) {
      int at = m * plane;
      int multiplier = multipliers[m];
      int shift = shifts[m];
      if (multiplier == Integer.MIN_VALUE || shift < -31 || shift > 31) {
        ScalarInt8Rows.requantizeRow(sums, at, plane, bias[m], multiplier, shift, zeroPoint, lo, hi, q);
        continue;
      }
      int p = 0;
      for (; p <= plane - N; p += N) {
        fixedPointVector(sums, at + p, bias[m], multiplier, shift, zeroPoint, lo, hi, row, p);
      }
      narrow(row, p, q, at);
      ScalarInt8Rows.requantizeRow(sums, at + p, plane - p, bias[m], multiplier, shift, zeroPoint, lo, hi, q);
    }
  }

  /**
   * The int32 accumulators {@code (int) sums[at + i] + bias} in 64-bit lanes, wrapping as int
   * addition does. The exact integer sums become longs through their bits as doubles (JDK 17 C2 does
   * not compile float-to-int lane conversions): for {@code |d| < 2^51}, the bits of {@code d + 1.5 * 2^52}
   * minus those of {@code 1.5 * 2^52} are {@code d}.
   */
  private static LongVector accumulators(float[] sums, int at, int bias) {
    DoubleVector d = (DoubleVector) FloatVector.fromArray(HALF_FLOATS, sums, at)
        .convertShape(VectorOperators.F2D, DOUBLES, 0);
    return d.add(DOUBLE_ROUNDER).reinterpretAsLongs().sub(DOUBLE_ROUNDER_BITS).add(bias)
        .lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32);
  }

  /** {@code N} values of {@link #requantize}: gemmlowp's MultiplyByQuantizedMultiplier in 64-bit lanes. */
  private static void fixedPointVector(float[] sums, int at, int bias, int multiplier, int shift, int zeroPoint,
      int lo, int hi, long[] out, int to) {
    LongVector a = accumulators(sums, at, bias);
    if (shift > 0) {
      a = a.lanewise(VectorOperators.LSHL, shift).max(Integer.MIN_VALUE).min(Integer.MAX_VALUE);
    }
    // saturatingRoundingDoublingHighMul: (a * m + nudge) / 2^31, truncated toward zero
    LongVector ab = a.mul(multiplier);
    VectorMask<Long> nonNegative = ab.compare(VectorOperators.GE, 0L);
    LongVector t = ab.add(LongVector.broadcast(LONGS, 1L - (1L << 30)).blend(1L << 30, nonNegative));
    LongVector high = t.add(LongVector.broadcast(LONGS, (1L << 31) - 1).blend(0L, t.compare(VectorOperators.GE, 0L)))
        .lanewise(VectorOperators.ASHR, 31);
    // roundingDivideByPot: ties away from zero
    int exponent = shift > 0 ? 0 : -shift;
    long mask = (1L << exponent) - 1;
    LongVector threshold = LongVector.broadcast(LONGS, mask >> 1)
        .add(LongVector.zero(LONGS).blend(1L, high.compare(VectorOperators.LT, 0L)));
    LongVector remainder = high.and(mask);
    high.lanewise(VectorOperators.ASHR, exponent)
        .add(LongVector.zero(LONGS).blend(1L, remainder.compare(VectorOperators.GT, threshold)))
        .add(zeroPoint).max(lo).min(hi)
        .intoArray(out, to);
  }

  @Override
  public void requantizeFloat(float[] sums, int channels, int plane, int[] bias, float[] multipliers,
      int zeroPoint, int lo, int hi, byte[] q) {
    java.util.Objects.checkFromIndexSize(0, channels * plane, sums.length);
    java.util.Objects.checkFromIndexSize(0, channels * plane, q.length);
    long[] row = rowScratch(plane);
    for (int m = 0; m < channels; m++) {
      int at = m * plane;
      float multiplier = multipliers[m];
      if (!Float.isFinite(multiplier)) {
        ScalarInt8Rows.requantizeFloatRow(sums, at, plane, bias[m], multiplier, zeroPoint, lo, hi, q);
        continue;
      }
      int p = 0;
      for (; p <= plane - N; p += N) {
        floatVector(sums, at + p, bias[m], multiplier, zeroPoint, lo, hi, row, p);
      }
      narrow(row, p, q, at);
      ScalarInt8Rows.requantizeFloatRow(sums, at + p, plane - p, bias[m], multiplier, zeroPoint, lo, hi, q);
    }
  }

  /** {@code N} values of {@link #requantizeFloat}: {@code rint(acc * m)} in float64, then the zero point and clamp. */
  private static void floatVector(float[] sums, int at, int bias, float multiplier, int zeroPoint, int lo, int hi,
      long[] out, int to) {
    LongVector acc = accumulators(sums, at, bias);
    // (double) acc through the bits again, exact for |acc| < 2^51
    DoubleVector product = acc.add(DOUBLE_ROUNDER_BITS).reinterpretAsDoubles().sub(DOUBLE_ROUNDER)
        .mul((double) multiplier);
    // rint: the addition rounds ties to even; its bits minus the constant's are the integer
    product.max(-DOUBLE_LIMIT).min(DOUBLE_LIMIT).add(DOUBLE_ROUNDER).reinterpretAsLongs().sub(DOUBLE_ROUNDER_BITS)
        .add(zeroPoint).max(lo).min(hi)
        .intoArray(out, to);
  }

  /**
   * {@code q[at + i] = (byte) values[i]} for the first {@code n} values (each already in the output
   * range); scalar, as JDK 17 C2 compiles no long-to-narrower lane conversion.
   */
  private static void narrow(long[] values, int n, byte[] q, int at) {
    for (int i = 0; i < n; i++) {
      q[at + i] = (byte) values[i];
    }
  }
}
