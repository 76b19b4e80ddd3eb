package dev.quantgen.benchmarks;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/** A 1024 x 1024 dense layer: weights fit in cache at INT8 and below (1 MiB int8). */
@Dense(in = 1024, out = 1024)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.STATIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)
public final class Gemv1k {
  private Gemv1k() {}
}
