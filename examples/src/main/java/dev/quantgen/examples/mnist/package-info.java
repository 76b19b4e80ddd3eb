/**
 * mnist-8 (the ONNX model zoo's MNIST CNN): layer and model sources written by quantgen-onnx's
 * {@code SourceGenerator} and kept as generated (they equal {@code
 * onnx/src/test/resources/golden/mnist8}, and {@code cli}'s {@code ImportCommandTest} checks the
 * import command writes exactly these files). Regenerated, from the repository root, with {@code
 * ./quantgen import ../shared/data/models/mnist-8.onnx --package dev.quantgen.examples.mnist --out
 * examples/src/main/java}. The processor turns them into {@code Convolution28_Fp32}/{@code _Int8},
 * {@code Pooling66_Pool}, ..., and {@code Mnist8_Model}.
 */
package dev.quantgen.examples.mnist;
