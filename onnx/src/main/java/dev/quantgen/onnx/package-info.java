/** Reading ONNX models, lowering their graphs to quantgen layers, and generating layer sources. */
package dev.quantgen.onnx;
