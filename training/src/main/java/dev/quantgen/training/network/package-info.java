/**
 * A small trainer for the examples: dense and convolution layers, ReLU and max pooling, softmax
 * cross-entropy, SGD with momentum and Adam, sharded over threads with results independent of the
 * thread count, and the weight transforms quantization-aware training plugs in.
 */
package dev.quantgen.training.network;
