/**
 * {@code quantgen conformance}: reads the ONNX conformance case files, runs each case on quantgen's
 * reference operators and compares the outputs with the expected tensors (integers exactly).
 */
package dev.quantgen.cli.conformance;
