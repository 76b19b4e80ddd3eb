package dev.quantgen.training.qat;

import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import java.util.SplittableRandom;

/**
 * Symmetric per-output-channel weight fake quantization on the restricted range {@code [-qmax,
 * qmax]} (int8 [-127, 127], int4 [-7, 7]), with each row's scale {@code max|w| / qmax} chosen as
 * {@link RangeQuantizer#perRowSymmetric} chooses it, which is how the integer kernels quantize the
 * same weights: the fake-quant weights are exactly {@code q * s} of the prepared layer.
 *
 * <p>With min/max scales no weight is clipped, so the straight-through mask is 1 everywhere. With
 * stochastic rounding (training only) each step draws {@code u} from one seeded generator on the
 * trainer's thread, so a run is reproducible; evaluation always rounds to nearest.
 */
public final class PerChannelWeightQuant implements IntegerWeightTransform {
  private final QuantType type;
  private final SplittableRandom random;

  private PerChannelWeightQuant(QuantType type, SplittableRandom random) {
    if (type != QuantType.INT8 && type != QuantType.INT4) {
      throw new IllegalArgumentException("type: expected INT8 or INT4, got " + type);
    }
    this.type = type;
    this.random = random;
  }

  /** Round to nearest (ties to even), as the kernels quantize. */
  public static PerChannelWeightQuant nearest(QuantType type) {
    return new PerChannelWeightQuant(type, null);
  }

  /**
   * Stochastic rounding {@code floor(w / s + u)} while training, from a generator seeded with
   * {@code seed}.
   */
  public static PerChannelWeightQuant stochastic(QuantType type, long seed) {
    return new PerChannelWeightQuant(type, new SplittableRandom(seed));
  }

  @Override
  public QuantType type() {
    return type;
  }

  @Override
  public float[] scales(float[] w, int rows, int cols) {
    return RangeQuantizer.perRowSymmetric(w, rows, cols, type).scales().toArray();
  }

  @Override
  public void apply(
      float[] w, int rows, int cols, float[] effective, float[] mask, boolean training) {
    float[] scales = scales(w, rows, cols);
    int qmax = type.max();
    boolean stochastic = training && random != null;
    for (int r = 0; r < rows; r++) {
      float s = scales[r];
      for (int c = r * cols; c < (r + 1) * cols; c++) {
        effective[c] =
            stochastic
                ? FakeQuant.stochastic(w[c], s, 0, -qmax, qmax, random.nextDouble())
                : FakeQuant.apply(w[c], s, 0, -qmax, qmax);
        mask[c] = FakeQuant.passes(w[c], s, 0, -qmax, qmax) ? 1f : 0f;
      }
    }
  }
}
