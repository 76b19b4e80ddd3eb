package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.kernel.VectorShapes;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Int8Rows} on the Vector API, bit for bit equal to {@link ScalarInt8Rows} (which calls
 * {@code LayerMath}): quantizing and centring run on vectors of the kernels' one float width (each
 * step its own small method, so C2 inlines and intrinsifies all of it); requantization stays scalar
 * (see {@link #requantize}).
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

  /**
   * Scalar, on purpose: JDK 17 C2 compiles no float-to-int lane conversion, and the ways around it
   * (a half-width float species, or the two halves of a float-to-double conversion) make C2 give up
   * intrinsifying the convolution's own float vectors or these (measured: 20-100x slower). A vector
   * requantization waits for a JDK whose C2 converts lanes (18+), or for sums stored as ints.
   */
  @Override
  public void requantize(float[] sums, int channels, int plane, int[] bias, int[] multipliers, int[] shifts,
      int zeroPoint, int lo, int hi, byte[] q) {
    ScalarInt8Rows.INSTANCE.requantize(sums, channels, plane, bias, multipliers, shifts, zeroPoint, lo, hi, q);
  }

  /** Scalar, for the reasons {@link #requantize} gives. */
  @Override
  public void requantizeFloat(float[] sums, int channels, int plane, int[] bias, float[] multipliers,
      int zeroPoint, int lo, int hi, byte[] q) {
    ScalarInt8Rows.INSTANCE.requantizeFloat(sums, channels, plane, bias, multipliers, zeroPoint, lo, hi, q);
  }
}
