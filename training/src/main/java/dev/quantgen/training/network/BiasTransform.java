package dev.quantgen.training.network;

/**
 * What a {@link Linear} or {@link Convolution} layer adds in place of its float bias in the forward
 * pass (for example the int32 bias of an integer kernel, dequantized); the bias gradient passes
 * straight through.
 */
public interface BiasTransform {
  /** Uses the bias as it is. */
  BiasTransform IDENTITY =
      (weight, rows, cols, bias, effective) -> System.arraycopy(bias, 0, effective, 0, rows);

  /**
   * Writes the bias the forward pass adds into {@code effective}, given the float weight {@code
   * [rows][cols]}.
   */
  void apply(float[] weight, int rows, int cols, float[] bias, float[] effective);
}
