package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Model;

/**
 * The Fashion-MNIST classifier: a 784-256-128-10 perceptron with ReLU, the shape of the FP32
 * weights {@code TrainFashionMlp} trained ({@code fashion-mlp-784-256-128-10.npz}, tensors {@code
 * fc1.weight} ... {@code fc3.bias}). javac generates {@code FashionMlp_Model}: a builder that runs
 * each layer in any of its generated precisions, and {@code FashionMlp_Model.kernels()}, which
 * post-training quantization and model files use to run each layer on its generated kernel.
 */
@Model(layers = {Fc1.class, Fc2.class, Fc3.class})
public interface FashionMlp {}
