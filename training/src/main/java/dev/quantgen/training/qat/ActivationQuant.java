package dev.quantgen.training.qat;

import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.LayerPass;
import java.util.List;
import java.util.Objects;

/**
 * Int8 asymmetric fake quantization of the activations at one layer boundary, with the parameters
 * the integer kernels take ({@link ActivationParams#fromRange}).
 *
 * <p>The range follows the batches as a moving average (docs/numerics.md#7-calibration, {@code lo
 * += c * (batchLo - lo)}, {@code c = 0.01}), initialized by the first training batch, through which
 * the values pass unquantized. The shards report their minima and maxima and {@link #endStep}
 * combines them, so the range does not depend on threads. A fixed range never moves. With a
 * learnable scale (LSQ) the scale is a trained parameter, started from the range's scale once the
 * range is initialized, with the zero point kept from that moment; its gradient is scaled by {@code
 * 1 / sqrt(N * 127)} as in LSQ. Each value goes through an {@link ActivationFakeQuant}: the
 * runtime's {@link ActivationFakeQuant#INT8} unless a layer's generated operator is given.
 */
public final class ActivationQuant implements Layer {
  /** The moving-average factor of docs/numerics.md#7-calibration. */
  public static final float MOMENTUM = 0.01f;

  private static final int QMAX = 127;

  private final int size;
  private final boolean fixed;
  private final boolean learnable;
  private final ActivationFakeQuant op;
  private final float[] learnedScale = new float[1];
  private boolean initialized;
  private float lo;
  private float hi;
  private ActivationParams params;

  private ActivationQuant(int size, boolean fixed, boolean learnable, ActivationFakeQuant op) {
    if (size < 1) {
      throw new IllegalArgumentException("size is " + size + ": expected >= 1");
    }
    this.op = Objects.requireNonNull(op, "op");
    this.size = size;
    this.fixed = fixed;
    this.learnable = learnable;
  }

  /** Moving-average range from the training batches. */
  public static ActivationQuant movingAverage(int size) {
    return movingAverage(size, ActivationFakeQuant.INT8);
  }

  /** Moving-average range from the training batches, each value fake-quantized by {@code op}. */
  public static ActivationQuant movingAverage(int size, ActivationFakeQuant op) {
    return new ActivationQuant(size, false, false, op);
  }

  /** Moving-average range until initialized, then a learned (LSQ) scale. */
  public static ActivationQuant learnedScale(int size) {
    return learnedScale(size, ActivationFakeQuant.INT8);
  }

  /**
   * Moving-average range until initialized, then a learned (LSQ) scale; values through {@code op}.
   */
  public static ActivationQuant learnedScale(int size, ActivationFakeQuant op) {
    return new ActivationQuant(size, false, true, op);
  }

  /**
   * A range known in advance, such as [0, 1] for pixels.
   *
   * @throws IllegalArgumentException for bounds {@link ActivationParams#fromRange} rejects
   */
  public static ActivationQuant fixedRange(int size, float lo, float hi) {
    return fixedRange(size, lo, hi, ActivationFakeQuant.INT8);
  }

  /**
   * A range known in advance; values through {@code op}.
   *
   * @throws IllegalArgumentException for bounds {@link ActivationParams#fromRange} rejects
   */
  public static ActivationQuant fixedRange(int size, float lo, float hi, ActivationFakeQuant op) {
    ActivationQuant q = new ActivationQuant(size, true, false, op);
    q.setRange(lo, hi);
    return q;
  }

  /** The observed range {@code [lo, hi]} the parameters come from (before LSQ moves the scale). */
  public float[] range() {
    if (!initialized) {
      throw new IllegalStateException(
          "activation range not initialized: train at least one batch first");
    }
    return new float[] {lo, hi};
  }

  private void setRange(float newLo, float newHi) {
    params = ActivationParams.fromRange(newLo, newHi);
    lo = newLo;
    hi = newHi;
    initialized = true;
    learnedScale[0] = params.scale();
  }

  /** The scalar operator each value goes through. */
  public ActivationFakeQuant operator() {
    return op;
  }

  /** Whether the range is known (after the first training batch). */
  public boolean initialized() {
    return initialized;
  }

  /**
   * The int8 parameters the forward pass uses and the integer model must take.
   *
   * @throws IllegalStateException before the range is initialized
   */
  public ActivationParams params() {
    if (!initialized) {
      throw new IllegalStateException(
          "activation range not initialized: train at least one batch first");
    }
    return learnable ? new ActivationParams(learnedScale[0], params.zeroPoint()) : params;
  }

  @Override
  public int inputSize() {
    return size;
  }

  @Override
  public int outputSize() {
    return size;
  }

  @Override
  public List<float[]> parameters() {
    return learnable ? List.of(learnedScale) : List.of();
  }

  @Override
  public void endStep(List<LayerPass> passes) {
    if (fixed) {
      return;
    }
    float batchLo = Float.POSITIVE_INFINITY;
    float batchHi = Float.NEGATIVE_INFINITY;
    for (LayerPass p : passes) {
      Pass pass = (Pass) p;
      batchLo = Math.min(batchLo, pass.min);
      batchHi = Math.max(batchHi, pass.max);
    }
    if (!initialized) {
      setRange(batchLo, batchHi);
      return;
    }
    if (learnable) {
      learnedScale[0] = Math.max(learnedScale[0], Float.MIN_NORMAL); // a scale must stay positive
      return;
    }
    lo += MOMENTUM * (batchLo - lo);
    hi += MOMENTUM * (batchHi - hi);
    params = ActivationParams.fromRange(lo, hi);
  }

  @Override
  public LayerPass newPass(int maxRows) {
    return new Pass(maxRows);
  }

  private final class Pass implements LayerPass {
    private final float[] y;
    private final float[] dx;
    private final float[][] grads = learnable ? new float[][] {new float[1]} : new float[0][];
    private float[] x;
    private boolean quantized;
    float min;
    float max;

    Pass(int maxRows) {
      y = new float[maxRows * size];
      dx = new float[maxRows * size];
    }

    @Override
    public float[] forward(float[] input, int rows, boolean training) {
      x = input;
      int n = rows * size;
      if (training) {
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          mn = Math.min(mn, input[i]);
          mx = Math.max(mx, input[i]);
        }
        min = mn;
        max = mx;
      }
      quantized = initialized;
      if (!quantized) {
        System.arraycopy(input, 0, y, 0, n);
        return y;
      }
      ActivationParams p = params();
      float s = p.scale();
      int z = p.zeroPoint();
      for (int i = 0; i < n; i++) {
        y[i] = op.apply(input[i], s, z);
      }
      return y;
    }

    @Override
    public float[] backward(float[] dy, int rows, boolean inputGradient) {
      int n = rows * size;
      if (!quantized) {
        if (learnable) {
          grads[0][0] = 0f;
        }
        return inputGradient ? dy : null;
      }
      ActivationParams p = params();
      float s = p.scale();
      int z = p.zeroPoint();
      if (learnable) {
        double g = 0;
        for (int i = 0; i < n; i++) {
          g += dy[i] * op.scaleGradient(x[i], s, z);
        }
        grads[0][0] = (float) (g / Math.sqrt((double) size * QMAX));
      }
      if (!inputGradient) {
        return null;
      }
      for (int i = 0; i < n; i++) {
        dx[i] = op.passes(x[i], s, z) ? dy[i] : 0f;
      }
      return dx;
    }

    @Override
    public float[][] gradients() {
      return grads;
    }
  }
}
