package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;

/**
 * A global average pool on quantized codes with ONNX Runtime's arithmetic: what its QDQ transformer
 * runs for {@code DequantizeLinear -> GlobalAveragePool -> QuantizeLinear} (fused into {@code
 * com.microsoft.QLinearGlobalAveragePool}, MLAS {@code MlasQLinearGlobalAveragePoolNchw} / {@code
 * Nhwc}). Per sample and channel, with {@code N = H * W} pixels:
 *
 * <ol>
 *   <li>{@code acc = sum(q) - zx * N} in int32, as MLAS sums (exact below about 8 million pixels;
 *       see {@link #MAX_PIXELS});
 *   <li>{@code m = sx / fl32(sy * N)}: the multiplier in float32, the product rounded first;
 *   <li>{@code v = fl32(fl32(acc) * m)}, clamped to {@code [lo - zy, hi - zy]} (the output type's
 *       range shifted by its zero point), rounded half to even, plus {@code zy}: MLAS {@code
 *       MlasRequantizeOutput} with one scale and no bias.
 * </ol>
 *
 * <p>Not the float definition {@code rint(mean(DQ(q)) / sy) + zy}: the two differ by one step where
 * a value lies near a .5 boundary, and this class reproduces the runtime users compare against.
 * Codes are in the int8 domain (a uint8 tensor shifted by 128, see {@link QdqModel}): {@code sum(q)
 * - zx * N} and the shifted saturation bounds are the same in both domains, so one kernel serves
 * both. Immutable and thread-safe.
 */
final class QLinearGlobalAveragePool {
  /**
   * The largest pixel count MLAS accepts (it rejects 2^24 and more). Below it the int32 sum can
   * still wrap for huge maps, but it wraps alike in Java and in MLAS's 32-bit lanes.
   */
  static final int MAX_PIXELS = (1 << 24) - 1;

  private final int inputZero;
  private final int outputZero;
  private final float multiplier;
  private final int pixels;

  /**
   * @param inputScale the scale of the DequantizeLinear before the pool
   * @param inputZero its zero point, in the int8 domain
   * @param outputScale the scale of the QuantizeLinear after the pool
   * @param outputZero its zero point, in the int8 domain
   * @param pixels {@code H * W}
   */
  QLinearGlobalAveragePool(
      float inputScale, int inputZero, float outputScale, int outputZero, int pixels) {
    this.inputZero = inputZero;
    this.outputZero = outputZero;
    this.pixels = pixels;
    this.multiplier = multiplier(inputScale, outputScale, pixels);
  }

  /**
   * {@code sx / (sy * N)} with MLAS's float32 operations and order: the product {@code sy * N}
   * rounded to float32, then the quotient.
   */
  static float multiplier(float inputScale, float outputScale, int pixels) {
    return inputScale / (outputScale * (float) pixels);
  }

  /**
   * Why MLAS refuses these parameters (and ONNX Runtime fails the run), or null when it runs them:
   * a pixel count of 2^24 or more, or a multiplier below 2^-32 or from 256 on, where every output
   * would be the same code.
   */
  static String refusal(float inputScale, float outputScale, long pixels) {
    if (pixels > MAX_PIXELS) {
      return pixels
          + " pixels per channel: ONNX Runtime's QLinearGlobalAveragePool takes fewer than 2^24";
    }
    float m = multiplier(inputScale, outputScale, (int) pixels);
    if (!(m >= 0x1.0p-32f && m < 256f)) {
      return "the multiplier input scale / (output scale * "
          + pixels
          + ") = "
          + m
          + " lies outside [2^-32, 256), which ONNX Runtime's QLinearGlobalAveragePool rejects"
          + " (every output would be the same code)";
    }
    return null;
  }

  /** Pools {@code [N, C, H, W]} int8-domain codes to {@code [N, C, 1, 1]}. */
  IntTensor apply(IntTensor x) {
    Shape s = x.shape();
    if (s.rank() != 4 || s.dim(2) * s.dim(3) != pixels || x.type() != QuantType.INT8) {
      throw new IllegalArgumentException(
          "x: expected int8 codes [N, C, H, W] with H * W = "
              + pixels
              + ", got "
              + x.type().onnxName()
              + " "
              + s);
    }
    int[] q = x.toArray();
    int planes = s.dim(0) * s.dim(1);
    int[] y = new int[planes];
    for (int p = 0; p < planes; p++) {
      int acc = -inputZero * pixels;
      for (int i = p * pixels, end = i + pixels; i < end; i++) {
        acc += q[i];
      }
      y[p] = OrtRequantization.requantize(acc, multiplier, outputZero, -128, 127);
    }
    return IntTensor.of(Shape.of(s.dim(0), s.dim(1), 1, 1), QuantType.INT8, y);
  }
}
