package dev.quantgen.runtime.layer;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.Half;

/**
 * The runtime's generic reference loop for each precision: shapes read at run time, plain
 * sequential loops written straight from docs/numerics.md, no unrolling and no zero-point folding.
 * Generated kernels must match it: integer results (and the float outputs of DYNAMIC and BINARY
 * layers, which are computed from exact integers in the same order) bit for bit; float sums (FP32,
 * FP16, weight-only FLOAT, sign-add BINARY) within the reassociation bound of an unrolled sum (see
 * each method).
 */
public final class DenseReference {
  private DenseReference() {}

  /**
   * FP32: {@code y[c] = act(sum_i w[c][i] * x[i] + b[c])}, summed in index order in float32. An
   * unrolled kernel adds the same products in another order; both are within {@code gamma_in *
   * sum|w x|} of the exact sum, so they differ by at most twice that.
   */
  public static void fp32(DenseWeights weights, Activation activation, float[] x, float[] y) {
    check(weights.in(), weights.out(), x, y);
    for (int c = 0; c < weights.out(); c++) {
      float acc = 0.0f;
      for (int i = 0; i < weights.in(); i++) {
        acc += weights.weight(c, i) * x[i];
      }
      y[c] = activation.apply(weights.hasBias() ? acc + weights.bias(c) : acc);
    }
  }

  /**
   * FP16: as {@link #fp32} with each weight decoded from binary16 (exactly) before the multiply.
   */
  public static void fp16(Fp16DenseParams p, float[] x, float[] y) {
    check(p.in(), p.out(), x, y);
    short[] w = p.weights();
    float[] bias = p.bias();
    for (int c = 0; c < p.out(); c++) {
      float acc = 0.0f;
      for (int i = 0; i < p.in(); i++) {
        acc += Half.toFloat(w[c * p.in() + i]) * x[i];
      }
      y[c] = p.activation().apply(bias != null ? acc + bias[c] : acc);
    }
  }

  /**
   * INT8/INT4 from float input to float output, by mode: STATIC quantizes {@code x} with the input
   * params, runs {@link #quantized} and dequantizes; DYNAMIC quantizes {@code x} to uint8 as ONNX
   * DynamicQuantizeLinear, accumulates {@code sum (qa - za)(qw - zw)} exactly per scale group and
   * outputs {@code sum_g acc_g * (sa * sw[g]) (+ b)}, groups in order; FLOAT (weight-only) sums
   * {@code x[i] * (qw - zw)} in float32 per group and outputs {@code sum_g facc_g * sw[g] (+ b)}.
   */
  public static void quantized(QuantizedDenseParams p, float[] x, float[] y) {
    check(p.in(), p.out(), x, y);
    QuantizedDenseConfig config = p.config();
    switch (config.mode()) {
      case STATIC:
        {
          StaticRequantization r = p.requantization();
          byte[] qx = new byte[p.in()];
          for (int i = 0; i < p.in(); i++) {
            qx[i] = (byte) r.input().quantize(x[i]);
          }
          byte[] qy = new byte[p.out()];
          quantized(p, qx, qy);
          for (int c = 0; c < p.out(); c++) {
            y[c] = r.output().dequantize(qy[c]);
          }
          return;
        }
      case DYNAMIC:
        dynamic(p, x, y);
        return;
      default:
        weightOnly(p, x, y);
    }
  }

  /**
   * STATIC, int8 to int8: {@code acc = sum (qa - za)(qw - zw) + bq[c]} in int32 (checked here in 64
   * bits), then requantized (integer-only or ONNX float) and clamped to the activation range.
   */
  public static void quantized(QuantizedDenseParams p, byte[] qx, byte[] qy) {
    LayerMath.requireLength("qx", qx.length, p.in());
    LayerMath.requireLength("qy", qy.length, p.out());
    StaticRequantization r = p.requantization();
    if (r == null) {
      throw new IllegalArgumentException(
          "params: expected STATIC activations, got " + p.config().mode());
    }
    int za = r.input().zeroPoint();
    int[] zw = p.zeroPoints();
    int[] bias = r.bias();
    for (int c = 0; c < p.out(); c++) {
      int k = p.scaleIndex(c, 0);
      long acc = bias[c];
      for (int i = 0; i < p.in(); i++) {
        acc += (long) (qx[i] - za) * (p.weight(c, i) - zw[k]);
      }
      if (acc != (int) acc) {
        throw new IllegalStateException(
            "accumulator of channel " + c + " overflowed int32: " + acc);
      }
      qy[c] = (byte) r.requantize(p.config().requantization(), c, (int) acc);
    }
  }

