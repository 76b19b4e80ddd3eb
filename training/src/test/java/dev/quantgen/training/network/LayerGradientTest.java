package dev.quantgen.training.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each layer's backward pass against central differences of {@code L = sum c * y} for a random
 * {@code c} (so {@code dL/dy = c}). Convolution and dense layers are linear in each parameter and
 * input, so the differences are exact up to float rounding; a transposed index, a wrong padding
 * offset or a missing bias term is off by far more than the tolerance.
 */
class LayerGradientTest {
  private static final int ROWS = 3;

  private static float[] random(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static double loss(Layer layer, float[] x, float[] c) {
    layer.beginStep(false);
    float[] y = layer.newPass(ROWS).forward(x, ROWS, false);
    double sum = 0;
    for (int i = 0; i < ROWS * layer.outputSize(); i++) {
      sum += (double) c[i] * y[i];
    }
    return sum;
  }

  private static void check(Layer layer, long seed) {
    check(layer, seed, 1e-2f);
  }

  /** {@code h}: small enough for pooling not to cross a kink between two close inputs. */
  private static void check(Layer layer, long seed, float h) {
    Random random = new Random(seed);
    float[] x = random(random, ROWS * layer.inputSize());
    float[] c = random(random, ROWS * layer.outputSize());
    layer.beginStep(true);
    LayerPass pass = layer.newPass(ROWS);
    pass.forward(x, ROWS, true);
    float[] dx = pass.backward(c, ROWS, true).clone();
    for (int i = 0; i < x.length; i += 7) {
      float keep = x[i];
      x[i] = keep + h;
      double up = loss(layer, x, c);
      x[i] = keep - h;
      double down = loss(layer, x, c);
      x[i] = keep;
      assertEquals((up - down) / (2 * h), dx[i], 2e-3, "d/dx[" + i + "]");
    }
    List<float[]> params = layer.parameters();
    for (int p = 0; p < params.size(); p++) {
      float[] param = params.get(p);
      float[] grad = pass.gradients()[p];
      for (int i = 0; i < param.length; i += 5) {
        float keep = param[i];
        param[i] = keep + h;
        double up = loss(layer, x, c);
        param[i] = keep - h;
        double down = loss(layer, x, c);
        param[i] = keep;
        assertEquals((up - down) / (2 * h), grad[i], 2e-3, "parameter " + p + " [" + i + "]");
      }
    }
  }

  @Test
  void linearGradientsMatchFiniteDifferences() {
    check(Linear.heInit("fc", 7, 5, new Random(1)), 11);
  }

  @Test
  void convolutionWithPaddingGradientsMatchFiniteDifferences() {
    Convolution conv = Convolution.heInit("conv", 2, 5, 6, 3, 3, 1, new Random(2));
    conv.parameters().get(1)[1] = 0.25f; // a non-zero bias
    assertEquals(3 * 5 * 6, conv.outputSize());
    check(conv, 12);
  }

  @Test
  void convolutionWithoutPaddingShrinksTheOutput() {
    Convolution conv = Convolution.heInit("conv", 1, 6, 5, 2, 3, 0, new Random(3));
    assertEquals(4, conv.outHeight());
    assertEquals(3, conv.outWidth());
    check(conv, 13);
  }

  @Test
  void maxPoolingRoutesTheGradientToTheMaximumAndDropsThePartialEdge() {
    // 5 x 5 with 2 x 2 windows: the fifth row and column belong to no window.
    MaxPooling pool = new MaxPooling(2, 5, 5, 2);
    assertEquals(2 * 2 * 2, pool.outputSize());
    check(pool, 14, 1e-5f);
    LayerPass pass = pool.newPass(1);
    float[] x = new float[50];
    x[4] = 9f; // column 4 is outside every window
    x[6] = 3f; // row 1, column 1: window (0, 0)
    float[] y = pass.forward(x, 1, true);
    assertEquals(3f, y[0]);
    float[] dx = pass.backward(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, true);
    assertEquals(1f, dx[6]);
    assertEquals(0f, dx[4]);
  }

  @Test
  void depthwiseConvolutionWithPaddingGradientsMatchFiniteDifferences() {
    DepthwiseConvolution dw = DepthwiseConvolution.heInit("dw", 3, 5, 4, 3, 1, new Random(4));
    dw.parameters().get(1)[2] = -0.5f; // a non-zero bias
    assertEquals(3 * 5 * 4, dw.outputSize());
    check(dw, 15);
  }

  @Test
  void depthwiseConvolutionKeepsEachChannelApart() {
    // channel 1's filter is zero, so channel 1's output is its bias whatever channel 0 holds
    DepthwiseConvolution dw = DepthwiseConvolution.heInit("dw", 2, 3, 3, 3, 0, new Random(5));
    java.util.Arrays.fill(dw.parameters().get(0), 9, 18, 0f);
    dw.parameters().get(1)[1] = 0.75f;
    float[] x = random(new Random(6), 18);
    float[] y = dw.newPass(1).forward(x, 1, false);
    assertEquals(0.75f, y[1]);
    double expected = 0;
    for (int i = 0; i < 9; i++) {
      expected += (double) dw.parameters().get(0)[i] * x[i];
    }
    assertEquals(expected, y[0], 1e-5);
  }

  @Test
  void globalAveragePoolingSpreadsTheGradientEvenly() {
    GlobalAveragePooling gap = new GlobalAveragePooling(3, 2, 5);
    assertEquals(3, gap.outputSize());
    check(gap, 16);
    LayerPass pass = gap.newPass(1);
    float[] x = new float[30];
    for (int i = 10; i < 20; i++) {
      x[i] = i;
    }
    assertEquals(14.5f, pass.forward(x, 1, true)[1]);
    float[] dx = pass.backward(new float[] {0f, 10f, 0f}, 1, true);
    assertEquals(1f, dx[10]);
    assertEquals(0f, dx[9]);
  }

  @Test
  void residualBlockAddsTheSkipGradient() {
    Random random = new Random(7);
    Convolution pointwise = Convolution.heInit("pw", 2, 4, 3, 2, 1, 0, random);
    pointwise.parameters().get(1)[0] = 0.3f;
    Residual block =
        Residual.of(
            List.of(
                DepthwiseConvolution.heInit("dw", 2, 4, 3, 3, 1, random),
                new Relu(2 * 4 * 3),
                pointwise));
    assertEquals(4, block.parameters().size());
    check(block, 17, 1e-3f);
    // an all-zero branch leaves the identity: y = x and dx = dy
    for (float[] p : block.parameters()) {
      java.util.Arrays.fill(p, 0f);
    }
    block.beginStep(true);
    LayerPass pass = block.newPass(1);
    float[] x = random(random, 24);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        x, java.util.Arrays.copyOf(pass.forward(x, 1, true), 24));
    float[] dy = random(random, 24);
    org.junit.jupiter.api.Assertions.assertArrayEquals(
        dy, java.util.Arrays.copyOf(pass.backward(dy, 1, true), 24));
  }

  @Test
  void residualBranchMustKeepTheSize() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> Residual.of(List.of(Linear.heInit("fc", 4, 3, new Random(1)))));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("maps 4 values to 3"), e.getMessage());
  }

  @Test
  void reluPassesTheGradientOnlyWhereTheOutputIsPositive() {
    Relu relu = new Relu(3);
    LayerPass pass = relu.newPass(1);
    pass.forward(new float[] {-1f, 0f, 2f}, 1, true);
    float[] dx = pass.backward(new float[] {5f, 6f, 7f}, 1, true);
    assertEquals(0f, dx[0]);
    assertEquals(0f, dx[1]);
    assertEquals(7f, dx[2]);
    assertNull(pass.backward(new float[] {5f, 6f, 7f}, 1, false));
  }

  @Test
  void badSizesAreRejectedWithTheirValues() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> Convolution.heInit("conv1", 1, 4, 4, 2, 7, 1, new Random(1)));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("kernel 7"), e.getMessage());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> Linear.of("fc9", 3, 2, new float[5], new float[2]));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("fc9.weight: length 5"), e.getMessage());
    e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Network.of(List.of(new Relu(3), new Relu(4))));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("input size 4, expected 3"), e.getMessage());
  }
}
