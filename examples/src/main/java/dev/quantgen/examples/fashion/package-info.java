/**
 * The Fashion-MNIST examples end to end: training the MLP and the CNN, post-training quantization,
 * quantization-aware training on the generated fake-quant operators, and mixed-precision planning,
 * each printing its results table.
 */
package dev.quantgen.examples.fashion;
