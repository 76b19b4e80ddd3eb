/**
 * The numeric core inference needs: quantize and dequantize (ONNX semantics), scale and zero point
 * from a range, fixed-point requantization, binary16 and int4 packing, and small tensors
 * (docs/numerics.md#1-quantize-and-dequantize through docs/numerics.md#5-requantization).
 */
package dev.quantgen.runtime.numerics;
