package dev.quantgen.examples.mlp.dynamic;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 2 of {@link FashionMlpDynamic}: 256 features to 128, ReLU, named like the trained weights'
 * {@code fc2.weight} and {@code fc2.bias}. INT8 with symmetric per-channel weights and dynamic
 * uint8 activations (ONNX DynamicQuantizeLinear and MatMulInteger, as {@code
 * DenseOnnxExporter.dynamic} writes them).
 */
@Dense(in = 256, out = 128, activation = Activation.RELU)
@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)
public final class Fc2 {
  private Fc2() {}
}
