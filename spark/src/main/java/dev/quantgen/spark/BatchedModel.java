package dev.quantgen.spark;

import dev.quantgen.runtime.layer.DenseChain;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.QuantizedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * An executor's model: its {@link InferenceSession} and the batched forward of the same kernels
 * ({@link DenseChain#forwardBatch}: each layer runs the whole batch at once, reusing every weight
 * across the rows, and consecutive static layers pass the batch as int8), whose every output equals
 * the session's for that row alone. Immutable and thread-safe; its buffers are per thread.
 */
record BatchedModel(InferenceSession session, DenseChain chain) {
  static BatchedModel of(QuantizedModel model) {
    List<DenseLayer> kernels = new ArrayList<>(model.size());
    for (int k = 0; k < model.size(); k++) {
      kernels.add(model.kernel(k));
    }
    return new BatchedModel(new InferenceSession(model, 1), new DenseChain(kernels));
  }

  int inputSize() {
    return session.inputSize();
  }

  int outputSize() {
    return session.outputSize();
  }

  /** Runs {@code batch} row-major inputs of {@code x} into {@code y}, in one batched call. */
  void run(float[] x, int batch, float[] y) {
    chain.forwardBatch(x, y, batch);
  }
}
