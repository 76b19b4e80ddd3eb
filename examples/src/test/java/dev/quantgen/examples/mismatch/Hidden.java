package dev.quantgen.examples.mismatch;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/** The first layer of {@link Mlp64x32x10} and {@link Mlp64x32x10Relu}: 64 -> 32 with ReLU. */
@Dense(in = 64, out = 32, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
public final class Hidden {
  private Hidden() {}
}
