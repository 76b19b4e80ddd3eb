package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class DenseChainTest {
  @Test
  void requantizingBetweenDifferentParamsMatchesFixedPointScaling() {
    byte[] q = {-128, 0, 10, 127};
    DenseChain.requantize(q, new ActivationParams(0.5f, 0), new ActivationParams(1f, 3));
    // q' = 3 + round((q - 0) * 0.5), ties away from zero (gemmlowp): -64, 0, 5, 64 (63.5 -> 64).
    assertArrayEquals(new byte[] {-61, 3, 8, 67}, q);
  }

  @Test
  void equalParamsPassBytesUnchanged() {
    byte[] q = {-128, 5, 127};
    DenseChain.requantize(q, new ActivationParams(0.25f, 1), new ActivationParams(0.25f, 1));
    assertArrayEquals(new byte[] {-128, 5, 127}, q);
  }

  @Test
  void mismatchedLayerSizesAreRejected() {
    DenseLayer a = layer(3, 4);
    DenseLayer b = layer(5, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DenseChain(List.of(a, b)));
    assertEquals("layers[1]: expected input size 4 (the output of layers[0]), got 5", e.getMessage());
  }

  private static DenseLayer layer(int in, int out) {
    return new DenseLayer() {
      @Override
      public int inputSize() {
        return in;
      }

      @Override
      public int outputSize() {
        return out;
      }

      @Override
      public void forward(float[] x, float[] y) {}
    };
  }
}
