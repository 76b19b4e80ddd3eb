package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.RequantMode;

/**
 * What a {@link ActivationMode#STATIC} layer needs to go from int8 input to int8 output
 * (docs/numerics.md#4-integer-kernels and docs/numerics.md#5-requantization): the boundary
 * parameters, the int32 bias {@code bq[c] = rint(b[c] / (sa * sw[c]))}, the requantization
 * multiplier {@code M[c] = sa * sw[c] / sy} both as fixed point ({@code multipliers}, {@code
 * shifts}) and as the float32 of ONNX mode ({@code realMultipliers}), and the output clamp that
 * fuses the activation (ReLU: {@code [zy, 127]}, ReLU6: {@code [zy, min(127, quantize(6))]}).
 * Per-channel arrays have one entry per weight scale (1 or {@code out}); {@code bias} has {@code
 * out}. Arrays are copied in and out.
 */
public record StaticRequantization(
    ActivationParams input,
    ActivationParams output,
    int[] bias,
    int[] multipliers,
    int[] shifts,
    float[] realMultipliers,
    int outputMin,
    int outputMax) {

  /**
   * Checks that the per-channel arrays agree in length and each shift is one {@link
   * dev.quantgen.runtime.numerics.FixedPoint#quantizeMultiplier} can produce, then copies the
   * arrays so the record stays immutable. (Parameters loaded from a file reach here too.)
   *
   * @throws IllegalArgumentException naming the array, the index and the value
   */
  public StaticRequantization {
    if (shifts.length != multipliers.length || realMultipliers.length != multipliers.length) {
      throw new IllegalArgumentException(
          "shifts, realMultipliers: expected "
              + multipliers.length
              + " values like multipliers, got "
              + shifts.length
              + " and "
              + realMultipliers.length);
    }
    for (int i = 0; i < shifts.length; i++) {
      if (shifts[i] < -31 || shifts[i] > 30) {
        throw new IllegalArgumentException("shifts[" + i + "]: expected -31..30, got " + shifts[i]);
      }
    }
    bias = bias.clone();
    multipliers = multipliers.clone();
    shifts = shifts.clone();
    realMultipliers = realMultipliers.clone();
  }

  @Override
  public int[] bias() {
    return bias.clone();
  }

  @Override
  public int[] multipliers() {
    return multipliers.clone();
  }

  @Override
  public int[] shifts() {
    return shifts.clone();
  }

  @Override
  public float[] realMultipliers() {
    return realMultipliers.clone();
  }

  /** Requantizes the accumulator of channel {@code c} (bias already added) as {@code mode} says. */
  int requantize(RequantMode mode, int c, int acc) {
    int k = multipliers.length == 1 ? 0 : c;
    return mode == RequantMode.INTEGER
        ? LayerMath.requantize(
            acc, multipliers[k], shifts[k], output.zeroPoint(), outputMin, outputMax)
        : LayerMath.requantizeFloat(
            acc, realMultipliers[k], output.zeroPoint(), outputMin, outputMax);
  }
}
