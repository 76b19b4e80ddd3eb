package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Model;

/**
 * A test-only 784-1400-10 perceptron whose first layer ({@link Wide1}: 1,097,600 multiply-adds) is
 * above the generated kernels' split threshold ({@code Rows.MIN_PARALLEL_MACS}, 2^20), so one
 * sample's rows of that layer run on several cores. javac generates {@code WideMlp_Model.kernels()}
 * from these test sources as it does {@code FashionMlp_Model.kernels()} from {@link FashionMlp}.
 */
@Model(layers = {Wide1.class, Wide2.class})
interface WideMlp {}
