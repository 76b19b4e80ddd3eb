/**
 * JMH benchmarks: generated kernels against the runtime's generic loops, the best FP32 kernel,
 * Lucene's int8 dot product and ONNX Runtime, on dense layers, the Fashion-MNIST MLP and CNN, plus
 * a memory bandwidth probe for the roofline. Built into {@code benchmarks/target/benchmarks.jar},
 * which {@code quantgen bench} runs in a child process.
 */
package dev.quantgen.benchmarks;
