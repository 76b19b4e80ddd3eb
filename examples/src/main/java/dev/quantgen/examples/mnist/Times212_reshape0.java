package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.Flatten;

/**
 * Layer 5 of mnist-8.onnx, from ONNX nodes Times212_reshape0.
 */
@Flatten(
    channels = 16,
    height = 4,
    width = 4
)
final class Times212_reshape0 {
}
