package dev.quantgen.training.network;

import java.util.List;

/**
 * One layer of a {@link Network}: a function of a flat row of {@link #inputSize()} floats per
 * sample, with parameters the optimizer updates in place.
 *
 * <p>The {@link NetworkTrainer} calls {@link #beginStep} on its own thread before every step (and
 * {@link Network} before every evaluation), so a layer can derive once what all shards read, such
 * as transposed or fake-quantized weights; then each shard runs forward and backward on its own
 * {@link LayerPass}; then {@link #endStep} sees the passes in shard order, so statistics gathered
 * by the shards (activation ranges) are combined in a fixed order and a run stays reproducible.
 */
public interface Layer {
  /** Floats per sample in. */
  int inputSize();

  /** Floats per sample out. */
  int outputSize();

  /** The live parameter arrays (updated in place), e.g. weight then bias; empty for none. */
  List<float[]> parameters();

  /**
   * Derives what the passes share from the current parameters; {@code training} is false for
   * evaluation.
   */
  default void beginStep(boolean training) {}

  /** A pass with buffers for up to {@code maxRows} samples, owned by one thread at a time. */
  LayerPass newPass(int maxRows);

  /** After the passes of a training step, in shard order (only those that ran). */
  default void endStep(List<LayerPass> passes) {}
}
