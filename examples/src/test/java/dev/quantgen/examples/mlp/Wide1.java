package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * A layer of {@link WideMlp}: 784 to 1400, ReLU, the layer split across cores; each precision's
 * post-training default, as {@link Fc1}.
 */
@Dense(in = 784, out = 1400, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
final class Wide1 {
  private Wide1() {}
}
