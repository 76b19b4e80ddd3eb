package dev.quantgen.training.network;

import java.util.ArrayList;
import java.util.List;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, as in PyTorch's {@code torch.optim.Adam}: {@code
 * m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2}, {@code p -= lr * (m / (1 - b1^t)) /
 * (sqrt(v / (1 - b2^t)) + eps)}.
 */
final class Adam implements Optimizer {
  private final float learningRate;
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final List<float[]> m = new ArrayList<>();
  private final List<float[]> v = new ArrayList<>();
  private float stepRate;
  private float correction1;
  private float correction2;

  Adam(float learningRate, float beta1, float beta2, float eps) {
    if (!(learningRate > 0)
        || !(beta1 >= 0 && beta1 < 1)
        || !(beta2 >= 0 && beta2 < 1)
        || !(eps > 0)) {
      throw new IllegalArgumentException(
          "Adam(learningRate="
              + learningRate
              + ", beta1="
              + beta1
              + ", beta2="
              + beta2
              + ", eps="
              + eps
              + "): expected learningRate > 0, 0 <= beta < 1, eps > 0");
    }
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void beginStep(int step, float rate) {
    stepRate = rate;
    correction1 = (float) (1 - StrictMath.pow(beta1, step));
    correction2 = (float) (1 - StrictMath.pow(beta2, step));
  }

  @Override
  public void update(int slot, float[] params, float[] grads) {
    while (m.size() <= slot) {
      m.add(null);
      v.add(null);
    }
    if (m.get(slot) == null) {
      m.set(slot, new float[params.length]);
      v.set(slot, new float[params.length]);
    }
    float[] ms = m.get(slot);
    float[] vs = v.get(slot);
    float a1 = 1 - beta1;
    float a2 = 1 - beta2;
    for (int i = 0; i < params.length; i++) {
      float g = grads[i];
      ms[i] = beta1 * ms[i] + a1 * g;
      vs[i] = beta2 * vs[i] + a2 * g * g;
      float mHat = ms[i] / correction1;
      float vHat = vs[i] / correction2;
      params[i] -= stepRate * mHat / ((float) Math.sqrt(vHat) + eps);
    }
  }
}
