package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Output layer of {@link FashionMlp}: 128 features to the 10 class scores (no activation; the class
 * is the argmax). Named like the trained weights' {@code fc3.weight} and {@code fc3.bias}; the same
 * four post-training configurations as {@link Fc1}.
 */
@Dense(in = 128, out = 10)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
public final class Fc3 {
  private Fc3() {}
}
