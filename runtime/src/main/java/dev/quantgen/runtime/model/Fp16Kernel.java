package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Half;

/**
 * The FP16 runtime kernel: weights stay binary16 in memory (half the bytes of FP32) and are decoded
 * in the inner loop through a 65,536-entry table (exact: every half is a float), accumulation in
 * float32.
 */
final class Fp16Kernel implements DenseLayer {
  private final Fp16DenseParams params;
  private final int in;
  private final int out;
  private final short[] weights;
  private final float[] bias;

  Fp16Kernel(Fp16DenseParams params) {
    this.params = params;
    this.in = params.in();
    this.out = params.out();
    this.weights = params.weights();
    this.bias = params.bias();
  }

  /** Every binary16 value as a float, by its bit pattern; built once (256 KiB). */
  private static final class Table {
    static final float[] HALF_TO_FLOAT = build();

    private static float[] build() {
      float[] table = new float[1 << 16];
      for (int h = 0; h < table.length; h++) {
        table[h] = Half.toFloat((short) h);
      }
      return table;
    }
  }

  @Override
  public int inputSize() {
    return in;
  }

  @Override
  public int outputSize() {
    return out;
  }

  @Override
  public void forward(float[] x, float[] y) {
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("y", y.length, out);
    float[] table = Table.HALF_TO_FLOAT;
    for (int c = 0; c < out; c++) {
      float acc = Dot.fp16(weights, c * in, table, x, in);
      y[c] = params.activation().apply(bias != null ? acc + bias[c] : acc);
    }
  }
}
