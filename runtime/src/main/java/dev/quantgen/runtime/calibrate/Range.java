package dev.quantgen.runtime.calibrate;

import dev.quantgen.runtime.numerics.QuantType;
import java.util.Objects;

/**
 * A clipping range {@code [lo, hi]} chosen by an {@link Observer}: values outside it saturate.
 *
 * <p>The range is what the data suggested; it need not contain zero. {@link #quantParams} widens it
 * to include zero, as numerics.md section 2 requires, so 0.0 is always exact.
 *
 * @param lo finite, {@code <= hi}
 * @param hi finite
 */
public record Range(float lo, float hi) {
  public Range {
    if (!Float.isFinite(lo) || !Float.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException("range [" + lo + ", " + hi
          + "]: expected finite bounds with lo <= hi");
    }
  }

  /**
   * The scale and zero point for this range (numerics.md section 2).
   *
   * <ul>
   *   <li>Asymmetric: {@code s = (hi' - lo') / (qmax - qmin)} and {@code z = saturate(qmin -
   *       rint(lo' / s))}, where {@code lo' = min(lo, 0)} and {@code hi' = max(hi, 0)}. The
   *       difference is taken in double and rounded once to float, so a range as wide as the float
   *       type cannot overflow to an infinite scale.
   *   <li>Symmetric: {@code s = max(|lo'|, hi') / qmax} and {@code z = 0}, restricted to
   *       {@code [-qmax, qmax]} (int8: 127, int4: 7). Unsigned types are rejected: with {@code z = 0}
   *       they could not hold a single negative value.
   *   <li>A degenerate range (all zeros, or so narrow that the float scale underflows to 0) gives
   *       {@code s = 1, z = 0}: never a division by zero, never NaN.
   * </ul>
   *
   * @throws IllegalArgumentException for {@link Scheme#SYMMETRIC} with an unsigned type
   */
  public QuantParams quantParams(QuantType type, Scheme scheme) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(scheme, "scheme");
    float lo0 = Math.min(lo, 0f);
    float hi0 = Math.max(hi, 0f);
    if (scheme == Scheme.SYMMETRIC) {
      if (!type.isSigned()) {
        throw new IllegalArgumentException("type is " + type.onnxName()
            + ": the symmetric scheme needs a signed type (int4, int8, int16, int32)");
      }
      float amax = Math.max(-lo0, hi0);
      float scale = amax / type.max();
      return scale > 0f ? new QuantParams(scale, 0, type) : new QuantParams(1f, 0, type);
    }
    float scale = (float) (((double) hi0 - lo0) / ((long) type.max() - type.min()));
    if (!(scale > 0f)) {
      return new QuantParams(1f, 0, type);
    }
    int zeroPoint = type.saturate(type.min() - Math.rint(lo0 / scale));
    return new QuantParams(scale, zeroPoint, type);
  }
}
