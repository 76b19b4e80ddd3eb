/**
 * A residual network with a depthwise-separable block, trained on Fashion-MNIST by the project's
 * trainer ({@link dev.quantgen.examples.residual.TrainResidualFashion}), declared with the graph
 * annotations ({@code @Conv2d(groups = 16)}, {@code @Add(from = ...)}) at FP32, FP16, INT8 and
 * INT4, and measured on the generated kernels ({@link
 * dev.quantgen.examples.residual.ResidualFashionResults}).
 */
package dev.quantgen.examples.residual;
