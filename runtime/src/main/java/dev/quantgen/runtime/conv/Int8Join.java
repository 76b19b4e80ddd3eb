package dev.quantgen.runtime.conv;

import dev.quantgen.runtime.layer.ActivationParams;

/**
 * Joins two int8 activations with their own parameters into an int8 output with its own, as ONNX
 * {@code com.microsoft} {@code QLinearAdd} and {@code QLinearConcat} define it, in float32: {@code
 * add}: {@code y = saturate(rint((sa * (a - za) + sb * (b - zb)) / sy) + zy)}; {@code concat}: each
 * part {@code y = saturate(rint(s * (q - z) / sy) + zy)}. Each input's 256 dequantized values
 * {@code (q - z) * s} are tabulated once, so a value costs two loads, an add, a divide and a rint;
 * the tables hold exactly the float32 products, so results are those of the formula bit for bit.
 * Immutable and thread-safe.
 */
public final class Int8Join {
  private final float[] a = new float[256];
  private final float[] b = new float[256];
  private final ActivationParams output;

  /** Inputs with {@code first} and {@code second}, the output with {@code output}. */
  public Int8Join(ActivationParams first, ActivationParams second, ActivationParams output) {
    for (int q = -128; q < 128; q++) {
      a[q + 128] = first.dequantize(q);
      b[q + 128] = second.dequantize(q);
    }
    this.output = output;
  }

  /** {@code y[i] = QLinearAdd(x[i], z[i])}. */
  public void add(byte[] x, byte[] z, byte[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] = (byte) output.quantize(a[x[i] + 128] + b[z[i] + 128]);
    }
  }

  /** {@code y} = {@code x} then {@code z}, each requantized to the output's parameters. */
  public void concat(byte[] x, byte[] z, byte[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] = (byte) output.quantize(a[x[i] + 128]);
    }
    for (int i = 0; i < z.length; i++) {
      y[x.length + i] = (byte) output.quantize(b[z[i] + 128]);
    }
  }
}
