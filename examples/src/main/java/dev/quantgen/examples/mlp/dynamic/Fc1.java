package dev.quantgen.examples.mlp.dynamic;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 1 of {@link FashionMlpDynamic}: a 28 x 28 image to 256 features, ReLU, named like the
 * trained weights' {@code fc1.weight} and {@code fc1.bias}. INT8 with symmetric per-channel weights
 * and dynamic uint8 activations (ONNX DynamicQuantizeLinear and MatMulInteger, as {@code
 * DenseOnnxExporter.dynamic} writes them).
 */
@Dense(in = 784, out = 256, activation = Activation.RELU)
@Quantize(precision = Precision.INT8, activations = Activations.DYNAMIC)
public final class Fc1 {
  private Fc1() {}
}
