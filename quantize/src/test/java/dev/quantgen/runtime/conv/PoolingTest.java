package dev.quantgen.runtime.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RangeQuantizer;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PoolingTest {
  private static final FloatTensor FOUR_BY_FOUR =
      FloatTensor.of(Shape.of(1, 1, 4, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

  @Test
  void maxPoolTakesTheLargestOfEachWindow() {
    assertEquals(
        FloatTensor.of(Shape.of(1, 1, 2, 2), 6, 8, 14, 16),
        new MaxPool2d(Window2d.of(2, 2).withStrides(2, 2)).apply(FOUR_BY_FOUR));
  }

  @Test
  void maxPoolDropsAPartialWindowAtTheEnd() {
    // mnist-8's second pool: 3x3 stride 3 on 14x14 gives 4x4, the last two rows and columns unread
    assertEquals(
        Shape.of(1, 16, 4, 4),
        new MaxPool2d(Window2d.of(3, 3).withStrides(3, 3)).outputShape(Shape.of(1, 16, 14, 14)));
  }

  @Test
  void paddedCellsNeverWinAMaxPool() {
    FloatTensor negative = FloatTensor.of(Shape.of(1, 1, 1, 2), -3, -5);
    FloatTensor y = new MaxPool2d(Window2d.of(1, 2).withPads(0, 1, 0, 1)).apply(negative);
    assertEquals(FloatTensor.of(Shape.of(1, 1, 1, 3), -3, -3, -5), y);
  }

  @Test
  void maxPoolPropagatesNaN() {
    FloatTensor x = FloatTensor.of(Shape.of(1, 1, 1, 2), 1, Float.NaN);
    assertTrue(Float.isNaN(new MaxPool2d(Window2d.of(1, 2)).apply(x).get(0)));
  }

  /** Quantization is monotone, so pooling the int8 values equals quantizing the pooled floats. */
  @Test
  void int8MaxPoolCommutesWithQuantization() {
    Random r = new Random(7);
    for (int t = 0; t < 100; t++) {
      Window2d window = ConvTesting.randomWindow(r);
      if (window.padTop() >= window.kernelHeight()
          || window.padBottom() >= window.kernelHeight()
          || window.padLeft() >= window.kernelWidth()
          || window.padRight() >= window.kernelWidth()) {
        continue; // a window of only padding is undefined in ONNX
      }
      int h = window.dilationHeight() * (window.kernelHeight() - 1) + 1 + r.nextInt(5);
      int w = window.dilationWidth() * (window.kernelWidth() - 1) + 1 + r.nextInt(5);
      FloatTensor x = ConvTesting.gaussian(r, Shape.of(2, 3, h, w), 2.0);
      QuantParams p = RangeQuantizer.asymmetric(-3f, 5f, QuantType.INT8);
      MaxPool2d pool = new MaxPool2d(window);
      IntTensor pooledThenQuantized = p.quantize(pool.apply(x));
      IntTensor quantizedThenPooled = pool.apply(p.quantize(x));
      assertEquals(pooledThenQuantized, quantizedThenPooled, window::toString);
    }
  }

  @Test
  void avgPoolDividesByTheRealCellsByDefault() {
    // 2x2 input, 2x2 window, pad 1 at the end: the last window covers one real cell
    FloatTensor x = FloatTensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
    Window2d window = Window2d.of(2, 2).withStrides(2, 2).withPads(0, 0, 1, 1);
    AvgPool2d pool = new AvgPool2d(Window2d.of(2, 2).withStrides(1, 1).withPads(0, 0, 1, 1), false);
    assertEquals(FloatTensor.of(Shape.of(1, 1, 2, 2), 2.5f, 3f, 3.5f, 4f), pool.apply(x));
    assertEquals(FloatTensor.of(Shape.of(1, 1, 1, 1), 2.5f), new AvgPool2d(window, false).apply(x));
  }

  @Test
  void avgPoolCountingPaddingDividesByTheKernelSize() {
    FloatTensor x = FloatTensor.of(Shape.of(1, 1, 2, 2), 1, 2, 3, 4);
    AvgPool2d pool = new AvgPool2d(Window2d.of(2, 2).withPads(0, 0, 1, 1), true);
    assertEquals(FloatTensor.of(Shape.of(1, 1, 2, 2), 2.5f, 1.5f, 1.75f, 1f), pool.apply(x));
  }

  @Test
  void poolingRejectsAnInputThatIsNotNchw() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MaxPool2d(Window2d.of(2, 2)).apply(FloatTensor.of(Shape.of(2, 2), 1, 2, 3, 4)));
    assertEquals("x: shape [2, 2] has rank 2, expected [N, C, H, W]", e.getMessage());
  }

  @Test
  void aWindowOfOnlyPaddingIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new MaxPool2d(Window2d.of(1, 1).withPads(1, 0, 0, 0))
                    .apply(FloatTensor.of(Shape.of(1, 1, 1, 1), 1)));
    assertTrue(e.getMessage().contains("covers only padding"), e.getMessage());
  }

  @Test
  void flattenKeepsTheBatchAndRowMajorOrder() {
    FloatTensor y = Flatten.apply(FOUR_BY_FOUR);
    assertEquals(Shape.of(1, 16), y.shape());
    assertEquals(16f, y.get(15));
    assertEquals(Shape.of(3, 60), Flatten.outputShape(Shape.of(3, 4, 5, 3)));
  }

  @Test
  void flattenRejectsARankOneTensor() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Flatten.outputShape(Shape.of(5)));
    assertEquals("x: shape [5] has rank 1, expected [N, ...] with rank >= 2", e.getMessage());
  }
}
