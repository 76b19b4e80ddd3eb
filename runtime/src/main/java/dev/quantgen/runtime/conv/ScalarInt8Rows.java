package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.layer.LayerMath;

/**
 * The portable {@link Int8Rows}: one {@link LayerMath} call per element, the reference rule itself.
 */
final class ScalarInt8Rows implements Int8Rows {
  static final ScalarInt8Rows INSTANCE = new ScalarInt8Rows();

  private ScalarInt8Rows() {}

  @Override
  public void quantize(float[] x, float scale, int zeroPoint, byte[] q, int n) {
    for (int i = 0; i < n; i++) {
      q[i] = (byte) LayerMath.quantizeInt8(x[i], scale, zeroPoint);
    }
  }

  @Override
  public void centre(byte[] q, int zeroPoint, float[] centred, int n) {
    for (int i = 0; i < n; i++) {
      centred[i] = q[i] - zeroPoint;
    }
  }

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
    for (int m = 0; m < channels; m++) {
      requantizeRow(
          sums, m * plane, plane, bias[m], multipliers[m], shifts[m], zeroPoint, lo, hi, q);
    }
  }

  /** One output channel's row of {@link #requantize}, {@code n} values from {@code at}. */
  static void requantizeRow(
      float[] sums,
      int at,
      int n,
      int bias,
      int multiplier,
      int shift,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    for (int i = at; i < at + n; i++) {
      q[i] =
          (byte) LayerMath.requantize((int) sums[i] + bias, multiplier, shift, zeroPoint, lo, hi);
    }
  }

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
    for (int m = 0; m < channels; m++) {
      requantizeFloatRow(sums, m * plane, plane, bias[m], multipliers[m], zeroPoint, lo, hi, q);
    }
  }

  /** One output channel's row of {@link #requantizeFloat}, {@code n} values from {@code at}. */
  static void requantizeFloatRow(
      float[] sums,
      int at,
      int n,
      int bias,
      float multiplier,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    for (int i = at; i < at + n; i++) {
      q[i] = (byte) LayerMath.requantizeFloat((int) sums[i] + bias, multiplier, zeroPoint, lo, hi);
    }
  }

  @Override
  public String name() {
    return "scalar";
  }
}
