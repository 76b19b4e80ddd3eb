package dev.quantgen.examples.mismatch;

import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/** The last layer of {@link Mlp64x32x10}: 32 -> 10, no activation. */
@Dense(in = 32, out = 10)
@Quantize(precision = Precision.INT8)
public final class Logits {
  private Logits() {}
}