  private static void dynamic(QuantizedDenseParams p, float[] x, float[] y) {
    // The range widened to include 0; NaN and +-Inf never widen it (LayerMath.widenLow).
    float lo = 0.0f;
    float hi = 0.0f;
    for (float v : x) {
      lo = LayerMath.widenLow(lo, v);
      hi = LayerMath.widenHigh(hi, v);
    }
    float sa = LayerMath.dynamicScale(lo, hi);
    int za = LayerMath.dynamicZeroPoint(lo, sa);
    int[] qa = new int[p.in()];
    for (int i = 0; i < p.in(); i++) {
      qa[i] = LayerMath.quantize(x[i], sa, za, 0, 255);
    }
    float[] scales = p.scales();
    int[] zw = p.zeroPoints();
    float[] bias = p.bias();
    int size = p.config().groupSize(p.in());
    int groups = p.config().groups(p.in());
    for (int c = 0; c < p.out(); c++) {
      float sum = 0.0f;
      for (int g = 0; g < groups; g++) {
        int k = p.scaleIndex(c, g);
        long acc = 0;
        for (int i = g * size; i < Math.min(p.in(), (g + 1) * size); i++) {
          acc += (long) (qa[i] - za) * (p.weight(c, i) - zw[k]);
        }
        if (acc != (int) acc) {
          throw new IllegalStateException(
              "accumulator of channel " + c + " overflowed int32: " + acc);
        }
        float term = (int) acc * (sa * scales[k]);
        sum = g == 0 ? term : sum + term;
      }
      y[c] = p.config().activation().apply(bias != null ? sum + bias[c] : sum);
    }
  }

  private static void weightOnly(QuantizedDenseParams p, float[] x, float[] y) {
    float[] scales = p.scales();
    int[] zw = p.zeroPoints();
    float[] bias = p.bias();
    int size = p.config().groupSize(p.in());
    int groups = p.config().groups(p.in());
    for (int c = 0; c < p.out(); c++) {
      float sum = 0.0f;
      for (int g = 0; g < groups; g++) {
        int k = p.scaleIndex(c, g);
        float acc = 0.0f;
        for (int i = g * size; i < Math.min(p.in(), (g + 1) * size); i++) {
          acc += x[i] * (p.weight(c, i) - zw[k]);
        }
        float term = acc * scales[k];
        sum = g == 0 ? term : sum + term;
      }
      y[c] = p.config().activation().apply(bias != null ? sum + bias[c] : sum);
    }
  }

  /**
   * BINARY. FLOAT mode: {@code y[c] = alpha[c] * sum_i sign(w[c][i]) * x[i] (+ b)}, summed in index
   * order (a float sum: an unrolled kernel is within the same bound as {@link #fp32}). BINARY mode:
   * {@code beta = mean|x|} (summed in index order in float32, divided by {@code in}), {@code dot =
   * in - 2 * popcount(signs(x) XOR signs(w))} counted over real bits only, and {@code y[c] = dot *
   * (alpha[c] * beta) (+ b)}: exact integers, so bit for bit.
   */
  public static void binary(BinaryDenseParams p, float[] x, float[] y) {
    check(p.in(), p.out(), x, y);
    float[] bias = p.bias();
    float beta = 0.0f;
    if (p.mode() == ActivationMode.BINARY) {
      for (float v : x) {
        beta += LayerMath.betaTerm(v);
      }
      beta /= p.in();
    }
    for (int c = 0; c < p.out(); c++) {
      float v;
      if (p.mode() == ActivationMode.BINARY) {
        int dot = 0;
        for (int i = 0; i < p.in(); i++) {
          dot += p.sign(c, i) * (int) (LayerMath.signBit(x[i]) * 2 - 1);
        }
        v = dot * (p.alpha(c) * beta);
      } else {
        float acc = 0.0f;
        for (int i = 0; i < p.in(); i++) {
          acc += p.sign(c, i) > 0 ? x[i] : -x[i];
        }
        v = acc * p.alpha(c);
      }
      y[c] = p.activation().apply(bias != null ? v + bias[c] : v);
    }
  }

  private static void check(int in, int out, float[] x, float[] y) {
    LayerMath.requireLength("x", x.length, in);
    LayerMath.requireLength("y", y.length, out);
  }
}
