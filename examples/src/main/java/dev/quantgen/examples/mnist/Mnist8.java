package dev.quantgen.examples.mnist;

import dev.quantgen.annotations.Model;

/**
 * The layers of mnist-8.onnx in execution order.
 */
@Model(
    layers = {
        Convolution28.class,
        Pooling66.class,
        Convolution110.class,
        Pooling160.class,
        Times212_reshape0.class,
        Times212.class
    }
)
interface Mnist8 {
}
