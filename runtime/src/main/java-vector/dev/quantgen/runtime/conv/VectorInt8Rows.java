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
  private static final int L = F.length();

  private static final float FLOAT_ROUNDER = 0x1.8p23f;
  private static final float FLOAT_LIMIT = 0x1p22f;
  private static final int FLOAT_ROUNDER_BITS = Float.floatToRawIntBits(FLOAT_ROUNDER);

  /** Each thread's int lanes of two rows between the passes of {@link #requantize}. */
  private static final ThreadLocal<int[]> ROW = ThreadLocal.withInitial(() -> new int[0]);

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
   * Per output channel, vectors of {@code L} positions in three passes over the channel's row (see
   * {@link #toInts}, {@link #highMul} and {@link #shiftStore}), bit for bit {@code
   * LayerMath.requantize}. A row of at least {@code L} positions ends with a vector moved back to
   * end at the row's end (it recomputes a few positions to the same codes). A channel whose
   * multiplier shifts left (scale ratio of 1 or more, rare) and rows shorter than a vector run the
   * scalar code.
   *
   * <p>Three passes, not one: with the whole chain in one loop body C2 (JDK 17) compiled the
   * requantization at 1.1 ns a value (14 us for the CNN's conv1, more than its products); split,
   * each loop stays within what C2 inlines and intrinsifies, 0.3 ns a value (measured in the same
   * JVM). The passes hand their int lanes over in a per-thread buffer of one row.
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
    int[] row = plane >= L ? rowBuffer(2 * plane) : null;
    for (int m = 0; m < channels; m++) {
      int at = m * plane;
      if (row != null && shifts[m] <= 0) {
        toInts(sums, at, plane, bias[m], row);
        highMul(row, plane, multipliers[m]);
        shiftStore(row, plane, plane, -shifts[m], zeroPoint, lo, hi, q, at);
      } else {
        ScalarInt8Rows.requantizeRow(
            sums, at, plane, bias[m], multipliers[m], shifts[m], zeroPoint, lo, hi, q);
      }
    }
  }

  /** This thread's int row of at least {@code n} lanes (grown, never shrunk). */
  private static int[] rowBuffer(int n) {
    int[] row = ROW.get();
    if (row.length < n) {
      row = new int[n];
      ROW.set(row);
    }
    return row;
  }

  /**
   * Pass 1: {@code n >= L} exact integer sums from {@code sums[at ..]} plus {@code bias} into int
   * lanes, without a lane conversion (JDK 17 C2 compiles none): a sum {@code v} is an integer with
   * {@code |v| <= 2^24} (the blocked kernel's bound), so {@code t = v / 4} is exact, {@code r =
   * rint(t)} by the {@code 1.5 * 2^23} rounder (exact for {@code |t| <= 2^22}), {@code d = v - 4 r}
   * is exact and small, and both integers read off the bits of their sum with the rounder; {@code v
   * = 4 r + d}. The bias is added in int lanes (wrapping, as Java's int addition does).
   */
  private static void toInts(float[] sums, int at, int n, int bias, int[] row) {
    for (int i = 0; i < n; i += L) {
      int j = Math.min(i, n - L);
      FloatVector v = FloatVector.fromArray(F, sums, at + j);
      FloatVector r = v.mul(0.25f).add(FLOAT_ROUNDER).sub(FLOAT_ROUNDER);
      FloatVector d = v.sub(r.mul(4f));
      r.add(FLOAT_ROUNDER)
          .reinterpretAsInts()
          .sub(FLOAT_ROUNDER_BITS)
          .lanewise(VectorOperators.LSHL, 2)
          .add(d.add(FLOAT_ROUNDER).reinterpretAsInts().sub(FLOAT_ROUNDER_BITS))
          .add(bias)
          .intoArray(row, j);
    }
  }

  /**
   * Pass 2, from {@code row[0 .. n)} into {@code row[n .. 2n)}: gemmlowp's {@code
   * SaturatingRoundingDoublingHighMul}, {@code floor((a * m + 2^30) / 2^31)} for both signs (the
   * nudge's sign cases fold into the floor), each product exact in long lanes. The int vector read
   * as longs holds the even lanes in the low halves and the odd ones in the high halves: each half
   * is sign-extended by shifts, multiplied, and its 32 result bits put back in its half (no lane
   * conversion, which JDK 17 C2 compiles for part 0 only).
   */
  private static void highMul(int[] row, int n, int multiplier) {
    long m = multiplier;
    for (int i = 0; i < n; i += L) {
      int j = Math.min(i, n - L);
      LongVector pairs = IntVector.fromArray(I, row, j).reinterpretAsLongs();
      LongVector even = pairs.lanewise(VectorOperators.LSHL, 32).lanewise(VectorOperators.ASHR, 32);
      LongVector odd = pairs.lanewise(VectorOperators.ASHR, 32);
      // (p + 2^30) >> 31 keeps bits 31..62 of the sum: into the low half for even lanes, shifted
      // left by one (bits 31..62 to 32..63) into the high half for odd ones
      LongVector low =
          even.mul(m).add(1L << 30).lanewise(VectorOperators.LSHR, 31).and(0xFFFF_FFFFL);
      LongVector high =
          odd.mul(m).add(1L << 30).lanewise(VectorOperators.LSHL, 1).and(0xFFFF_FFFF_0000_0000L);
      low.or(high).reinterpretAsInts().intoArray(row, n + j);
    }
  }

  /**
   * Pass 3: gemmlowp's {@code RoundingDivideByPOT} by {@code 2^e}, {@code e} in [0, 31]: {@code (x
   * >> e) + (remainder > threshold ? 1 : 0)}, {@code remainder = x & mask}, {@code threshold =
   * (mask >> 1) + (x < 0 ? 1 : 0)}, the comparison of two values in [0, 2^31) being the sign bit of
   * their difference. Clamped to {@code +-2^30} before the zero point is added (so the int addition
   * cannot wrap; beyond that the int8 result saturates either way), then to {@code [lo, hi]}, and
   * stored as bytes at {@code q[at ..]}.
   */
  private static void shiftStore(
      int[] row, int from, int n, int e, int zeroPoint, int lo, int hi, byte[] q, int at) {
    int mask = (1 << e) - 1;
    for (int i = 0; i < n; i += L) {
      int j = Math.min(i, n - L);
      IntVector x = IntVector.fromArray(I, row, from + j);
      IntVector threshold = x.lanewise(VectorOperators.ASHR, 31).neg().add(mask >> 1);
      IntVector roundUp = threshold.sub(x.and(mask)).lanewise(VectorOperators.LSHR, 31);
      x.lanewise(VectorOperators.ASHR, e)
          .add(roundUp)
          .max(-(1 << 30))
          .min(1 << 30)
          .add(zeroPoint)
          .max(lo)
          .min(hi)
          .convertShape(VectorOperators.I2B, B, 0)
          .reinterpretAsBytes()
          .intoArray(q, at + j);
    }
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
