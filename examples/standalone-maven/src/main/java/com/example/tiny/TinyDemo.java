package com.example.tiny;

import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseWeights;
import java.util.Arrays;

/** Runs the generated int8 kernel of {@link Tiny} once. */
public final class TinyDemo {
  private TinyDemo() {}

  public static void main(String[] args) {
    float[] w = {
      0.5f, -0.25f, 0.125f, 1f,
      -1f, 0.75f, 0.5f, -0.5f,
      0.25f, 0.25f, -0.75f, 0.5f};
    float[] b = {0.1f, 0f, -0.1f};
    DenseWeights weights = DenseWeights.of(4, 3, w, b);
    // Boundary parameters as calibration would choose them for inputs in [-1, 1] and outputs in [0, 2].
    Tiny_Int8 layer = Tiny_Int8.prepare(weights, ActivationParams.fromRange(-1f, 1f),
        ActivationParams.fromRange(0f, 2f));
    float[] y = new float[Tiny_Int8.OUT];
    layer.forward(new float[] {1f, 0.5f, -0.5f, 0.25f}, y);
    System.out.println("Tiny_Int8: " + Arrays.toString(y));
  }
}
