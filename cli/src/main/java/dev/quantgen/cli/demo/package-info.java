/**
 * {@code quantgen demo}: the Fashion-MNIST walk-through: load the data and weights, quantize after
 * training at each precision and print accuracy and size side by side.
 */
package dev.quantgen.cli.demo;
