package dev.quantgen.examples.mismatch;

import dev.quantgen.annotations.Model;

/**
 * A 64-32-10 perceptron, INT8 and FP32 kernels: what a user annotates for a small numpy-trained
 * MLP.
 */
@Model(layers = {Hidden.class, Logits.class})
public interface Mlp64x32x10 {}
