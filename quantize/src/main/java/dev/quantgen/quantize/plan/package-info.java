/**
 * Mixed precision (issue 6): which layers of a dense model tolerate which precision. {@link
 * dev.quantgen.quantize.plan.SensitivityAnalysis} quantizes one layer at a time and ranks the
 * layers by the accuracy they cost and the SQNR of their output; {@link
 * dev.quantgen.quantize.plan.AccuracyBudgetPlanner} then lowers the least sensitive layers first,
 * keeping every step within an accuracy budget measured on real data, and {@link
 * dev.quantgen.quantize.plan.QuantizeAnnotations} prints the {@code @Quantize} annotations of the
 * chosen plan.
 */
package dev.quantgen.quantize.plan;
