package dev.quantgen.quantize.reference;

import static dev.quantgen.quantize.reference.MatMulIntegerTest.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.FloatType;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QLinearConvTest {
  private static FloatTensor f32(float... v) {
    return FloatTensor.of(Shape.of(v.length), v);
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void biasIsAddedBeforeRequantizingPerChannelAndTiesGoToEven() {
    // 1x1 kernel, two output channels: acc[m] = 2 * x + bias[m]; M = [0.5, 0.25].
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 1, 3}, 0, 1, 3);
    IntTensor w = t(QuantType.INT8, new int[] {2, 1, 1, 1}, 2, 2);
    IntTensor bias = t(QuantType.INT32, new int[] {2}, 1, 2);
    IntTensor y =
        QLinearConv.apply(
            x,
            FloatTensor.scalar(1f),
            IntTensor.scalar(QuantType.UINT8, 0),
            w,
            f32(0.5f, 0.25f),
            t(QuantType.INT8, new int[] {2}, 0, 0),
            FloatTensor.scalar(1f),
            IntTensor.scalar(QuantType.INT8, 3),
            bias,
            ConvAttributes.defaults());
    // channel 0: acc 1, 3, 7 -> 0.5, 1.5, 3.5 -> 0, 2, 4; channel 1: acc 2, 4, 8 -> 0.5, 1, 2 -> 0,
    // 1, 2
    assertArrayEquals(new int[] {3, 5, 7, 3, 4, 5}, y.toArray());
    assertEquals(QuantType.INT8, y.type());
  }

  @Test
  void saturatesToTheZeroPointType() {
    IntTensor x = t(QuantType.INT8, new int[] {1, 1, 1, 2}, 127, -128);
    IntTensor w = t(QuantType.INT8, new int[] {1, 1, 1, 1}, 127);
    IntTensor y =
        QLinearConv.apply(
            x,
            FloatTensor.scalar(1f),
            IntTensor.scalar(QuantType.INT8, 0),
            w,
            f32(1f),
            IntTensor.scalar(QuantType.INT8, 0),
            FloatTensor.scalar(1f),
            IntTensor.scalar(QuantType.UINT8, 128),
            null,
            ConvAttributes.defaults());
    assertArrayEquals(new int[] {255, 0}, y.toArray());
  }

  @Test
  void randomGroupedStridedDilatedConvolutionsMatchAnIndependentRequantization() {
    Random r = new Random(77);
    int checked = 0;
    for (int iter = 0; iter < 150; iter++) {
      ConvIntegerTest.Case c = ConvIntegerTest.Case.generate(r, iter % 3 == 0);
      if (c == null) {
        continue;
      }
      checked++;
      int[] bias = new int[c.m];
      float[] wScale = new float[c.m];
      for (int i = 0; i < c.m; i++) {
        bias[i] = r.nextInt(20001) - 10000;
        wScale[i] = 0.0005f + r.nextFloat() * 0.004f;
      }
      float xScale = 0.01f + r.nextFloat() * 0.05f;
      float yScale = 0.05f + r.nextFloat() * 0.5f;
      QuantType yType = r.nextBoolean() ? QuantType.INT8 : QuantType.UINT8;
      int yZp = yType.min() + r.nextInt(256);
      IntTensor y =
          QLinearConv.apply(
              c.x,
              FloatTensor.scalar(xScale),
              IntTensor.scalar(c.x.type(), c.xZp),
              c.w,
              f32(wScale),
              c.wZpTensor(),
              FloatTensor.scalar(yScale),
              IntTensor.scalar(yType, yZp),
              IntTensor.of(Shape.of(c.m), QuantType.INT32, bias),
              c.attributes());
      int[] acc = c.viaIm2col(bias);
      int spatial = c.outH() * c.outW();
      for (int i = 0; i < acc.length; i++) {
        int channel = i / spatial % c.m;
        float multiplier = xScale * wScale[channel] / yScale; // float32, as the ONNX reference
        double rounded = Math.rint(acc[i] * (double) multiplier);
        int expected = (int) Math.max(yType.min(), Math.min(yType.max(), rounded + yZp));
        assertEquals(expected, y.get(i), "iteration " + iter + " element " + i + ": " + c);
      }
    }
    assertTrue(checked > 100, "too few random cases fit: " + checked);
  }

  @Test
  void rejectsBadScalesBiasAndZeroPoints() {
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 2, 2}, 0, 0, 0, 0);
    IntTensor w = t(QuantType.UINT8, new int[] {2, 1, 1, 1}, 0, 0);
    IntTensor u0 = IntTensor.scalar(QuantType.UINT8, 0);
    FloatTensor one = FloatTensor.scalar(1f);
    ConvAttributes d = ConvAttributes.defaults();
    assertEquals(
        "wScale: shape [3], expected one element (per-tensor) or [2] (one per output channel)",
        message(() -> QLinearConv.apply(x, one, u0, w, f32(1f, 1f, 1f), u0, one, u0, null, d)));
    assertEquals(
        "xScale: type float16, expected float32 like the other scales",
        message(
            () ->
                QLinearConv.apply(
                    x,
                    FloatTensor.of(Shape.scalar(), FloatType.FLOAT16, 1f),
                    u0,
                    w,
                    one,
                    u0,
                    one,
                    u0,
                    null,
                    d)));
    assertEquals(
        "wScale: element 1 is -1.0, expected a finite scale > 0",
        message(() -> QLinearConv.apply(x, one, u0, w, f32(1f, -1f), u0, one, u0, null, d)));
    assertEquals(
        "xScale: shape [2], expected one element (a per-tensor scale)",
        message(() -> QLinearConv.apply(x, f32(1f, 1f), u0, w, one, u0, one, u0, null, d)));
    assertEquals(
        "bias: type int8, expected int32",
        message(
            () ->
                QLinearConv.apply(
                    x, one, u0, w, one, u0, one, u0, t(QuantType.INT8, new int[] {2}, 0, 0), d)));
    assertEquals(
        "bias: shape [1], expected [2] (one per output channel)",
        message(
            () ->
                QLinearConv.apply(
                    x, one, u0, w, one, u0, one, u0, t(QuantType.INT32, new int[] {1}, 0), d)));
    assertEquals(
        "yZeroPoint: type int32, expected int8 or uint8",
        message(
            () ->
                QLinearConv.apply(
                    x, one, u0, w, one, u0, one, IntTensor.scalar(QuantType.INT32, 0), null, d)));
    assertEquals(
        "wZeroPoint: type int8, expected uint8",
        message(
            () ->
                QLinearConv.apply(
                    x, one, u0, w, one, IntTensor.scalar(QuantType.INT8, 0), one, u0, null, d)));
  }
}
