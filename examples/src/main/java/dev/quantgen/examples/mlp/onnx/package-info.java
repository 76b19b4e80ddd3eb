/** The Fashion-MNIST perceptron with ONNX-style requantization, checked against ONNX Runtime. */
package dev.quantgen.examples.mlp.onnx;
