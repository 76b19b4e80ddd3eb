package dev.quantgen.training.qat;

import dev.quantgen.training.network.BiasTransform;

/**
 * The bias as a STATIC integer kernel adds it: {@code bq[c] = rint(b[c] / (sa * sw[c]))} in int32
 * at the accumulator's scale {@code sa * sw[c]} (float32, as {@code QuantizedDenseParams.prepare}
 * computes it), dequantized as {@code bq[c] * (sa * sw[c])}. Without it the fake-quant model's
 * outputs would sit up to half an accumulator step away from the integer model's and round
 * differently at the next boundary. Until the input range is known the bias passes unchanged.
 */
public final class Int32Bias implements BiasTransform {
  private final ActivationQuant input;
  private final IntegerWeightTransform weights;

  public Int32Bias(ActivationQuant input, IntegerWeightTransform weights) {
    this.input = input;
    this.weights = weights;
  }

  @Override
  public void apply(float[] weight, int rows, int cols, float[] bias, float[] effective) {
    if (!input.initialized()) {
      System.arraycopy(bias, 0, effective, 0, rows);
      return;
    }
    float sa = input.params().scale();
    float[] sw = weights.scales(weight, rows, cols);
    for (int c = 0; c < rows; c++) {
      float accScale = sa * sw[c];
      effective[c] = (float) Math.rint(bias[c] / accScale) * accScale;
    }
  }
}
