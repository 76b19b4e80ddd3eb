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
    // C2
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
    ((FloatVector) ByteVector.fromArray(B, q, i).convertShape(VectorOperators.B2F, F, 0))
        .sub(zeroPoint)
        .intoArray(centred, i);
  }

  /**
   * Per output channel, vectors of {@code L} positions: each exact integer sum becomes an int in
   * float and int lanes of the kernels' one width (see {@link #requantizeLanes}), then gemmlowp's
   * fixed-point multiply and rounding shift run in int and long lanes, bit for bit {@code
   * LayerMath.requantize}. A channel whose multiplier shifts left (scale ratio of 1 or more, rare)
   * and the positions past the last whole vector run the scalar code.
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
      if (shifts[m] <= 0) {
        for (; p <= plane - L; p += L) {
          requantizeLanes(sums, at + p, bias[m], multipliers[m], -shifts[m], zeroPoint, lo, hi, q);
        }
      }
      ScalarInt8Rows.requantizeRow(
          sums, at + p, plane - p, bias[m], multipliers[m], shifts[m], zeroPoint, lo, hi, q);
    }
  }

  /**
   * One vector of sums from {@code i}, one channel ({@code multiplier}, right shift {@code e} in
   * [0, 31]), requantized into {@code q[i ..]}:
   *
   * <ul>
   *   <li>To int without a lane conversion (JDK 17 C2 compiles none): a sum {@code v} is an integer
   *       with {@code |v| <= 2^24} (the blocked kernel's bound), so {@code t = v / 4} is exact,
   *       {@code r = rint(t)} by the {@code 1.5 * 2^23} rounder (exact for {@code |t| <= 2^22}),
   *       {@code d = v - 4 r} is exact and small, and both integers read off the bits of their sum
   *       with the rounder; {@code v = 4 r + d}. The bias is then added in int lanes (wrapping, as
   *       Java's int addition does).
   *   <li>gemmlowp's {@code SaturatingRoundingDoublingHighMul}: {@code floor((a * m + 2^30) /
   *       2^31)} for both signs (the nudge's sign cases fold into the floor), each product exact in
   *       long lanes, narrowed back into its half of the int vector.
   *   <li>{@code RoundingDivideByPOT}: {@code (x >> e) + (remainder > threshold ? 1 : 0)}, {@code
   *       remainder = x & mask}, {@code threshold = (mask >> 1) + (x < 0 ? 1 : 0)}, the comparison
   *       of two values in [0, 2^31) being the sign bit of their difference.
   *   <li>Clamped to {@code +-2^30} before the zero point is added (so the int addition cannot
   *       wrap; beyond that the int8 result saturates either way), then to {@code [lo, hi]}.
   * </ul>
   *
   * Takes and returns no vector (see {@code VectorKernelSupport}'s class comment), and stays in the
   * one float, int and long width of {@link VectorShapes}.
   */
  private static void requantizeLanes(
      float[] sums,
      int i,
      int bias,
      int multiplier,
      int e,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    FloatVector v = FloatVector.fromArray(F, sums, i);
    FloatVector r = v.mul(0.25f).add(FLOAT_ROUNDER).sub(FLOAT_ROUNDER);
    FloatVector d = v.sub(r.mul(4f));
    IntVector acc =
        r.add(FLOAT_ROUNDER)
            .reinterpretAsInts()
            .sub(FLOAT_ROUNDER_BITS)
            .lanewise(VectorOperators.LSHL, 2)
            .add(d.add(FLOAT_ROUNDER).reinterpretAsInts().sub(FLOAT_ROUNDER_BITS))
            .add(bias);
    LongVector a0 = (LongVector) acc.convertShape(VectorOperators.I2L, LO, 0);
    LongVector a1 = (LongVector) acc.convertShape(VectorOperators.I2L, LO, 1);
    IntVector x0 =
        (IntVector)
            a0.mul((long) multiplier)
                .add(1L << 30)
                .lanewise(VectorOperators.LSHR, 31)
                .convertShape(VectorOperators.L2I, I, 0);
    IntVector x1 =
        (IntVector)
            a1.mul((long) multiplier)
                .add(1L << 30)
                .lanewise(VectorOperators.LSHR, 31)
                .convertShape(VectorOperators.L2I, I, -1);
    IntVector x = x0.or(x1);
    int mask = (1 << e) - 1;
    IntVector remainder = x.and(mask);
    IntVector threshold = x.lanewise(VectorOperators.ASHR, 31).neg().add(mask >> 1);
    IntVector roundUp = threshold.sub(remainder).lanewise(VectorOperators.LSHR, 31);
    IntVector y =
        x.lanewise(VectorOperators.ASHR, e)
            .add(roundUp)
            .max(-(1 << 30))
            .min(1 << 30)
            .add(zeroPoint)
            .max(lo)
            .min(hi);
    y.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(q, i);
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
