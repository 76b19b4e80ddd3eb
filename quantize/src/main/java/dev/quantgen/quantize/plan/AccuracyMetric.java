package dev.quantgen.quantize.plan;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.QuantizedModel;

/** The figure of merit of a quantized model: its accuracy, a fraction in [0, 1]. */
@FunctionalInterface
public interface AccuracyMetric {
  /** The accuracy of {@code model}. */
  double accuracy(QuantizedModel model);

  /**
   * Top-1 accuracy on every sample of {@code data}, classified on {@code threads} threads (the
   * result does not depend on the thread count).
   *
   * @throws IllegalArgumentException if {@code data} is empty or {@code threads < 1}
   */
  static AccuracyMetric topOne(Dataset data, int threads) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("data: expected at least one sample, got 0");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
    }
    int n = data.size();
    float[] inputs = new float[n * data.inputSize()];
    for (int i = 0; i < n; i++) {
      data.copyInput(i, inputs, i * data.inputSize());
    }
    return model -> {
      int[] predicted = new int[n];
      new InferenceSession(model, threads).classify(inputs, n, predicted);
      int correct = 0;
      for (int i = 0; i < n; i++) {
        correct += predicted[i] == data.label(i) ? 1 : 0;
      }
      return (double) correct / n;
    };
  }
}
