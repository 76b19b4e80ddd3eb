/**
 * The Fashion-MNIST MLP as annotated layer classes ({@code Fc1}, {@code Fc2}, {@code Fc3}) and
 * their {@code @Model}; javac generates {@code FashionMlp_Model} and one kernel class per layer and
 * precision.
 */
package dev.quantgen.examples.mlp;
