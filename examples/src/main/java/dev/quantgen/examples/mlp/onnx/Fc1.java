package dev.quantgen.examples.mlp.onnx;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;
import dev.quantgen.annotations.Requantization;

/**
 * Layer 1 of {@link FashionMlpOnnx}: a 28 x 28 image to 256 features, ReLU, named like the trained
 * weights' {@code fc1.weight} and {@code fc1.bias}. INT8 with symmetric per-channel weights, static
 * int8 activations and ONNX-style requantization ({@code rint(acc * M)} with a float32 {@code M},
 * as QLinearMatMul), the operands {@code DenseOnnxExporter.staticQdq} writes as a QDQ graph.
 */
@Dense(in = 784, out = 256, activation = Activation.RELU)
@Quantize(precision = Precision.INT8, requantization = Requantization.FLOAT)
public final class Fc1 {
  private Fc1() {}
}
