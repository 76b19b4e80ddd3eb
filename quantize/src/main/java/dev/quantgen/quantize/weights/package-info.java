/**
 * Weight import: strict readers of {@code .npy}, {@code .npz} and {@code .safetensors} files behind
 * {@link dev.quantgen.quantize.weights.WeightSource}, and an {@code .npy} writer; bad input is a
 * {@link dev.quantgen.quantize.weights.WeightFormatException} naming the file, field and what was
 * expected.
 */
package dev.quantgen.quantize.weights;
