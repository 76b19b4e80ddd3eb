package dev.quantgen.runtime.model;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.LayerMath;

/**
 * The runtime kernel of a BINARY layer. FLOAT activations: {@code alpha[c] * sum +-x[i]}, the sign
 * applied by flipping the float's sign bit (exact), summed by {@link ChannelKernel#SUPPORT}'s
 * dotSigns (within the reassociation bound of {@code DenseReference.binary}). BINARY activations:
 * the input's sign bits packed per call, {@code dot = in - 2 * popcount(a XOR w)}, {@code y = dot *
 * (alpha * beta)}: bit-exact, padding bits being 0 on both sides.
 */
final class BinaryKernel extends ChannelKernel<BinaryKernel.Input> {
  private final int words;
  private final long[] weights;
  private final float[] alphas;
  private final boolean binaryActivations;
  private final ThreadLocal<Input> scratch;

  BinaryKernel(BinaryDenseParams p) {
    super(p.in(), p.out(), p.bias(), p.activation());
    words = BinaryDenseParams.words(in);
    weights = p.weights();
    float[] a = p.alphas();
    alphas = new float[out];
    for (int c = 0; c < out; c++) {
      alphas[c] = a.length == 1 ? a[0] : a[c];
    }
    binaryActivations = p.mode() == ActivationMode.BINARY;
    scratch = ThreadLocal.withInitial(() -> new Input(words));
  }

  /**
   * One call's input: the floats (FLOAT activations), or their packed signs and mean |x| (BINARY).
   */
  static final class Input {
    float[] x;
    final long[] signs;
    float beta;

    Input(int words) {
      signs = new long[words];
    }
  }

  @Override
  Input prepare(float[] x) {
    Input s = scratch.get();
    if (!binaryActivations) {
      s.x = x;
      return s;
    }
    float beta = 0.0f;
    for (float v : x) {
      beta += LayerMath.betaTerm(v);
    }
    s.beta = beta / in;
    long[] a = s.signs;
    java.util.Arrays.fill(a, 0L);
    for (int i = 0; i < in; i++) {
      a[i >> 6] |= LayerMath.signBit(x[i]) << (i & 63);
    }
    return s;
  }

  @Override
  float channel(Input input, int c) {
    if (binaryActivations) {
      int differ = SUPPORT.xorBitCount(input.signs, 0, weights, c * words, words);
      return (in - 2 * differ) * (alphas[c] * input.beta);
    }
    return SUPPORT.dotSigns(weights, c * words, input.x, 0, in) * alphas[c];
  }
}
