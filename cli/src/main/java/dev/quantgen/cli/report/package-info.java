/**
 * {@code quantgen report}: per-layer error analysis of a quantized model and its HTML report with
 * charts.
 */
package dev.quantgen.cli.report;
