package dev.quantgen.training.network;

import dev.quantgen.quantize.data.Dataset;

/**
 * One shard of a minibatch: its forward pass, softmax cross-entropy loss and backward pass, with
 * its own activation buffers and gradient accumulators, so shards run on different threads without
 * sharing anything writable. Buffers are sized once for the largest shard and reused every step.
 */
final class ShardPass {
  private final int[] sizes;
  private final float[][]
      activations; // [0] = the inputs, [l] = output of layer l (logits for the last)
  private final float[][] deltas; // gradient of the loss with respect to layer l's pre-activation
  final float[][] weightGrads;
  final float[][] biasGrads;
  private final float[] probabilities;
  double lossSum;
  int correct;

  ShardPass(int[] sizes, int maxRows) {
    this.sizes = sizes;
    int layers = sizes.length - 1;
    activations = new float[layers + 1][];
    for (int l = 0; l <= layers; l++) {
      activations[l] = new float[maxRows * sizes[l]];
    }
    deltas = new float[layers][];
    weightGrads = new float[layers][];
    biasGrads = new float[layers][];
    for (int l = 0; l < layers; l++) {
      deltas[l] = new float[maxRows * sizes[l + 1]];
      weightGrads[l] = new float[sizes[l + 1] * sizes[l]];
      biasGrads[l] = new float[sizes[l + 1]];
    }
    probabilities = new float[sizes[layers]];
  }

  /**
   * Loads samples {@code batch[from..to)} of {@code data}, runs forward and backward, and leaves in
   * {@link #weightGrads}/{@link #biasGrads} this shard's part of the gradient of the MEAN loss over
   * a minibatch of {@code batchSize} samples (so the shards' parts add up to the minibatch
   * gradient).
   *
   * @param weightsT the transposed weights {@code [in][out]}, shared read-only by all shards
   */
  void run(
      Mlp model, float[][] weightsT, Dataset data, int[] batch, int from, int to, int batchSize) {
    int rows = to - from;
    for (int r = 0; r < rows; r++) {
      data.copyInput(batch[from + r], activations[0], r * sizes[0]);
    }
    int layers = sizes.length - 1;
    forward(model, weightsT, rows);
    lossSum = 0;
    correct = 0;
    float[] logits = activations[layers];
    float[] delta = deltas[layers - 1];
    int classes = sizes[layers];
    float invBatch =
        1f / batchSize; // the mean's 1/N (training arithmetic, not a quantization step)
    for (int r = 0; r < rows; r++) {
      int label = data.label(batch[from + r]);
      int off = r * classes;
      lossSum += Losses.softmaxCrossEntropy(logits, off, classes, label, probabilities);
      if (TrainingLoops.argmax(logits, off, classes) == label) {
        correct++;
      }
      for (int c = 0; c < classes; c++) {
        delta[off + c] = (probabilities[c] - (c == label ? 1f : 0f)) * invBatch;
      }
    }
    for (int l = layers - 1; l >= 0; l--) {
      java.util.Arrays.fill(weightGrads[l], 0f);
      java.util.Arrays.fill(biasGrads[l], 0f);
      TrainingLoops.weightGradient(
          deltas[l], activations[l], rows, sizes[l], sizes[l + 1], weightGrads[l], biasGrads[l]);
      if (l > 0) { // the input layer needs no gradient with respect to the data
        TrainingLoops.inputGradient(
            deltas[l],
            model.weights[l],
            activations[l],
            rows,
            sizes[l],
            sizes[l + 1],
            deltas[l - 1]);
      }
    }
  }

  /**
   * The forward pass of the first {@code rows} loaded samples; logits end up in the last activation
   * buffer.
   */
  void forward(Mlp model, float[][] weightsT, int rows) {
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      TrainingLoops.forward(
          activations[l],
          rows,
          sizes[l],
          weightsT[l],
          model.biases[l],
          sizes[l + 1],
          activations[l + 1]);
      if (l < layers - 1) {
        TrainingLoops.relu(activations[l + 1], 0, rows * sizes[l + 1]);
      }
    }
  }

  /**
   * Loads samples {@code [from, to)} of {@code data} in order, runs forward and counts correct
   * predictions.
   */
  int countCorrect(Mlp model, float[][] weightsT, Dataset data, int from, int to) {
    int rows = to - from;
    for (int r = 0; r < rows; r++) {
      data.copyInput(from + r, activations[0], r * sizes[0]);
    }
    forward(model, weightsT, rows);
    int classes = sizes[sizes.length - 1];
    float[] logits = activations[sizes.length - 1];
    int n = 0;
    for (int r = 0; r < rows; r++) {
      if (TrainingLoops.argmax(logits, r * classes, classes) == data.label(from + r)) {
        n++;
      }
    }
    return n;
  }
}
