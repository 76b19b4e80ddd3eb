package dev.quantgen.runtime.conv;

/**
 * The element-wise steps around a static int8 convolution's products, over whole rows so the Vector
 * API can run them: quantizing float inputs to int8 codes, centring codes into the floats the
 * blocked kernel multiplies, and requantizing its exact int32 sums to int8 per output channel.
 * Every implementation gives exactly {@link dev.quantgen.runtime.layer.LayerMath}'s results (the
 * scalar one calls it). Thread-safe. Made by {@link ConvKernels#int8Rows()}.
 */
public interface Int8Rows {
  /**
   * {@code q[i] = LayerMath.quantizeInt8(x[i], scale, zeroPoint)} for {@code i < n}: true float
   * division, ties to even, zero point added, saturated; NaN gives the zero point.
   */
  void quantize(float[] x, float scale, int zeroPoint, byte[] q, int n);

  /** {@code centred[i] = q[i] - zeroPoint} as floats (exact) for {@code i < n}. */
  void centre(byte[] q, int zeroPoint, float[] centred, int n);

  /**
   * Integer-only requantization of {@code sums [channels, plane]} (exact integers held in floats):
   * {@code q[m * plane + p] = LayerMath.requantize((int) sums[m * plane + p] + bias[m],
   * multipliers[m], shifts[m], zeroPoint, lo, hi)}, the int32 addition wrapping as Java's does.
   */
  void requantize(
      float[] sums,
      int channels,
      int plane,
      int[] bias,
      int[] multipliers,
      int[] shifts,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q);

  /**
   * ONNX-style requantization of {@code sums [channels, plane]}: {@code q[m * plane + p] =
   * LayerMath.requantizeFloat((int) sums[m * plane + p] + bias[m], multipliers[m], zeroPoint, lo,
   * hi)}.
   */
  void requantizeFloat(
      float[] sums,
      int channels,
      int plane,
      int[] bias,
      float[] multipliers,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q);

  /** The implementation for reports, e.g. {@code vector(512 bit)}. */
  String name();
}
