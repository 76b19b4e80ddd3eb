package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Second layer of {@link FashionMlp}: 256 features to 128, ReLU. Named like the trained weights'
 * {@code fc2.weight} and {@code fc2.bias}; the same four post-training configurations as {@link
 * Fc1}.
 */
@Dense(in = 256, out = 128, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
public final class Fc2 {
  private Fc2() {}
}
