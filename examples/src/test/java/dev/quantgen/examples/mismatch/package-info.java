/**
 * Models whose generated kernels do not match the {@code .qgen} they are handed (other sizes, other
 * activations), and the test that the runtime says so, layer by layer, instead of silently falling
 * back ({@code KernelMismatchException} under {@code KernelPolicy.GENERATED_ONLY}).
 */
package dev.quantgen.examples.mismatch;
