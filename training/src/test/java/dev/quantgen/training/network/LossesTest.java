package dev.quantgen.training.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LossesTest {
  @Test
  void uniformLogitsGiveLogOfTheClassCount() {
    float[] p = new float[4];
    assertEquals(
        Math.log(4), Losses.softmaxCrossEntropy(new float[] {2, 2, 2, 2}, 0, 4, 1, p), 1e-12);
    assertEquals(0.25f, p[3]);
  }

  @Test
  void hugeLogitsNeitherOverflowNorLosePrecision() {
    float[] p = new float[2];
    assertEquals(0.0, Losses.softmaxCrossEntropy(new float[] {1000, 0}, 0, 2, 0, p), 1e-12);
    assertEquals(
        1000.0,
        Losses.softmaxCrossEntropy(new float[] {1000, 0}, 0, 2, 1, p),
        1e-9,
        "-log p of a probability that underflows float is still finite and exact");
    assertEquals(0f, p[1]);
  }

  @Test
  void readsAtTheOffset() {
    float[] p = new float[2];
    assertEquals(
        Math.log(1 + Math.exp(-1)),
        Losses.softmaxCrossEntropy(new float[] {9, 9, 1, 0}, 2, 2, 0, p),
        1e-7);
  }
}
