package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.MaxPool2d;

/**
 * Layer 4 of mnist-8.onnx, from ONNX nodes Pooling160.
 */
@MaxPool2d(
    channels = 16,
    inHeight = 14,
    inWidth = 14,
    kernel = 3,
    stride = 3
)
final class Pooling160 {
}
