/**
 * The annotations a user writes on layer classes: a layer kind ({@link
 * dev.quantgen.annotations.Dense}, {@link dev.quantgen.annotations.Conv2d}, the pooling and flatten
 * layers), one {@link dev.quantgen.annotations.Quantize} per generated precision variant, and
 * {@link dev.quantgen.annotations.Model} for a chain of layers. Read at compile time by
 * quantgen-processor; an application needs this jar to compile only (generated code does not load
 * it at run time).
 */
package dev.quantgen.annotations;
