package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Padding;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 3 of mnist-8.onnx, from ONNX nodes Convolution110, Plus112, ReLU114.
 */
@Conv2d(
    inChannels = 8,
    outChannels = 16,
    inHeight = 14,
    inWidth = 14,
    kernel = 5,
    paddingMode = Padding.SAME,
    activation = Activation.RELU
)
@Quantize(
    precision = Precision.INT8
)
final class Convolution110 {
}
