package dev.quantgen.quantize.weights;

import dev.quantgen.runtime.numerics.Shape;

/**
 * Where one tensor of a weight file lives: its type, shape and the byte range of its data (an
 * absolute file offset for {@code .npy} and safetensors, the offset inside the zip entry for {@code
 * .npz}). Built only after the range was checked against the file length.
 */
record TensorEntry(
    String name, DType type, Shape shape, long offset, long byteLength, boolean bigEndian) {}
