package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * First layer of {@link FashionMlp}: a 28 x 28 image to 256 features, ReLU. Named like the trained
 * weights' {@code fc1.weight} and {@code fc1.bias}. Each {@code @Quantize} is the configuration
 * post-training quantization uses by default at that precision ({@code PtqConfig.of}), so every
 * precision of the quantized model runs on a kernel javac generated from this class: INT8 with
 * symmetric per-channel weights and static int8 activations (the model's default), INT4 with
 * symmetric per-channel weights and dynamic activations (spelled out: the annotation's own default
 * for INT4 is static), FP16, and BINARY with per-channel scales and float activations.
 */
@Dense(in = 784, out = 256, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
public final class Fc1 {
  private Fc1() {}
}
