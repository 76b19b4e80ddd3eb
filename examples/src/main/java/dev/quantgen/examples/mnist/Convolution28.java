package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.Activation;
import dev.quantgen.annotations.Conv2d;
import dev.quantgen.annotations.Padding;
import dev.quantgen.annotations.Precision;
import dev.quantgen.annotations.Quantize;

/**
 * Layer 1 of mnist-8.onnx, from ONNX nodes Convolution28, Plus30, ReLU32.
 */
@Conv2d(
    inChannels = 1,
    outChannels = 8,
    inHeight = 28,
    inWidth = 28,
    kernel = 5,
    paddingMode = Padding.SAME,
    activation = Activation.RELU
)
@Quantize(
    precision = Precision.INT8
)
final class Convolution28 {
}
