/**
 * The ONNX quantization operators as plain reference code (QuantizeLinear's dynamic form,
 * MatMulInteger, QLinearMatMul, ConvInteger, QLinearConv and their shape rules): the oracles the
 * kernels and the conformance command are checked against. Not needed at inference.
 */
package dev.quantgen.quantize.reference;
