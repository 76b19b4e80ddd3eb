package dev.quantgen.quantize.reference;

import static dev.quantgen.quantize.reference.MatMulIntegerTest.random;
import static dev.quantgen.quantize.reference.MatMulIntegerTest.t;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.reference.ConvAttributes.AutoPad;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ConvIntegerTest {
  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void onnxExampleWithoutPadding() {
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 3, 3}, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    IntTensor w = t(QuantType.UINT8, new int[] {1, 1, 2, 2}, 1, 1, 1, 1);
    IntTensor y =
        ConvInteger.apply(
            x, w, IntTensor.scalar(QuantType.UINT8, 1), null, ConvAttributes.defaults());
    assertEquals(Shape.of(1, 1, 2, 2), y.shape());
    assertArrayEquals(new int[] {12, 16, 24, 28}, y.toArray());
  }

  @Test
  void paddedCellsActAsTheZeroPoint() {
    // ONNX convinteger_with_padding: channel 1 has w - wZp = 0 everywhere; channel 0 sums x - 1
    // with 0 padding.
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 3, 3}, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    IntTensor w = t(QuantType.UINT8, new int[] {2, 1, 2, 2}, 1, 1, 1, 1, 1, 1, 1, 1);
    IntTensor y =
        ConvInteger.apply(
            x,
            w,
            IntTensor.scalar(QuantType.UINT8, 1),
            t(QuantType.UINT8, new int[] {2}, 0, 1),
            ConvAttributes.builder().pads(1, 1, 1, 1).build());
    assertArrayEquals(
        new int[] {
          1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
          0, 0, 0, 0, 0
        },
        y.toArray());
  }

  @Test
  void sameUpperAndSameLowerPlaceTheOddPadOnOppositeEnds() {
    IntTensor x = t(QuantType.UINT8, new int[] {1, 1, 1, 4}, 1, 2, 3, 4);
    IntTensor w = t(QuantType.UINT8, new int[] {1, 1, 1, 2}, 1, 10);
    IntTensor upper =
        ConvInteger.apply(
            x, w, null, null, ConvAttributes.builder().autoPad(AutoPad.SAME_UPPER).build());
    IntTensor lower =
        ConvInteger.apply(
            x, w, null, null, ConvAttributes.builder().autoPad(AutoPad.SAME_LOWER).build());
    assertArrayEquals(new int[] {21, 32, 43, 4}, upper.toArray());
    assertArrayEquals(new int[] {10, 21, 32, 43}, lower.toArray());
  }

  @Test
  void oneAndThreeSpatialAxes() {
    IntTensor x1 = t(QuantType.INT8, new int[] {1, 1, 5}, 1, 2, 3, 4, 5);
    IntTensor w1 = t(QuantType.INT8, new int[] {1, 1, 2}, 1, 1);
    assertArrayEquals(
        new int[] {3, 7},
        ConvInteger.apply(x1, w1, null, null, ConvAttributes.builder().strides(2).build())
            .toArray());
    IntTensor x3 = t(QuantType.UINT8, new int[] {1, 1, 1, 3, 3}, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    IntTensor w3 = t(QuantType.UINT8, new int[] {1, 1, 1, 2, 2}, 1, 1, 1, 1);
    IntTensor y3 =
        ConvInteger.apply(
            x3, w3, IntTensor.scalar(QuantType.UINT8, 1), null, ConvAttributes.defaults());
    assertEquals(Shape.of(1, 1, 1, 2, 2), y3.shape());
    assertArrayEquals(new int[] {12, 16, 24, 28}, y3.toArray());
  }

  @Test
  void randomConvolutionsMatchIm2colPlusMatMulInteger() {
    Random r = new Random(2024);
    for (int iter = 0; iter < 200; iter++) {
      Case c = Case.generate(r, iter % 5 == 0);
      if (c == null) {
        continue;
      }
      IntTensor actual =
          ConvInteger.apply(
              c.x, c.w, IntTensor.scalar(c.x.type(), c.xZp), c.wZpTensor(), c.attributes());
      assertArrayEquals(c.viaIm2col(null), actual.toArray(), "iteration " + iter + ": " + c);
      assertEquals(Shape.of(c.n, c.m, c.outH(), c.outW()), actual.shape());
    }
  }

  @Test
  void accumulatorWrapsLikeInt32() {
    int c = 33_100; // 33,100 * 255 * 255 > Integer.MAX_VALUE
    int[] v = new int[c];
    Arrays.fill(v, 255);
    IntTensor x = IntTensor.of(Shape.of(1, c, 1), QuantType.UINT8, v);
    IntTensor w = IntTensor.of(Shape.of(1, c, 1), QuantType.UINT8, v);
    assertEquals(
        -2_142_639_796, ConvInteger.apply(x, w, null, null, ConvAttributes.defaults()).get(0));
  }

  @Test
  void rejectsShapesAndZeroPointsThatDoNotFit() {
    IntTensor x = t(QuantType.UINT8, new int[] {1, 4, 3, 3}, new int[36]);
    IntTensor w = t(QuantType.INT8, new int[] {2, 2, 2, 2}, new int[16]);
    ConvAttributes g2 = ConvAttributes.builder().group(2).build();
    assertEquals(
        "x: shape [4, 3] has rank 2, expected [N, C, D1, ...] with at least one spatial axis",
        message(
            () ->
                ConvInteger.apply(
                    t(QuantType.UINT8, new int[] {4, 3}, new int[12]), w, null, null, g2)));
    assertEquals(
        "w: shape [2, 2, 2] has rank 3, expected x's rank 4 ([M, C/group, k1, ...])",
        message(
            () ->
                ConvInteger.apply(
                    x, t(QuantType.INT8, new int[] {2, 2, 2}, new int[8]), null, null, g2)));
    assertEquals(
        "w: shape [2, 2, 2, 2] has 2 input channels per group, but x of shape [1, 4, 3, 3] has 4 channels "
            + "and group is 1: expected w.dim(1) = C / group = 4",
        message(() -> ConvInteger.apply(x, w, null, null, ConvAttributes.defaults())));
    assertEquals(
        "w: shape [3, 2, 2, 2] has 3 output channels: expected a multiple of group 2",
        message(
            () ->
                ConvInteger.apply(
                    x, t(QuantType.INT8, new int[] {3, 2, 2, 2}, new int[24]), null, null, g2)));
    assertEquals(
        "x: type int32, expected int8 or uint8",
        message(
            () ->
                ConvInteger.apply(
                    t(QuantType.INT32, new int[] {1, 4, 3, 3}, new int[36]), w, null, null, g2)));
    assertEquals(
        "xZeroPoint: type int8, expected uint8",
        message(() -> ConvInteger.apply(x, w, IntTensor.scalar(QuantType.INT8, 0), null, g2)));
    assertEquals(
        "xZeroPoint: shape [2], expected one element (a per-tensor zero point)",
        message(() -> ConvInteger.apply(x, w, t(QuantType.UINT8, new int[] {2}, 0, 0), null, g2)));
    assertEquals(
        "wZeroPoint: shape [3] expected one element (per-tensor) or [2] (one per output channel)",
        message(
            () -> ConvInteger.apply(x, w, null, t(QuantType.INT8, new int[] {3}, 0, 0, 0), g2)));
    assertEquals(
        "w: shape [2, 2, 0, 2] has an empty spatial axis: expected kernel sizes >= 1",
        message(
            () -> ConvInteger.apply(x, t(QuantType.INT8, new int[] {2, 2, 0, 2}), null, null, g2)));
  }

  /** A random 2-D convolution problem and an independent way to compute it. */
  static final class Case {
    final int n;
    final int c;
    final int m;
    final int group;
    final int h;
    final int wd;
    final int kh;
    final int kw;
    final int[] strides;
    final int[] dilations;
    final int[] pads;
    final IntTensor x;
    final IntTensor w;
    final int xZp;
    final int[] wZp;

    private Case(Random r, boolean depthwise) {
      group = depthwise ? 1 + r.nextInt(4) : 1 + r.nextInt(3);
      int cg = depthwise ? 1 : 1 + r.nextInt(3);
      int mg = 1 + r.nextInt(3);
      n = 1 + r.nextInt(2);
      c = cg * group;
      m = mg * group;
      h = 1 + r.nextInt(7);
      wd = 1 + r.nextInt(7);
      kh = 1 + r.nextInt(3);
      kw = 1 + r.nextInt(3);
      strides = new int[] {1 + r.nextInt(3), 1 + r.nextInt(3)};
      dilations = new int[] {1 + r.nextInt(2), 1 + r.nextInt(2)};
      pads = new int[] {r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)};
      QuantType tx = r.nextBoolean() ? QuantType.INT8 : QuantType.UINT8;
      QuantType tw = r.nextBoolean() ? QuantType.INT8 : QuantType.UINT8;
      x = random(r, tx, n, c, h, wd);
      w = random(r, tw, m, cg, kh, kw);
      xZp = tx.min() + r.nextInt(256);
      wZp = random(r, tw, m).toArray();
    }

    /** Null when the kernel does not fit the padded input. */
    static Case generate(Random r, boolean depthwise) {
      Case c = new Case(r, depthwise);
      return c.outH() >= 1 && c.outW() >= 1 ? c : null;
    }

    int outH() {
      return Math.floorDiv(h + pads[0] + pads[2] - dilations[0] * (kh - 1) - 1, strides[0]) + 1;
    }

    int outW() {
      return Math.floorDiv(wd + pads[1] + pads[3] - dilations[1] * (kw - 1) - 1, strides[1]) + 1;
    }

    ConvAttributes attributes() {
      return ConvAttributes.builder()
          .group(group)
          .strides(strides)
          .dilations(dilations)
          .pads(pads)
          .build();
    }

    IntTensor wZpTensor() {
      return IntTensor.of(Shape.of(m), w.type(), wZp);
    }

    /**
     * Unfolds each group's receptive fields into a column matrix of raw x values (a padded cell is
     * the raw zero point, the same as 0 after the shift), then multiplies with MatMulInteger:
     * {@code W_g [M/g, C/g*kh*kw] @ cols [C/g*kh*kw, outH*outW]}, w zero point per row of W_g, x
     * zero point per-tensor on cols; plus an optional bias.
     */
    int[] viaIm2col(int[] bias) {
      int cg = c / group;
      int mg = m / group;
      int oh = outH();
      int ow = outW();
      int rows = cg * kh * kw;
      int[] out = new int[n * m * oh * ow];
      for (int b = 0; b < n; b++) {
        for (int g = 0; g < group; g++) {
          int[] cols = new int[rows * oh * ow];
          for (int ci = 0; ci < cg; ci++) {
            for (int p = 0; p < kh; p++) {
              for (int q = 0; q < kw; q++) {
                int row = (ci * kh + p) * kw + q;
                for (int i = 0; i < oh; i++) {
                  for (int j = 0; j < ow; j++) {
                    int yy = i * strides[0] - pads[0] + p * dilations[0];
                    int xx = j * strides[1] - pads[1] + q * dilations[1];
                    boolean inside = yy >= 0 && yy < h && xx >= 0 && xx < wd;
                    cols[row * oh * ow + i * ow + j] =
                        inside ? x.get(((b * c + g * cg + ci) * h + yy) * wd + xx) : xZp;
                  }
                }
              }
            }
          }
          int[] wg = Arrays.copyOfRange(w.toArray(), g * mg * rows, (g + 1) * mg * rows);
          IntTensor product =
              MatMulInteger.apply(
                  IntTensor.of(Shape.of(mg, rows), w.type(), wg),
                  IntTensor.of(Shape.of(rows, oh * ow), x.type(), cols),
                  IntTensor.of(
                      Shape.of(mg), w.type(), Arrays.copyOfRange(wZp, g * mg, (g + 1) * mg)),
                  IntTensor.scalar(x.type(), xZp));
          for (int mi = 0; mi < mg; mi++) {
            int channel = g * mg + mi;
            for (int o = 0; o < oh * ow; o++) {
              out[(b * m + channel) * oh * ow + o] =
                  product.get(mi * oh * ow + o) + (bias == null ? 0 : bias[channel]);
            }
          }
        }
      }
      return out;
    }

    @Override
    public String toString() {
      return "x "
          + x.shape()
          + " "
          + x.type()
          + ", w "
          + w.shape()
          + " "
          + w.type()
          + ", group "
          + group
          + ", strides "
          + Arrays.toString(strides)
          + ", dilations "
          + Arrays.toString(dilations)
          + ", pads "
          + Arrays.toString(pads);
    }
  }
}
