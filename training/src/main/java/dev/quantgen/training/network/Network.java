package dev.quantgen.training.network;

import dev.quantgen.quantize.data.Dataset;
import java.util.ArrayList;
import java.util.List;

/**
 * A feed-forward chain of {@link Layer}s ending in logits, trained by a {@link NetworkTrainer}. Its
 * layers are mutable (their parameters are trained in place); the list is fixed.
 */
public final class Network {
  private static final int CHUNK = 128;
  private final List<Layer> layers;

  private Network(List<Layer> layers) {
    this.layers = layers;
  }

  /**
   * @throws IllegalArgumentException if there is no layer or a layer's input size differs from the
   *     previous layer's output size
   */
  public static Network of(List<? extends Layer> layers) {
    List<Layer> copy = List.copyOf(layers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("layers: expected at least one layer, got none");
    }
    for (int k = 1; k < copy.size(); k++) {
      if (copy.get(k).inputSize() != copy.get(k - 1).outputSize()) {
        throw new IllegalArgumentException(
            "layers["
                + k
                + "] ("
                + copy.get(k).getClass().getSimpleName()
                + "): input size "
                + copy.get(k).inputSize()
                + ", expected "
                + copy.get(k - 1).outputSize()
                + " (the output of layers["
                + (k - 1)
                + "])");
      }
    }
    return new Network(copy);
  }

  public List<Layer> layers() {
    return layers;
  }

  public int inputSize() {
    return layers.get(0).inputSize();
  }

  public int outputSize() {
    return layers.get(layers.size() - 1).outputSize();
  }

  /**
   * The predicted class (largest logit, first on a tie) of every sample of {@code data} in
   * evaluation mode, on up to {@code threads} threads; the result does not depend on the thread
   * count.
   */
  public int[] predict(Dataset data, int threads) {
    if (data.inputSize() != inputSize()) {
      throw new IllegalArgumentException(
          "data with " + data.inputSize() + " inputs: expected " + inputSize());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads is " + threads + ": expected >= 1");
    }
    for (Layer layer : layers) {
      layer.beginStep(false);
    }
    int chunks = (data.size() + CHUNK - 1) / CHUNK;
    int used = Math.max(1, Math.min(threads, chunks));
    int[] predictions = new int[data.size()];
    try (ShardRunner runner = new ShardRunner(used)) {
      runner.run(
          used,
          t -> {
            List<LayerPass> passes = newPasses(CHUNK);
            float[] x = new float[CHUNK * inputSize()];
            int classes = outputSize();
            for (int c = t; c < chunks; c += used) {
              int from = c * CHUNK;
              int rows = Math.min(CHUNK, data.size() - from);
              for (int r = 0; r < rows; r++) {
                data.copyInput(from + r, x, r * inputSize());
              }
              float[] logits = forward(passes, x, rows, false);
              for (int r = 0; r < rows; r++) {
                predictions[from + r] = TrainingLoops.argmax(logits, r * classes, classes);
              }
            }
          });
    }
    return predictions;
  }

  /**
   * The network's outputs (logits) for {@code rows} samples {@code x [rows][inputSize]} in
   * evaluation mode, on the calling thread: {@code [rows][outputSize]}.
   */
  public float[] outputs(float[] x, int rows) {
    if (rows < 1 || x.length != rows * inputSize()) {
      throw new IllegalArgumentException(
          "x has "
              + x.length
              + " values for "
              + rows
              + " rows: expected rows >= 1 and "
              + rows
              + " x "
              + inputSize());
    }
    for (Layer layer : layers) {
      layer.beginStep(false);
    }
    return forward(newPasses(rows), x, rows, false).clone();
  }

  /** The fraction of samples whose {@link #predict predicted} class equals the label. */
  public double accuracy(Dataset data, int threads) {
    if (data.size() == 0) {
      throw new IllegalArgumentException("data is empty: expected at least one sample");
    }
    int[] p = predict(data, threads);
    int correct = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == data.label(i)) {
        correct++;
      }
    }
    return (double) correct / p.length;
  }

  List<LayerPass> newPasses(int maxRows) {
    List<LayerPass> passes = new ArrayList<>(layers.size());
    for (Layer layer : layers) {
      passes.add(layer.newPass(maxRows));
    }
    return passes;
  }

  static float[] forward(List<LayerPass> passes, float[] x, int rows, boolean training) {
    float[] a = x;
    for (LayerPass pass : passes) {
      a = pass.forward(a, rows, training);
    }
    return a;
  }
}
