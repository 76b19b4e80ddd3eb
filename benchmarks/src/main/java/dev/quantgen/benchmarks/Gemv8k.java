package dev.quantgen.benchmarks;

import dev.quantgen.annotations.Activations;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * An 8192-in, 4096-out dense layer: weights stream from main memory (128 MiB FP32, 32 MiB INT8).
 */
@Dense(in = 8192, out = 4096)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.INT4, activations = Activations.STATIC)
@Quantize(precision = Precision.FP16)
@Quantize(precision = Precision.BINARY, activations = Activations.BINARY)
public final class Gemv8k {
  private Gemv8k() {}
}
