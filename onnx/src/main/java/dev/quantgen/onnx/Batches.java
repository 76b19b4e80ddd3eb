package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;

/** Checks a batch against a lowered model's per-sample input shape. */
final class Batches {
  private Batches() {}

  static void requireInput(LoweredModel model, Shape batch) {
    Shape expected = model.inputShape();
    boolean ok = batch.rank() == expected.rank() + 1;
    for (int i = 0; ok && i < expected.rank(); i++) {
      ok = batch.dim(i + 1) == expected.dim(i);
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "batch: shape " + batch + ", expected [N, " + expected.toString().substring(1));
    }
  }
}
