package dev.quantgen.runtime.kernel;

import dev.quantgen.runtime.layer.LayerMath;
import dev.quantgen.runtime.numerics.Half;

/**
 * The portable {@link KernelSupport}: plain loops, four independent accumulators for floats (so the
 * JIT can pipeline the adds), int products in int32. The fallback when the Vector API is missing
 * and the reference the vector implementation is tested against.
 */
public final class ScalarKernelSupport implements KernelSupport {
  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dotFloat(float[] a, int aOff, float[] b, int bOff, int n) {
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      a0 += a[aOff + i] * b[bOff + i];
      a1 += a[aOff + i + 1] * b[bOff + i + 1];
      a2 += a[aOff + i + 2] * b[bOff + i + 2];
      a3 += a[aOff + i + 3] * b[bOff + i + 3];
    }
    for (; i < n; i++) {
      a0 += a[aOff + i] * b[bOff + i];
    }
    return (a0 + a1) + (a2 + a3);
  }

  @Override
  public void dotFloat4(float[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    float4(w, off, stride, x, 0, n, out, outOff);
  }

  /** {@link #dotFloat4} with the input at {@code x[xOff ..]}. */
  private static void float4(
      float[] w, int off, int stride, float[] x, int xOff, int n, float[] out, int outOff) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    for (int i = 0; i < n; i++) {
      float xi = x[xOff + i];
      a0 += w[off + i] * xi;
      a1 += w[o1 + i] * xi;
      a2 += w[o2 + i] * xi;
      a3 += w[o3 + i] * xi;
    }
    out[outOff] = a0;
    out[outOff + 1] = a1;
    out[outOff + 2] = a2;
    out[outOff + 3] = a3;
  }

  @Override
  public void gemmFloat(
      float[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    for (int b = 0; b < batch; b++) {
      int r = rowFrom;
      for (; r + 4 <= rowTo; r += 4) {
        float4(w, r * n, n, x, b * n, n, out, b * outStride + r);
      }
      for (; r < rowTo; r++) {
        out[b * outStride + r] = dotFloat(w, r * n, x, b * n, n);
      }
    }
  }

  @Override
  public void gemmHalf(
      short[] w, int n, int rowFrom, int rowTo, float[] x, int batch, float[] out, int outStride) {
    for (int b = 0; b < batch; b++) {
      for (int r = rowFrom; r < rowTo; r++) {
        out[b * outStride + r] = half(w, r * n, x, b * n, n); // dotHalf4 is dotHalf row by row
      }
    }
  }

  @Override
  public float dotSigns(long[] w, int off, float[] x, int xOff, int n) {
    float sum = 0.0f;
    for (int i = 0; i < n; i++) {
      sum += flip(x[xOff + i], w[off + (i >>> 6)] >>> i);
    }
    return sum;
  }

  @Override
  public void dotSigns4(
      long[] w, int off, int words, float[] x, int xOff, int n, float[] out, int outOff) {
    for (int r = 0; r < 4; r++) {
      out[outOff + r] = dotSigns(w, off + r * words, x, xOff, n);
    }
  }

  @Override
  public void gemmSigns(
      long[] w,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    for (int b = 0; b < batch; b++) {
      for (int r = rowFrom; r < rowTo; r++) {
        out[b * outStride + r] =
            dotSigns(w, r * words, x, b * n, n); // dotSigns4 is dotSigns row by row
      }
    }
  }

  /** None: the scalar product reads the sign rows as they are. */
  @Override
  public int[] signPanels(long[] w, int words, int rows, int n) {
    return new int[0];
  }

  /** The row-major product: the one-sample kernels' sums, bit for bit. */
  @Override
  public void gemmSigns(
      long[] w,
      int[] panels,
      int words,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    gemmSigns(w, words, n, rowFrom, rowTo, x, batch, out, outStride);
  }

  /**
   * {@code x} if bit 0 of {@code bit} is 1 (weight +1), else {@code -x}: the sign bit flipped,
   * exactly.
   */
  static float flip(float x, long bit) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(x) ^ ((~(int) bit & 1) << 31));
  }

  @Override
  public void quantizeInt8(
      float[] x, int xOff, int n, float scale, int zeroPoint, byte[] q, int qOff) {
    for (int i = 0; i < n; i++) {
      q[qOff + i] = (byte) LayerMath.quantizeInt8(x[xOff + i], scale, zeroPoint);
    }
  }

  @Override
  public float dynamicLow(float[] x, int off, int n) {
    float lo = 0.0f;
    for (int i = off; i < off + n; i++) {
      lo = LayerMath.widenLow(lo, x[i]);
    }
    return lo;
  }

  @Override
  public float dynamicHigh(float[] x, int off, int n) {
    float hi = 0.0f;
    for (int i = off; i < off + n; i++) {
      hi = LayerMath.widenHigh(hi, x[i]);
    }
    return hi;
  }

  @Override
  public void requantizeInt8(
      int[] products,
      int batch,
      int stride,
      int from,
      int to,
      int[] correction,
      int[] multipliers,
      int[] shifts,
      int zeroPoint,
      int lo,
      int hi,
      byte[] q) {
    for (int b = 0; b < batch; b++) {
      int base = b * stride;
      for (int c = from; c < to; c++) {
        q[base + c] =
            (byte)
                LayerMath.requantize(
                    products[base + c] + correction[c],
                    multipliers[c],
                    shifts[c],
                    zeroPoint,
                    lo,
                    hi);
      }
    }
  }

  @Override
  public float dotHalf(short[] w, int off, float[] x, int n) {
    return half(w, off, x, 0, n);
  }

  /** {@link #dotHalf} with the input at {@code x[xOff ..]}. */
  private static float half(short[] w, int off, float[] x, int xOff, int n) {
    float a0 = 0.0f;
    float a1 = 0.0f;
    float a2 = 0.0f;
    float a3 = 0.0f;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      a0 += Half.toFloat(w[off + i]) * x[xOff + i];
      a1 += Half.toFloat(w[off + i + 1]) * x[xOff + i + 1];
      a2 += Half.toFloat(w[off + i + 2]) * x[xOff + i + 2];
      a3 += Half.toFloat(w[off + i + 3]) * x[xOff + i + 3];
    }
    for (; i < n; i++) {
      a0 += Half.toFloat(w[off + i]) * x[xOff + i];
    }
    return (a0 + a1) + (a2 + a3);
  }

  @Override
  public void dotHalf4(short[] w, int off, int stride, float[] x, int n, float[] out, int outOff) {
    for (int r = 0; r < 4; r++) {
      out[outOff + r] = dotHalf(w, off + r * stride, x, n);
    }
  }

  @Override
  public int dotInt8(byte[] w, int off, byte[] x, int n) {
    int a0 = 0;
    int a1 = 0;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      a0 += w[off + i] * x[i];
      a1 += w[off + i + 1] * x[i + 1];
    }
    if (i < n) {
      a0 += w[off + i] * x[i];
    }
    return a0 + a1;
  }

  @Override
  public void dotInt8x4(byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff) {
    int o1 = off + stride;
    int o2 = o1 + stride;
    int o3 = o2 + stride;
    int a0 = 0;
    int a1 = 0;
    int a2 = 0;
    int a3 = 0;
    for (int i = 0; i < n; i++) {
      int xi = x[i];
      a0 += w[off + i] * xi;
      a1 += w[o1 + i] * xi;
      a2 += w[o2 + i] * xi;
      a3 += w[o3 + i] * xi;
    }
    out[outOff] = a0;
    out[outOff + 1] = a1;
    out[outOff + 2] = a2;
    out[outOff + 3] = a3;
  }

  @Override
  public void dotInt8x4Restricted(
      byte[] w, int off, int stride, byte[] x, int n, int[] out, int outOff) {
    // int32 sums need no range restriction; the contract only allows faster implementations.
    dotInt8x4(w, off, stride, x, n, out, outOff);
  }

  @Override
  public int dotInt4(byte[] w, int off, byte[] even, byte[] odd, int bytes) {
    int a0 = 0;
    int a1 = 0;
    for (int j = 0; j < bytes; j++) {
      int b = w[off + j];
      a0 += ((b << 28) >> 28) * even[j];
      a1 += (b >> 4) * odd[j];
    }
    return a0 + a1;
  }

  @Override
  public void dotInt4x4(
      byte[] w, int off, int stride, byte[] even, byte[] odd, int bytes, int[] out, int outOff) {
    for (int r = 0; r < 4; r++) {
      out[outOff + r] = dotInt4(w, off + r * stride, even, odd, bytes);
    }
  }

  /** None: the scalar product reads the rows as they are. */
  @Override
  public byte[] int4Panels(byte[] w, int rows, int n) {
    return new byte[0];
  }

  @Override
  public void gemmInt4(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    gemmInt4(w, n, rowFrom, rowTo, x, batch, acc, accStride);
  }

  /** None: the scalar product reads the rows as they are. */
  @Override
  public float[] floatPanels(float[] w, int rows, int n) {
    return new float[0];
  }

  /** The row-major product: the one-sample kernels' sums, bit for bit. */
  @Override
  public void gemmFloat(
      float[] w,
      float[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    gemmFloat(w, n, rowFrom, rowTo, x, batch, out, outStride);
  }

  /** None: the scalar product reads the rows as they are. */
  @Override
  public short[] halfPanels(short[] w, int rows, int n) {
    return new short[0];
  }

  /** The row-major product: the one-sample kernels' sums, bit for bit. */
  @Override
  public void gemmHalf(
      short[] w,
      short[] panels,
      int n,
      int rowFrom,
      int rowTo,
      float[] x,
      int batch,
      float[] out,
      int outStride) {
    gemmHalf(w, n, rowFrom, rowTo, x, batch, out, outStride);
  }

  /** None: the scalar product reads the rows as they are. */
  @Override
  public byte[] int8Panels(byte[] w, int rows, int n) {
    return new byte[0];
  }

  @Override
  public void gemmInt8(
      byte[] w,
      byte[] panels,
      int n,
      int rowFrom,
      int rowTo,
      byte[] x,
      int batch,
      int[] acc,
      int accStride) {
    gemmInt8(w, n, rowFrom, rowTo, x, batch, acc, accStride);
  }

  @Override
  public void gemmInt8(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    for (int b = 0; b < batch; b++) {
      int xOff = b * n;
      for (int r = rowFrom; r < rowTo; r++) {
        int wOff = r * n;
        int s = 0;
        for (int i = 0; i < n; i++) {
          s += w[wOff + i] * x[xOff + i];
        }
        acc[b * accStride + r] = s;
      }
    }
  }

  @Override
  public void gemmInt4(
      byte[] w, int n, int rowFrom, int rowTo, byte[] x, int batch, int[] acc, int accStride) {
    int rowBytes = (n + 1) / 2;
    for (int b = 0; b < batch; b++) {
      int xOff = b * n;
      for (int r = rowFrom; r < rowTo; r++) {
        int wOff = r * rowBytes;
        int s = 0;
        for (int i = 0; i < n; i++) {
          int packed = w[wOff + (i >> 1)];
          s += ((i & 1) == 0 ? (packed << 28) >> 28 : packed >> 4) * x[xOff + i];
        }
        acc[b * accStride + r] = s;
      }
    }
  }

  @Override
  public int xorBitCount(long[] a, int aOff, long[] b, int bOff, int n) {
    int c0 = 0;
    int c1 = 0;
    int c2 = 0;
    int c3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      c0 += Long.bitCount(a[aOff + i] ^ b[bOff + i]);
      c1 += Long.bitCount(a[aOff + i + 1] ^ b[bOff + i + 1]);
      c2 += Long.bitCount(a[aOff + i + 2] ^ b[bOff + i + 2]);
      c3 += Long.bitCount(a[aOff + i + 3] ^ b[bOff + i + 3]);
    }
    for (; i < n; i++) {
      c0 += Long.bitCount(a[aOff + i] ^ b[bOff + i]);
    }
    return (c0 + c1) + (c2 + c3);
  }
}
