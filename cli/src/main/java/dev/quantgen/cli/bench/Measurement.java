package dev.quantgen.cli.bench;

/**
 * One measured kernel: what ran ({@code kernel} is {@code generated}, {@code generic}, {@code
 * onnxruntime} or {@code lucene}), on which shape and batch, and its average time per batch in
 * microseconds.
 */
public record Measurement(
    String kernel, String precision, int in, int out, int batch, double micros) {
  /** Multiply-adds per second, in billions. */
  public double gmacs() {
    return (double) batch * in * out / micros / 1e3;
  }
}
