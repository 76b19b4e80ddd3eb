package com.example.tiny;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * A 4-input, 3-output ReLU layer. At compile time the quantgen processor generates {@code
 * Tiny_Int8} (static int8, weights per channel), {@code Tiny_Fp16} and the FP32 baseline {@code
 * Tiny_Fp32} next to it.
 */
@Dense(in = 4, out = 3, activation = Activation.RELU)
@Quantize(precision = Precision.INT8)
@Quantize(precision = Precision.FP16)
public final class Tiny {
  private Tiny() {}
}
