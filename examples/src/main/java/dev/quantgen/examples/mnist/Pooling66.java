package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.MaxPool2d;

/**
 * Layer 2 of mnist-8.onnx, from ONNX nodes Pooling66.
 */
@MaxPool2d(
    channels = 8,
    inHeight = 28,
    inWidth = 28,
    kernel = 2,
    stride = 2
)
final class Pooling66 {
}
