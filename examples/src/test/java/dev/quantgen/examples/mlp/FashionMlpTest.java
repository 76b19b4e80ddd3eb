package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Precision;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs the generated {@code FashionMlp_Model} in every precision on seeded random weights,
 * calibrated from its own FP32 outputs, and checks every layer against the runtime's reference:
 * integer pipelines bit for bit, float sums within a relative 1e-5 of the layer's output range
 * (each layer's reassociation bound is about {@code 2 * 784 * 2^-24 ~ 1e-4} of {@code sum|w x|},
 * far looser than what unrolling by 4 produces in practice on these sizes).
 */
class FashionMlpTest {
  private static final Activation[] ACTIVATIONS = {
    Activation.RELU, Activation.RELU, Activation.NONE
  };
  private static final String[] NAMES = {"Fc1", "Fc2", "Fc3"};
  private static List<DenseWeights> weights;
  private static List<ActivationParams> boundaries;
  private static List<float[]> inputs;

  @BeforeAll
  static void calibrate() {
    Random random = new Random(2024);
    weights =
        List.of(weights(random, 784, 256), weights(random, 256, 128), weights(random, 128, 10));
    inputs = new ArrayList<>();
    for (int n = 0; n < 8; n++) {
      float[] x = new float[784];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextFloat(); // pixel intensities in [0, 1)
      }
      inputs.add(x);
    }
    FashionMlp_Model fp32 = FashionMlp_Model.builder().allLayers(Precision.FP32).build(weights);
    float[] lo = new float[4];
    float[] hi = new float[4];
    for (float[] x : inputs) {
      float[][] trace = fp32.trace(x);
      range(x, lo, hi, 0);
      for (int k = 0; k < 3; k++) {
        range(trace[k], lo, hi, k + 1);
      }
    }
    boundaries = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      boundaries.add(ActivationParams.fromRange(lo[k], hi[k]));
    }
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void everyLayerMatchesTheReferenceInEveryPrecision(Precision precision) {
    FashionMlp_Model model =
        FashionMlp_Model.builder().allLayers(precision).build(weights, boundaries);
    assertEquals(List.of(precision, precision, precision), model.precisions());
    for (float[] x : inputs) {
      float[] in = x;
      float[][] trace = model.trace(x);
      for (int k = 0; k < 3; k++) {
        DenseLayer layer = model.layer(k);
        float[] expected = new float[layer.outputSize()];
        boolean exact = reference(precision, k, in, expected);
        float[] actual = new float[layer.outputSize()];
        layer.forward(in, actual);
        if (exact) {
          assertArrayEquals(expected, actual, precision + " " + NAMES[k]);
        } else {
          float scale = 0;
          for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
          }
          for (int c = 0; c < expected.length; c++) {
            assertTrue(
                Math.abs(expected[c] - actual[c]) <= 1e-5f * (1 + scale),
                precision
                    + " "
                    + NAMES[k]
                    + " output "
                    + c
                    + ": "
                    + expected[c]
                    + " vs "
                    + actual[c]);
          }
        }
        assertArrayEquals(actual, trace[k], "trace of layer " + k);
        in = actual;
      }
      float[] y = new float[10];
      model.forward(x, y);
      assertArrayEquals(trace[2], y, precision + ": forward equals the layer-by-layer trace");
    }
  }

  /**
   * The batched path (one matrix product per layer: weight panels reused across the samples in
   * register tiles, remainders one sample at a time) gives every sample exactly its own forward at
   * the integer precisions.
   */
  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FP32", "FP16", "BINARY"},
      mode = EnumSource.Mode.EXCLUDE)
  void forwardBatchEqualsForwardSampleBySample(Precision precision) {
    FashionMlp_Model model =
        FashionMlp_Model.builder().allLayers(precision).build(weights, boundaries);
    int batch = 7;
    float[] x = new float[batch * 784];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(inputs.get(b), 0, x, b * 784, 784);
    }
    float[] y = new float[batch * 10];
    model.forwardBatch(x, y, batch);
    for (int b = 0; b < batch; b++) {
      float[] expected = new float[10];
      model.forward(inputs.get(b), expected);
      assertArrayEquals(
          expected,
          java.util.Arrays.copyOfRange(y, b * 10, b * 10 + 10),
          precision + " sample " + b);
    }
  }

  /**
   * FP32, FP16 and BINARY (binary weights, float activations) sum a batch on packed weight panels,
   * one fused multiply-add per input in input order, where the one-sample kernels sum four rows in
   * vector lanes: another order of the same float32 additions. Each layer's batched output is
   * within the reassociation bound of each computed sum, {@code 2 gamma(IN) sum_i |w x|} (both sums
   * within {@code gamma(IN) sum|w x|} of the exact one; a binary weight is {@code +-alpha}, and the
   * scale's multiply after the sum counts as one more term), plus the bias addition's rounding of
   * either ({@code 2^-23} of the output); ReLU only narrows a difference. Each layer gets the same
   * inputs both ways.
   */
  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FP32", "FP16", "BINARY"})
  void floatForwardBatchIsWithinTheReassociationBoundOfForward(Precision precision) {
    FashionMlp_Model model =
        FashionMlp_Model.builder().allLayers(precision).build(weights, boundaries);
    int batch = 7;
    List<float[]> in = new ArrayList<>(inputs.subList(0, batch));
    for (int k = 0; k < 3; k++) {
      DenseLayer layer = model.layer(k);
      int n = layer.inputSize();
      int out = layer.outputSize();
      float[] w = effectiveWeights(precision, k);
      float[] x = new float[batch * n];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(in.get(b), 0, x, b * n, n);
      }
      float[] y = new float[batch * out];
      layer.forwardBatch(x, y, batch);
      double u = 0x1.0p-24;
      int terms = precision == Precision.BINARY ? n + 1 : n;
      double gamma = terms * u / (1 - terms * u);
      List<float[]> next = new ArrayList<>();
      for (int b = 0; b < batch; b++) {
        float[] one = new float[out];
        layer.forward(in.get(b), one);
        for (int c = 0; c < out; c++) {
          double magnitude = 0;
          for (int i = 0; i < n; i++) {
            magnitude += Math.abs((double) w[c * n + i] * in.get(b)[i]);
          }
          float got = y[b * out + c];
          double tol =
              2 * gamma * magnitude
                  + 0x1.0p-23 * (Math.abs(one[c]) + Math.abs(got))
                  + Float.MIN_NORMAL;
          assertTrue(
              Math.abs(one[c] - got) <= tol,
              precision
                  + " "
                  + NAMES[k]
                  + " sample "
                  + b
                  + " output "
                  + c
                  + ": forward "
                  + one[c]
                  + ", forwardBatch "
                  + got
                  + ", bound "
                  + tol);
        }
        next.add(one);
      }
      in = next;
    }
  }

  /**
   * Layer k's weights as the kernel multiplies them: FP16 ones decoded from binary16, binary ones
   * {@code sign * alpha} of their row.
   */
  private static float[] effectiveWeights(Precision precision, int k) {
    float[] w = weights.get(k).weights();
    if (precision == Precision.BINARY) {
      BinaryDenseParams p =
          BinaryDenseParams.prepare(weights.get(k), true, ActivationMode.FLOAT, ACTIVATIONS[k]);
      int n = weights.get(k).in();
      float[] effective = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        effective[i] = p.sign(i / n, i % n) * p.alpha(i / n);
      }
      return effective;
    }
    if (precision != Precision.FP16) {
      return w;
    }
    short[] h = Fp16DenseParams.prepare(weights.get(k), ACTIVATIONS[k]).weights();
    float[] decoded = new float[h.length];
    for (int i = 0; i < h.length; i++) {
      decoded[i] = dev.quantgen.runtime.numerics.Half.toFloat(h[i]);
    }
    return decoded;
  }

  @org.junit.jupiter.api.Test
  void forwardBatchRejectsAnEmptyBatchAndAMismatchedBuffer() {
    FashionMlp_Model model =
        FashionMlp_Model.builder().allLayers(Precision.INT8).build(weights, boundaries);
    IllegalArgumentException empty =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> model.forwardBatch(new float[0], new float[0], 0));
    assertEquals("batch: expected at least 1 sample, got 0", empty.getMessage());
    IllegalArgumentException shortY =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> model.forwardBatch(new float[2 * 784], new float[19], 2));
    assertEquals("y: expected length 20 (batch 2 x 10), got 19", shortY.getMessage());
  }

  /** The runtime reference of layer k in a precision; true when it must match bit for bit. */
  private static boolean reference(Precision precision, int k, float[] x, float[] y) {
    DenseWeights w = weights.get(k);
    Activation act = ACTIVATIONS[k];
    switch (precision) {
      case FP32:
        DenseReference.fp32(w, act, x, y);
        return false;
      case FP16:
        DenseReference.fp16(Fp16DenseParams.prepare(w, act), x, y);
        return false;
      case BINARY:
        DenseReference.binary(BinaryDenseParams.prepare(w, true, ActivationMode.FLOAT, act), x, y);
        return false; // float activations: a float sum of signed inputs

      default:
        {
          QuantizedDenseConfig config = config(precision, k);
          QuantizedDenseParams p =
              QuantizedDenseParams.prepare(
                  NAMES[k], w, config, boundaries.get(k), boundaries.get(k + 1));
          DenseReference.quantized(p, x, y);
          return config.mode() != ActivationMode.FLOAT;
        }
    }
  }

  private static QuantizedDenseConfig config(Precision precision, int k) {
    if (precision == Precision.INT8) {
      return k == 0 ? Fc1_Int8.CONFIG : k == 1 ? Fc2_Int8.CONFIG : Fc3_Int8.CONFIG;
    }
    return k == 0 ? Fc1_Int4.CONFIG : k == 1 ? Fc2_Int4.CONFIG : Fc3_Int4.CONFIG;
  }

  private static void range(float[] v, float[] lo, float[] hi, int k) {
    for (float f : v) {
      lo[k] = Math.min(lo[k], f);
      hi[k] = Math.max(hi[k], f);
    }
  }

  private static DenseWeights weights(Random random, int in, int out) {
    float[] w = new float[in * out];
    double std = Math.sqrt(2.0 / in); // He initialization keeps activations in a sane range
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    float[] b = new float[out];
    for (int c = 0; c < out; c++) {
      b[c] = (float) (random.nextGaussian() * 0.05);
    }
    return DenseWeights.of(in, out, w, b);
  }
}
