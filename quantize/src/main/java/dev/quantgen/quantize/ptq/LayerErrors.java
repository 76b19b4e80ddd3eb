package dev.quantgen.quantize.ptq;

import dev.quantgen.quantize.calibrate.LayerErrorReport;
import dev.quantgen.quantize.calibrate.Sqnr;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;

/**
 * The per-layer error report of a quantized model (docs/numerics.md#9-reporting-error): each
 * quantized layer runs on the FP32 model's input to that layer, and its output is compared with the
 * FP32 layer's output on the same input, so a row shows that layer's own error, not what earlier
 * layers passed on. A last row, {@link #MODEL_ROW}, compares the whole quantized model's output
 * with FP32's.
 */
public final class LayerErrors {
  /** The name of the end-to-end row. */
  public static final String MODEL_ROW = "model (end to end)";

  private LayerErrors() {}

  /**
   * Measures SQNR per layer over {@code count} row-major samples.
   *
   * @throws IllegalArgumentException if the models differ in shape, {@code count < 1}, {@code
   *     samples} has the wrong length, or an output is NaN or infinite
   */
  public static LayerErrorReport measure(
      FloatModel fp32, QuantizedModel quantized, float[] samples, int count) {
    int n = fp32.size();
    if (quantized.size() != n) {
      throw new IllegalArgumentException(
          "quantized: expected " + n + " layers like the FP32 model, got " + quantized.size());
    }
    if (count < 1) {
      throw new IllegalArgumentException("count: expected >= 1 sample, got " + count);
    }
    LayerMath.requireLength("samples", samples.length, count * fp32.inputSize());
    DenseLayer[] reference = new DenseLayer[n];
    float[][] fp = new float[n + 1][];
    float[][] q = new float[n][];
    Sqnr[] sqnr = new Sqnr[n];
    fp[0] = new float[fp32.inputSize()];
    for (int k = 0; k < n; k++) {
      FloatLayer layer = fp32.layer(k);
      PreparedLayer prepared = quantized.layer(k);
      if (prepared.in() != layer.weights().in() || prepared.out() != layer.weights().out()) {
        throw new IllegalArgumentException(
            "quantized layer "
                + k
                + " ("
                + prepared.name()
                + "): expected in = "
                + layer.weights().in()
                + ", out = "
                + layer.weights().out()
                + ", got in = "
                + prepared.in()
                + ", out = "
                + prepared.out());
      }
      reference[k] =
          new PreparedLayer.Fp32(layer.name(), layer.weights(), layer.activation()).kernel();
      fp[k + 1] = new float[layer.weights().out()];
      q[k] = new float[layer.weights().out()];
      sqnr[k] = new Sqnr();
    }
    Sqnr endToEnd = new Sqnr();
    float[] modelOut = new float[quantized.outputSize()];
    for (int s = 0; s < count; s++) {
      System.arraycopy(samples, s * fp32.inputSize(), fp[0], 0, fp32.inputSize());
      for (int k = 0; k < n; k++) {
        reference[k].forward(fp[k], fp[k + 1]);
        quantized.kernel(k).forward(fp[k], q[k]);
        sqnr[k].add(fp[k + 1], q[k]);
      }
      quantized.forward(fp[0], modelOut);
      endToEnd.add(fp[n], modelOut);
    }
    LayerErrorReport report = new LayerErrorReport();
    for (int k = 0; k < n; k++) {
      PreparedLayer layer = quantized.layer(k);
      report.add(layer.name(), layer.label(), sqnr[k], layer.parameterBytes());
    }
    report.add(MODEL_ROW, quantized.label(), endToEnd, quantized.parameterBytes());
    return report;
  }
}
