package dev.quantgen.training.network;

/**
 * The dense loops of training, written in the "axpy" form {@code y[j] += s * x[j]} over contiguous
 * rows, which HotSpot's C2 auto-vectorizes (a float dot-product reduction it does not, because
 * reordering float additions would change the result). Zero multipliers are skipped: after a ReLU
 * and on image inputs most of them are zero, and skipping an exact {@code 0 * x} changes no result
 * (apart from propagating an infinity or NaN of {@code x}, which training would not survive
 * anyway).
 */
final class TrainingLoops {
  private TrainingLoops() {}

  /** {@code sum a[aOff + i] * b[bOff + i]}, in index order. */
  static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  /**
   * {@code z[r][:] = bias + x[r][:] * wT} for {@code rows} rows: {@code x} is {@code [rows][in]},
   * {@code wT} the transposed weight {@code [in][out]}, {@code z} is {@code [rows][out]}.
   */
  static void forward(float[] x, int rows, int in, float[] wT, float[] bias, int out, float[] z) {
    for (int r = 0; r < rows; r++) {
      int zOff = r * out;
      System.arraycopy(bias, 0, z, zOff, out);
      int xOff = r * in;
      for (int k = 0; k < in; k++) {
        float s = x[xOff + k];
        if (s != 0f) {
          int wOff = k * out;
          for (int j = 0; j < out; j++) {
            z[zOff + j] += s * wT[wOff + j];
          }
        }
      }
    }
  }

  /**
   * Writes {@code w}'s transpose: {@code w} is {@code [out][in]}, {@code wT} becomes {@code
   * [in][out]}.
   */
  static void transpose(float[] w, int out, int in, float[] wT) {
    for (int o = 0; o < out; o++) {
      int wOff = o * in;
      for (int k = 0; k < in; k++) {
        wT[k * out + o] = w[wOff + k];
      }
    }
  }

  /**
   * Adds this shard's weight and bias gradient: {@code gw[o][:] += sum_r delta[r][o] * a[r][:]} and
   * {@code gb[o] += sum_r delta[r][o]}, rows in order, so the sum is the same on every run.
   */
  static void weightGradient(
      float[] delta, float[] a, int rows, int in, int out, float[] gw, float[] gb) {
    for (int o = 0; o < out; o++) {
      int gOff = o * in;
      float bSum = 0;
      for (int r = 0; r < rows; r++) {
        float s = delta[r * out + o];
        if (s != 0f) {
          bSum += s;
          int aOff = r * in;
          for (int k = 0; k < in; k++) {
            gw[gOff + k] += s * a[aOff + k];
          }
        }
      }
      gb[o] += bSum;
    }
  }

  /**
   * The gradient with respect to the layer input, masked by the previous ReLU: {@code dA[r][:] =
   * sum_o delta[r][o] * w[o][:]}, then zero where the previous activation {@code a} was not
   * positive ({@code relu'(z) = 1[z > 0]}, and {@code a = relu(z)} keeps that sign).
   */
  static void inputGradient(
      float[] delta, float[] w, float[] a, int rows, int in, int out, float[] dA) {
    java.util.Arrays.fill(dA, 0, rows * in, 0f);
    for (int r = 0; r < rows; r++) {
      int dOff = r * in;
      for (int o = 0; o < out; o++) {
        float s = delta[r * out + o];
        if (s != 0f) {
          int wOff = o * in;
          for (int k = 0; k < in; k++) {
            dA[dOff + k] += s * w[wOff + k];
          }
        }
      }
      for (int k = 0; k < in; k++) {
        if (a[dOff + k] <= 0f) {
          dA[dOff + k] = 0f;
        }
      }
    }
  }

  static void relu(float[] z, int off, int n) {
    for (int i = off; i < off + n; i++) {
      if (z[i] <= 0f) {
        z[i] = 0f; // -0.0 becomes +0.0; NaN fails the test and stays NaN, as in PyTorch
      }
    }
  }

  /** Index of the largest of {@code v[off..off+n)}; the first one on a tie. */
  static int argmax(float[] v, int off, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[off + i] > v[off + best]) {
        best = i;
      }
    }
    return best;
  }
}
