/**
 * {@code quantgen bench}: runs the benchmarks jar's JMH suite in a child process ({@link
 * dev.quantgen.cli.bench.JmhRun}), reads its JSON results and prints one ratio table with G MAC/s
 * and the roofline fraction, every ratio from the same run.
 */
package dev.quantgen.cli.bench;
