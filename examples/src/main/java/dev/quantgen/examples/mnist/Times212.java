package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.Dense;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 6 of mnist-8.onnx, from ONNX nodes Times212, Plus214.
 */
@Dense(
    in = 256,
    out = 10
)
@Quantize(
    precision = Precision.INT8
)
final class Times212 {
}
