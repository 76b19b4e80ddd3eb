package dev.quantgen.quantize.calibrate;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import java.util.Objects;

/**
 * A clipping range {@code [lo, hi]} chosen by an {@link Observer}: values outside it saturate.
 *
 * <p>The range is what the data suggested; it need not contain zero. {@link #quantParams} widens it
 * to include zero, as docs/numerics.md#2-scale-and-zero-point-from-a-range requires, so 0.0 is
 * always exact.
 *
 * @param lo finite, {@code <= hi}
 * @param hi finite
 */
public record Range(float lo, float hi) {
  public Range {
    if (!Float.isFinite(lo) || !Float.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException(
          "range [" + lo + ", " + hi + "]: expected finite bounds with lo <= hi");
    }
  }

  /**
   * The per-tensor scale and zero point for this range, as {@link RangeQuantizer} chooses them
   * (docs/numerics.md#2-scale-and-zero-point-from-a-range): the range is widened to include zero;
   * asymmetric uses the full integer range with a zero point, symmetric the restricted range {@code
   * [-qmax, qmax]} with zero point 0.
   *
   * @throws IllegalArgumentException for {@link Scheme#SYMMETRIC} with an unsigned type, a type
   *     wider than 16 bits, or a range whose float32 scale would be zero or infinite
   */
  public QuantParams quantParams(QuantType type, Scheme scheme) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(scheme, "scheme");
    return scheme == Scheme.SYMMETRIC
        ? RangeQuantizer.symmetric(lo, hi, type)
        : RangeQuantizer.asymmetric(lo, hi, type);
  }
}
