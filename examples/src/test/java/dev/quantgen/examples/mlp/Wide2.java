package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * A layer of {@link WideMlp}: 1400 to 10 scores; each precision's post-training default, as {@link
 * Fc1}.
 */
@Dense(in = 1400, out = 10)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.DYNAMIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY)
final class Wide2 {
  private Wide2() {}
}
