package dev.quantgen.examples.mlp.onnx;

import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;
import dev.quantgen.annotations.Requantization;

/**
 * Layer 3 of {@link FashionMlpOnnx}: 128 features to the 10 class scores (no activation), named
 * like the trained weights' {@code fc3.weight} and {@code fc3.bias}. INT8 with symmetric
 * per-channel weights, static int8 activations and ONNX-style requantization ({@code rint(acc * M)}
 * with a float32 {@code M}, as QLinearMatMul), the operands {@code DenseOnnxExporter.staticQdq}
 * writes as a QDQ graph.
 */
@Dense(in = 128, out = 10)
@Quantize(precision = Precision.INT8, requantization = Requantization.FLOAT)
public final class Fc3 {
  private Fc3() {}
}
