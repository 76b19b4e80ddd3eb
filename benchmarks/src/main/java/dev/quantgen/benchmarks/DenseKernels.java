package dev.quantgen.benchmarks;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.numerics.Activation;
import java.util.Random;

/**
 * The kernels a benchmark compares, built from the same seeded weights and the same prepared
 * parameters: the generated class of a precision, or the runtime's generic loop for it.
 */
final class DenseKernels {
  /** Inputs drawn uniformly from [-1, 1): the activation range calibrated below. */
  static final ActivationParams INPUT = ActivationParams.fromRange(-1.0f, 1.0f);

  private DenseKernels() {}

  /** Seeded Gaussian weights (scaled by 1/sqrt(in)) and a small bias. */
  static DenseWeights weights(int in, int out) {
    Random random = new Random(42);
    float[] w = new float[in * out];
    float s = (float) (1.0 / Math.sqrt(in));
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * s;
    }
    float[] b = new float[out];
    for (int c = 0; c < out; c++) {
      b[c] = 0.01f * (float) random.nextGaussian();
    }
    return DenseWeights.of(in, out, w, b);
  }

  static float[] input(int in, long seed) {
    Random random = new Random(seed);
    float[] x = new float[in];
    for (int i = 0; i < in; i++) {
      x[i] = random.nextFloat() * 2 - 1;
    }
    return x;
  }

  /**
   * The kernel of {@code precision} for a {@code shape} ({@code 1024x1024} or {@code 8192x4096}),
   * generated or generic.
   */
  static DenseLayer create(String shape, String precision, boolean generated) {
    boolean big = shape.equals("8192x4096");
    if (!big && !shape.equals("1024x1024")) {
      throw new IllegalArgumentException("shape: expected 1024x1024 or 8192x4096, got " + shape);
    }
    DenseWeights w = big ? weights(8192, 4096) : weights(1024, 1024);
    // the output range of Gaussian weights times uniform inputs: about 4 standard deviations
    ActivationParams output = ActivationParams.fromRange(-2.5f, 2.5f);
    switch (precision) {
      case "FP32":
        return generated
            ? (big ? new Gemv8k_Fp32(w) : new Gemv1k_Fp32(w))
            : new PreparedLayer.Fp32("dense", w, Activation.NONE).kernel();
      case "FP16":
        {
          Fp16DenseParams p = Fp16DenseParams.prepare(w, Activation.NONE);
          return generated
              ? (big ? new Gemv8k_Fp16(p) : new Gemv1k_Fp16(p))
              : new PreparedLayer.Fp16("dense", p).kernel();
        }
      case "INT8":
        {
          QuantizedDenseConfig config = big ? Gemv8k_Int8.CONFIG : Gemv1k_Int8.CONFIG;
          QuantizedDenseParams p = QuantizedDenseParams.prepare("dense", w, config, INPUT, output);
          return generated
              ? (big ? new Gemv8k_Int8(p) : new Gemv1k_Int8(p))
              : new PreparedLayer.Quantized("dense", p).kernel();
        }
      case "INT4":
        {
          QuantizedDenseConfig config = big ? Gemv8k_Int4.CONFIG : Gemv1k_Int4.CONFIG;
          QuantizedDenseParams p = QuantizedDenseParams.prepare("dense", w, config, INPUT, output);
          return generated
              ? (big ? new Gemv8k_Int4(p) : new Gemv1k_Int4(p))
              : new PreparedLayer.Quantized("dense", p).kernel();
        }
      case "BINARY":
        {
          BinaryDenseParams p =
              BinaryDenseParams.prepare(w, true, ActivationMode.BINARY, Activation.NONE);
          return generated
              ? (big ? new Gemv8k_Binary(p) : new Gemv1k_Binary(p))
              : new PreparedLayer.Binary("dense", p).kernel();
        }
      default:
        throw new IllegalArgumentException(
            "precision: expected FP32, FP16, INT8, INT4 or BINARY, got " + precision);
    }
  }
}
