package dev.quantgen.examples.mlp.dynamic;

import dev.quantgen.annotations.Model;

/**
 * The Fashion-MNIST perceptron of {@link dev.quantgen.examples.mlp.FashionMlp} (784-256-128-10, the
 * same trained weights) with dynamic INT8 layers: each call quantizes its input to uint8 from the
 * input's own range, as ONNX DynamicQuantizeLinear, so it needs no calibration.
 */
@Model(layers = {Fc1.class, Fc2.class, Fc3.class})
public interface FashionMlpDynamic {}
