package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.FusedActivation;
import dev.quantgen.runtime.layer.LayerMath;

/**
 * The runtime kernel of a BINARY layer. FLOAT activations: {@code alpha[c] * sum +-x[i]}, the sign
 * applied by flipping the float's sign bit (exact), summed with four partial sums (within the
 * reassociation bound of {@code DenseReference.binary}). BINARY activations: the input's sign bits
 * packed per call, {@code dot = in - 2 * popcount(a XOR w)}, {@code y = dot * (alpha * beta)}:
 * bit-exact, padding bits being 0 on both sides.
 */
final class BinaryKernel implements DenseLayer {
  private final int in;
  private final int out;
  private final int words;
  private final long[] weights;
  private final float[] alphas;
  private final float[] bias;
  private final boolean binaryActivations;
  private final FusedActivation activation;
  private final ThreadLocal<long[]> signs;

  BinaryKernel(BinaryDenseParams p) {
    in = p.in();
    out = p.out();
    words = BinaryDenseParams.words(in);
    weights = p.weights();
    float[] a = p.alphas();
    alphas = new float[out];
    for (int c = 0; c < out; c++) {
      alphas[c] = a.length == 1 ? a[0] : a[c];
    }
    bias = p.bias();
    binaryActivations = p.mode() == ActivationMode.BINARY;
    activation = p.activation();
    signs = ThreadLocal.withInitial(() -> new long[words]);
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
    if (binaryActivations) {
      forwardXnor(x, y);
      return;
    }
    for (int c = 0; c < out; c++) {
      float v = signedSum(c * words, x) * alphas[c];
      y[c] = activation.apply(bias != null ? v + bias[c] : v);
    }
  }

  private float signedSum(int rowWord, float[] x) {
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    int i = 0;
    for (; i + 3 < in; i += 4) {
      long bits = weights[rowWord + (i >> 6)] >>> (i & 63); // 4 bits never cross a word: i % 4 == 0
      a0 += flip(x[i], bits);
      a1 += flip(x[i + 1], bits >>> 1);
      a2 += flip(x[i + 2], bits >>> 2);
      a3 += flip(x[i + 3], bits >>> 3);
    }
    for (; i < in; i++) {
      a0 += flip(x[i], weights[rowWord + (i >> 6)] >>> (i & 63));
    }
    return (a0 + a1) + (a2 + a3);
  }

  /** {@code x} if bit 0 of {@code bits} is 1 (weight +1), else {@code -x}: the sign bit flipped. */
  private static float flip(float x, long bits) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(x) ^ (((int) ~bits & 1) << 31));
  }

  private void forwardXnor(float[] x, float[] y) {
    float beta = 0.0f;
    for (float v : x) {
      beta += Math.abs(v);
    }
    beta /= in;
    long[] a = signs.get();
    java.util.Arrays.fill(a, 0L);
    for (int i = 0; i < in; i++) {
      a[i >> 6] |= LayerMath.signBit(x[i]) << (i & 63);
    }
    for (int c = 0; c < out; c++) {
      int differ = 0;
      for (int j = 0; j < words; j++) {
        differ += Long.bitCount(a[j] ^ weights[c * words + j]);
      }
      float v = (in - 2 * differ) * (alphas[c] * beta);
      y[c] = activation.apply(bias != null ? v + bias[c] : v);
    }
  }
}
