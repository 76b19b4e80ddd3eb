package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;
import dev.quantgen.annotations.Requantization;
import dev.quantgen.annotations.Scheme;

/**
 * Second hidden layer of {@link FashionMlp}: asymmetric INT8 with ONNX-style float requantization,
 * static INT4, FP16, and BINARY with binarized activations (XNOR + popcount).
 */
@Dense(in = 128, out = 64, activation = Activation.RELU6)
@Quantize(precision = Precision.INT8, scheme = Scheme.ASYMMETRIC, requantization = Requantization.FLOAT)
@Quantize(precision = Precision.INT4)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)
public final class Hidden2 {
  private Hidden2() {}
}
