package dev.quantgen.examples.mlp;

import dev.quantgen.annotations.Model;

/**
 * A three-layer perceptron for 28 x 28 images (Fashion-MNIST sized): javac generates
 * {@code FashionMlp_Model}, which runs each layer in any of its generated precisions.
 */
@Model(layers = {Hidden1.class, Hidden2.class, Classifier.class})
public interface FashionMlp {}
