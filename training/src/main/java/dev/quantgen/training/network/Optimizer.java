package dev.quantgen.training.network;

/**
 * Updates parameters from their gradients, one parameter array at a time. Implementations keep
 * per-parameter state (momentum, moments) keyed by the array's slot, allocated on first use.
 */
public interface Optimizer {
  /** Called once before the updates of each step (step counts from 1). */
  void beginStep(int step, float learningRate);

  /**
   * Updates {@code params} in place from {@code grads}; {@code slot} identifies the parameter array
   * (the same array always gets the same slot).
   */
  void update(int slot, float[] params, float[] grads);

  /** The configured base learning rate. */
  float learningRate();

  /** Adam with the usual defaults {@code beta1 = 0.9, beta2 = 0.999, eps = 1e-8}. */
  static Optimizer adam(float learningRate) {
    return new Adam(learningRate, 0.9f, 0.999f, 1e-8f);
  }

  /** Stochastic gradient descent with (heavy-ball) momentum. */
  static Optimizer sgd(float learningRate, float momentum) {
    return new SgdMomentum(learningRate, momentum);
  }
}
