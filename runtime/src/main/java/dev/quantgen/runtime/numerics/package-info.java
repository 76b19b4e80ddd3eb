/**
 * The numeric core inference needs: quantize and dequantize (ONNX semantics), scale and zero point
 * from a range, fixed-point requantization, binary16 and int4 packing, and small tensors
 * (docs/numerics.md sections 1 to 5).
 */
package dev.quantgen.runtime.numerics;
