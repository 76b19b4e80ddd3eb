package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;
import dev.quantgen.annotations.Scheme;

/**
 * First hidden layer of {@link FashionMlp}: a 28 x 28 image to 128 features. INT8 (static, per
 * channel) is the default; INT4 runs weight-only with blocks of 32; FP16 and BINARY are there to
 * compare.
 */
@Dense(in = 784, out = 128, activation = Activation.RELU)
@Quantize(precision = Precision.INT8, scheme = Scheme.SYMMETRIC, perChannel = true)
@Quantize(precision = Precision.INT4, blockSize = 32, activations = Activations.FLOAT)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
public final class Hidden1 {
  private Hidden1() {}
}
