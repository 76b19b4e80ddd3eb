package dev.quantgen.runtime.conv;

/**
 * The float operators of a model's graph layers, called by generated models with constant sizes:
 * the residual sum, channel concatenation, global average pooling and softmax. Each is the one
 * definition the generated code and the tests use; allocation-free.
 */
public final class GraphOps {
  private GraphOps() {}

  /** {@code y[i] = a[i] + b[i]} in float32 (ONNX {@code Add} of two activations). */
  public static void add(float[] a, float[] b, float[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] = a[i] + b[i];
    }
  }

  /**
   * {@code y = a} followed by {@code b}: channel concatenation of two {@code [C, H, W]} samples.
   */
  public static void concat(float[] a, float[] b, float[] y) {
    System.arraycopy(a, 0, y, 0, a.length);
    System.arraycopy(b, 0, y, a.length, b.length);
  }

  /**
   * Global average pooling of a {@code [channels, plane]} sample: each channel's values summed in
   * float32 in index order (row by row), divided by {@code plane}; as {@code AvgPool2d} with the
   * whole plane as its window, bit for bit.
   */
  public static void globalAveragePool(float[] x, float[] y, int channels, int plane) {
    for (int c = 0; c < channels; c++) {
      float sum = 0.0f;
      for (int i = c * plane, end = i + plane; i < end; i++) {
        sum += x[i];
      }
      y[c] = sum / plane;
    }
  }

  /**
   * Softmax of a vector: {@code e[i] = (float) Math.exp(x[i] - max)}, summed in float32 in index
   * order, {@code y[i] = e[i] / sum}. NaN in gives NaN out; {@code +Infinity} gives NaN (as ONNX
   * Runtime), never a silent 0.
   */
  public static void softmax(float[] x, float[] y) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    float sum = 0.0f;
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) Math.exp(x[i] - max);
      sum += y[i];
    }
    for (int i = 0; i < x.length; i++) {
      y[i] /= sum;
    }
  }
}
