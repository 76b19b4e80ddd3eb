package dev.quantgen.training.network;

import java.util.ArrayList;
import java.util.List;

/**
 * SGD with momentum as in PyTorch's {@code torch.optim.SGD}: {@code v = mu v + g}, {@code p -= lr
 * v}.
 */
final class SgdMomentum implements Optimizer {
  private final float learningRate;
  private final float momentum;
  private final List<float[]> velocity = new ArrayList<>();
  private float stepRate;

  SgdMomentum(float learningRate, float momentum) {
    if (!(learningRate > 0) || !(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException(
          "SGD(learningRate="
              + learningRate
              + ", momentum="
              + momentum
              + "): expected learningRate > 0 and 0 <= momentum < 1");
    }
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  @Override
  public float learningRate() {
    return learningRate;
  }

  @Override
  public void beginStep(int step, float rate) {
    stepRate = rate;
  }

  @Override
  public void update(int slot, float[] params, float[] grads) {
    while (velocity.size() <= slot) {
      velocity.add(null);
    }
    if (velocity.get(slot) == null) {
      velocity.set(slot, new float[params.length]);
    }
    float[] vs = velocity.get(slot);
    for (int i = 0; i < params.length; i++) {
      vs[i] = momentum * vs[i] + grads[i];
      params[i] -= stepRate * vs[i];
    }
  }
}
