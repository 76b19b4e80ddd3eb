/**
 * Reference convolution and pooling layers over NCHW tensors: FP32 {@link
 * dev.quantgen.runtime.conv.Conv2d}, {@link dev.quantgen.runtime.conv.MaxPool2d}, {@link
 * dev.quantgen.runtime.conv.AvgPool2d}, {@link dev.quantgen.runtime.conv.Flatten}, and the static
 * INT8 {@link dev.quantgen.runtime.conv.QuantizedConv2d}. Plain loops with no dependencies: they
 * are what generated kernels and imported ONNX models are checked against.
 */
package dev.quantgen.runtime.conv;
