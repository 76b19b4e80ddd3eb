package dev.quantgen.examples.mlp.onnx;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;
import dev.quantgen.annotations.Requantization;

/**
 * Layer 2 of {@link FashionMlpOnnx}: 256 features to 128, ReLU, named like the trained weights'
 * {@code fc2.weight} and {@code fc2.bias}. INT8 with symmetric per-channel weights, static int8
 * activations and ONNX-style requantization ({@code rint(acc * M)} with a float32 {@code M}, as
 * QLinearMatMul), the operands {@code DenseOnnxExporter.staticQdq} writes as a QDQ graph.
 */
@Dense(in = 256, out = 128, activation = Activation.RELU)
@Quantize(precision = Precision.INT8, requantization = Requantization.FLOAT)
public final class Fc2 {
  private Fc2() {}
}
