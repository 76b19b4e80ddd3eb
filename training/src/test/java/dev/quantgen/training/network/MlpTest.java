package dev.quantgen.training.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpTest {
  @Test
  void heInitHasVarianceTwoOverFanInAndZeroBias() {
    Mlp m = Mlp.heInit(7, 400, 300, 10);
    float[] w = m.weight(0);
    double sumSq = 0;
    for (float v : w) {
      sumSq += v * v;
    }
    assertEquals(2.0 / 400, sumSq / w.length, 0.05 * 2.0 / 400, "120,000 samples: within 5%");
    assertArrayEquals(new float[300], m.bias(0));
    assertArrayEquals(Mlp.heInit(7, 400, 300, 10).weight(1), m.weight(1), "seeded");
  }

  @Test
  void forwardComputesReluLayersAndLinearLogits() {
    // y = W2 relu(W1 x + b1) + b2, by hand: relu([1 - 2, 3 + 0.5]) = [0, 3.5]; [2 * 0 - 1 * 3.5 +
    // 0.25]
    Mlp m =
        Mlp.of(
            new int[] {2, 2, 1},
            new float[][] {{1, -2, 3, 0}, {2, -1}},
            new float[][] {{0, 0.5f}, {0.25f}});
    assertArrayEquals(new float[] {-3.25f}, m.forward(new float[] {1, 1}));
  }

  @Test
  void batchEvaluationAgreesWithSingleForward() {
    Random r = new Random(3);
    int n = 300;
    float[] x = new float[n * 13];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] =
          r.nextFloat() < 0.4f
              ? 0f
              : (float) r.nextGaussian(); // zeros exercise the skipping kernels
    }
    Mlp m = Mlp.heInit(4, 13, 17, 5);
    Dataset probe = Dataset.of(x, 13, y, 5);
    for (int i = 0; i < n; i++) {
      y[i] = m.predict(probe.input(i));
    }
    Dataset labelled = Dataset.of(x, 13, y, 5);
    assertEquals(1.0, Evaluation.accuracy(m, labelled, 1));
    assertEquals(1.0, Evaluation.accuracy(m, labelled, 3));
  }

  @Test
  void namedTensorsUsePytorchNamesAndLayout() {
    Mlp m = Mlp.heInit(1, 784, 256, 128, 10);
    assertEquals(
        List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias"),
        List.copyOf(m.namedTensors().keySet()));
    assertEquals(Shape.of(256, 784), m.namedTensors().get("fc1.weight").shape());
    assertEquals(
        m.weight(0)[784], m.namedTensors().get("fc1.weight").get(784), "row 1 starts at 784");
  }

  @Test
  void badParametersAreNamed() {
    assertEquals(
        "weights[0] length 5: expected 2 x 3 = 6",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    Mlp.of(
                        new int[] {3, 2},
                        new float[][] {new float[5]},
                        new float[][] {new float[2]}))
            .getMessage());
    assertEquals(
        "sizes[1] is 0: expected > 0",
        assertThrows(IllegalArgumentException.class, () -> Mlp.heInit(1, 3, 0)).getMessage());
    assertEquals(
        "input length 2: expected 3",
        assertThrows(
                IllegalArgumentException.class, () -> Mlp.heInit(1, 3, 2).forward(new float[2]))
            .getMessage());
  }
}
