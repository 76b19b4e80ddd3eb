package dev.quantgen.examples.mismatch;

import dev.quantgen.annotations.Model;

/** {@link Mlp64x32x10} whose annotations declare a ReLU after the last layer too. */
@Model(layers = {Hidden.class, ReluLogits.class})
public interface Mlp64x32x10Relu {}
