/** The Fashion-MNIST perceptron with dynamic INT8 activations, checked against ONNX Runtime. */
package dev.quantgen.examples.mlp.dynamic;
