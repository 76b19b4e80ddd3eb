package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Output layer of {@link FashionMlp}: 64 features to 10 class scores. INT8 per tensor, INT4 with
 * dynamic uint8 activations, FP16, and BINARY per tensor.
 */
@Dense(in = 64, out = 10)
@Quantize(precision = Precision.INT8, perChannel = false)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY, perChannel = false)
public final class Classifier {
  private Classifier() {}
}
