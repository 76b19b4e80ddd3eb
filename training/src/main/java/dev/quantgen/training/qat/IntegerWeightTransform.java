package dev.quantgen.training.qat;

import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.training.network.WeightTransform;

/**
 * A weight fake quantization whose forward pass is {@code (q - z) * s} of an INT8 or INT4 integer
 * kernel, so a trained layer can run on that kernel ({@link IntegerConversion}): symmetric
 * per-output-channel scales on the restricted range, which is what the STATIC kernels take.
 * Implemented by {@link PerChannelWeightQuant} and by the processor's generated {@code
 * <Layer>_Int8FakeQuant} / {@code <Layer>_Int4FakeQuant} of symmetric per-channel layers.
 */
public interface IntegerWeightTransform extends WeightTransform {
  /** INT8 or INT4. */
  QuantType type();

  /**
   * The per-row scales {@code max|w[r]| / qmax} of row-major {@code [rows][cols]} weights (1 for an
   * all-zero row).
   */
  float[] scales(float[] w, int rows, int cols);
}
