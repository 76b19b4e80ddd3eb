package dev.quantgen.examples.mismatch;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * The last layer of {@link Mlp64x32x10Relu}: 32 -> 10 with a ReLU the float models here do not
 * have.
 */
@Dense(in = 32, out = 10, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
public final class ReluLogits {
  private ReluLogits() {}
}
