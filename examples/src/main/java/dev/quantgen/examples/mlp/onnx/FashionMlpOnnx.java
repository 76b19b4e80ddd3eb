package dev.quantgen.examples.mlp.onnx;

import dev.quantgen.annotations.Model;

/**
 * The Fashion-MNIST perceptron of {@link dev.quantgen.examples.mlp.FashionMlp} (784-256-128-10, the
 * same trained weights) generated for ONNX Runtime agreement: its INT8 layers requantize as ONNX
 * does (float32 multiplier, round half to even) rather than integer-only, so their int8 outputs can
 * equal ONNX Runtime's on the QDQ model {@code DenseOnnxExporter.staticQdq} writes.
 */
@Model(layers = {Fc1.class, Fc2.class, Fc3.class})
public interface FashionMlpOnnx {}
