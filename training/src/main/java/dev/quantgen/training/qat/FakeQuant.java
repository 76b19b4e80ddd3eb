package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.LayerMath;

/**
 * The scalar maths of fake quantization (docs/numerics.md#8-training), on the integer range {@code
 * [qmin, qmax]}:
 *
 * <ul>
 *   <li>forward {@code y = (saturate(rint(x / s) + z) - z) * s}, computed by the very quantize step
 *       of the inference kernels ({@link LayerMath#quantize}: a float32 division, ties to even, the
 *       zero point added after rounding, clamped) and one float32 multiply, so it equals
 *       QuantizeLinear followed by DequantizeLinear bit for bit;
 *   <li>straight-through estimator {@code dx = dy * 1[qmin <= rint(x / s) + z <= qmax]};
 *   <li>LSQ scale gradient (Esser et al., ICLR 2020): {@code dy/ds = rint(x/s) - x/s} inside the
 *       range, {@code qmin - z} or {@code qmax - z} where clamped;
 *   <li>stochastic rounding {@code floor(x / s + u)} for a {@code u} in [0, 1) (training only).
 * </ul>
 */
public final class FakeQuant {
  private FakeQuant() {}

  /** {@code (saturate(rint(x / s) + z) - z) * s}; NaN reads as 0, as at inference. */
  public static float apply(float x, float scale, int zeroPoint, int qmin, int qmax) {
    return (LayerMath.quantize(x, scale, zeroPoint, qmin, qmax) - zeroPoint) * scale;
  }

  /** Whether the gradient passes: {@code qmin <= rint(x / s) + z <= qmax} (false for NaN). */
  public static boolean passes(float x, float scale, int zeroPoint, int qmin, int qmax) {
    float v = x / scale;
    if (Float.isNaN(v)) {
      return false;
    }
    double q = Math.rint(v) + zeroPoint;
    return q >= qmin && q <= qmax;
  }

  /**
   * The derivative of {@link #apply} with respect to the scale, rounding passed straight through.
   */
  public static float scaleGradient(float x, float scale, int zeroPoint, int qmin, int qmax) {
    float v = x / scale;
    double q = Math.rint(v) + zeroPoint;
    if (q < qmin) {
      return qmin - zeroPoint;
    }
    if (q > qmax) {
      return qmax - zeroPoint;
    }
    return (float) (Math.rint(v) - v);
  }

  /**
   * Stochastic rounding: {@code (saturate(floor(x / s + u) + z) - z) * s}, whose expectation over
   * {@code u ~ U[0, 1)} is {@code x} inside the range.
   *
   * @throws IllegalArgumentException if {@code u} is not in [0, 1)
   */
  public static float stochastic(
      float x, float scale, int zeroPoint, int qmin, int qmax, double u) {
    if (!(u >= 0 && u < 1)) {
      throw new IllegalArgumentException("u: expected a value in [0, 1), got " + u);
    }
    float v = x / scale;
    if (Float.isNaN(v)) {
      return 0f;
    }
    double q = Math.floor(v + u) + zeroPoint;
    int clamped = q <= qmin ? qmin : q >= qmax ? qmax : (int) q;
    return (clamped - zeroPoint) * scale;
  }
}
