/**
 * The {@code quantgen} command line (picocli): import and eval of ONNX models, calibrate, report,
 * conformance, demo and bench; each command validates its options and reports bad input as a usage
 * problem naming the option.
 */
package dev.quantgen.cli;
