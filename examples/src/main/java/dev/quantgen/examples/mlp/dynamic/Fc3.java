package dev.quantgen.examples.mlp.dynamic;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 3 of {@link FashionMlpDynamic}: 128 features to the 10 class scores (no activation), named
 * like the trained weights' {@code fc3.weight} and {@code fc3.bias}. INT8 with symmetric
 * per-channel weights and dynamic uint8 activations (ONNX DynamicQuantizeLinear and MatMulInteger,
 * as {@code DenseOnnxExporter.dynamic} writes them).
 */
@Dense(in = 128, out = 10)
@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)
public final class Fc3 {
  private Fc3() {}
}
