package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The runtime kernels against the layer contract's reference loops ({@link DenseReference}):
 * integer results bit for bit, float sums within the reassociation bound {@code 2 * gamma_n * sum|w
 * x|}.
 */
class RuntimeKernelsTest {
  private static final int[][] SHAPES = {{1, 1}, {7, 3}, {64, 5}, {65, 9}, {130, 17}};

  private static DenseWeights weights(Random r, int in, int out) {
    float[] w = new float[in * out];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian() * 0.3f;
    }
    w[0] = 0.0f; // sign(0) = +1 for binary weights
    for (int c = 0; c < out; c++) {
      b[c] = (float) r.nextGaussian() * 0.2f;
    }
    return DenseWeights.of(in, out, w, b);
  }

  @ParameterizedTest(name = "{0} symmetric={1} perChannel={2} {3} {4}")
  @CsvSource({
    "INT8, true, true, INTEGER, RELU", "INT8, false, true, INTEGER, NONE",
        "INT8, true, false, FLOAT, RELU6",
    "INT8, false, false, FLOAT, NONE", "INT4, true, true, INTEGER, RELU",
        "INT4, false, true, FLOAT, NONE",
    "INT4, false, false, INTEGER, RELU6"
  })
  void staticKernelMatchesTheReferenceBitForBit(
      QuantType type, boolean symmetric, boolean perChannel, RequantMode requant, Activation act) {
    Random r = new Random(11);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      QuantizedDenseConfig config =
          new QuantizedDenseConfig(
              type, symmetric, perChannel, 0, ActivationMode.STATIC, requant, act);
      QuantizedDenseParams p =
          QuantizedDenseParams.prepare(
              "t", w, config, new ActivationParams(0.02f, -7), new ActivationParams(0.05f, 3));
      StaticQuantizedLayer kernel =
          (StaticQuantizedLayer) new PreparedLayer.Quantized("t", p).kernel();
      for (int trial = 0; trial < 20; trial++) {
        byte[] qx = new byte[shape[0]];
        for (int i = 0; i < qx.length; i++) {
          qx[i] = (byte) (r.nextInt(256) - 128); // the whole int8 range, saturating inputs included
        }
        byte[] expected = new byte[shape[1]];
        byte[] actual = new byte[shape[1]];
        DenseReference.quantized(p, qx, expected);
        kernel.forwardQuantized(qx, actual);
        assertArrayEquals(expected, actual, "shape " + shape[0] + "x" + shape[1]);
        float[] x = TestModels.signedSample(r, shape[0]);
        float[] ye = new float[shape[1]];
        float[] ya = new float[shape[1]];
        DenseReference.quantized(p, x, ye);
        kernel.forward(x, ya);
        assertArrayEquals(TestModels.bits(ye), TestModels.bits(ya));
      }
    }
  }

  @ParameterizedTest(name = "{0} symmetric={1} perChannel={2} block={3}")
  @CsvSource({
    "INT8, true, true, 0",
    "INT8, false, false, 0",
    "INT4, true, true, 0",
    "INT4, false, true, 0",
    "INT4, true, true, 4",
    "INT4, false, true, 6",
    "INT4, true, false, 0"
  })
  void dynamicKernelMatchesTheReferenceBitForBit(
      QuantType type, boolean symmetric, boolean perChannel, int block) {
    Random r = new Random(12);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      QuantizedDenseParams p =
          QuantizedDenseParams.prepare(
              "t",
              w,
              new QuantizedDenseConfig(
                  type,
                  symmetric,
                  perChannel,
                  block,
                  ActivationMode.DYNAMIC,
                  RequantMode.INTEGER,
                  Activation.RELU),
              null,
              null);
      DenseLayer kernel = new PreparedLayer.Quantized("t", p).kernel();
      for (int trial = 0; trial < 20; trial++) {
        float[] x = TestModels.signedSample(r, shape[0]);
        float[] ye = new float[shape[1]];
        float[] ya = new float[shape[1]];
        DenseReference.quantized(p, x, ye);
        kernel.forward(x, ya);
        assertArrayEquals(
            TestModels.bits(ye), TestModels.bits(ya), "shape " + shape[0] + "x" + shape[1]);
      }
    }
  }

  @Test
  void dynamicKernelOnAnAllZeroInputGivesTheBias() {
    DenseWeights w = weights(new Random(3), 9, 4);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "t",
            w,
            new QuantizedDenseConfig(
                QuantType.INT8,
                true,
                true,
                0,
                ActivationMode.DYNAMIC,
                RequantMode.INTEGER,
                Activation.NONE),
            null,
            null);
    float[] y = new float[4];
    new PreparedLayer.Quantized("t", p).kernel().forward(new float[9], y);
    assertArrayEquals(w.bias(), y);
  }

  @ParameterizedTest(name = "{0} block={1}")
  @CsvSource({"INT8, 0", "INT4, 0", "INT4, 4"})
  void weightOnlyKernelIsWithinTheReassociationBound(QuantType type, int block) {
    Random r = new Random(13);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      QuantizedDenseParams p =
          QuantizedDenseParams.prepare(
              "t",
              w,
              new QuantizedDenseConfig(
                  type,
                  false,
                  true,
                  block,
                  ActivationMode.FLOAT,
                  RequantMode.INTEGER,
                  Activation.NONE),
              null,
              null);
      DenseLayer kernel = new PreparedLayer.Quantized("t", p).kernel();
      float[] x = TestModels.signedSample(r, shape[0]);
      float[] ye = new float[shape[1]];
      float[] ya = new float[shape[1]];
      DenseReference.quantized(p, x, ye);
      kernel.forward(x, ya);
      for (int c = 0; c < shape[1]; c++) {
        double mass = 0;
        for (int i = 0; i < shape[0]; i++) {
          mass +=
              Math.abs(
                  x[i]
                      * (p.weight(c, i)
                          - p.zeroPoints()[p.scaleIndex(c, i / p.config().groupSize(shape[0]))])
                      * p.scales()[p.scaleIndex(c, i / p.config().groupSize(shape[0]))]);
        }
        assertWithinBound(ye[c], ya[c], shape[0], mass + Math.abs(ye[c]));
      }
    }
  }

  @Test
  void fp32AndFp16KernelsAreWithinTheReassociationBound() {
    Random r = new Random(14);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      float[] x = TestModels.signedSample(r, shape[0]);
      float[] ye = new float[shape[1]];
      float[] ya = new float[shape[1]];
      DenseReference.fp32(w, Activation.NONE, x, ye);
      new PreparedLayer.Fp32("t", w, Activation.NONE).kernel().forward(x, ya);
      Fp16DenseParams h = Fp16DenseParams.prepare(w, Activation.NONE);
      float[] he = new float[shape[1]];
      float[] ha = new float[shape[1]];
      DenseReference.fp16(h, x, he);
      new PreparedLayer.Fp16("t", h).kernel().forward(x, ha);
      for (int c = 0; c < shape[1]; c++) {
        double mass = 0;
        for (int i = 0; i < shape[0]; i++) {
          mass += Math.abs(w.weight(c, i) * x[i]);
        }
        assertWithinBound(ye[c], ya[c], shape[0], mass + Math.abs(w.bias(c)));
        assertWithinBound(he[c], ha[c], shape[0], 1.01 * mass + Math.abs(w.bias(c)));
      }
    }
  }

  @Test
  void fp16KernelRoundsWeightsToHalfPrecision() {
    // 1 + 2^-11 is a tie between two halves: it rounds to even (1.0), so the output is exactly x.
    DenseWeights w = DenseWeights.of(1, 1, new float[] {1.0f + 0x1p-11f}, null);
    float[] y = new float[1];
    new PreparedLayer.Fp16("t", Fp16DenseParams.prepare(w, Activation.NONE))
        .kernel()
        .forward(new float[] {3.0f}, y);
    assertEquals(3.0f, y[0]);
  }

  @ParameterizedTest(name = "perChannel={0}")
  @CsvSource({"true", "false"})
  void xnorKernelMatchesTheReferenceBitForBitAndIgnoresPaddingBits(boolean perChannel) {
    Random r = new Random(15);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      BinaryDenseParams p =
          BinaryDenseParams.prepare(w, perChannel, ActivationMode.BINARY, Activation.NONE);
      DenseLayer kernel = new PreparedLayer.Binary("t", p).kernel();
      for (int trial = 0; trial < 10; trial++) {
        float[] x = TestModels.signedSample(r, shape[0]);
        float[] ye = new float[shape[1]];
        float[] ya = new float[shape[1]];
        DenseReference.binary(p, x, ye);
        kernel.forward(x, ya);
        assertArrayEquals(TestModels.bits(ye), TestModels.bits(ya));
      }
    }
  }

  @Test
  void xnorKernelOfAllPositiveInputsAndWeightsIsInTimesAlphaTimesBeta() {
    // 65 inputs: one full word and one bit of the next; 63 padding bits must not count.
    float[] w = new float[65];
    float[] x = new float[65];
    java.util.Arrays.fill(w, 0.5f);
    java.util.Arrays.fill(x, 2.0f);
    BinaryDenseParams p =
        BinaryDenseParams.prepare(
            DenseWeights.of(65, 1, w, null), true, ActivationMode.BINARY, Activation.NONE);
    float[] y = new float[1];
    new PreparedLayer.Binary("t", p).kernel().forward(x, y);
    assertEquals(65 * (0.5f * 2.0f), y[0]);
  }

  @Test
  void binaryWeightOnlyKernelIsWithinTheReassociationBound() {
    Random r = new Random(16);
    for (int[] shape : SHAPES) {
      DenseWeights w = weights(r, shape[0], shape[1]);
      BinaryDenseParams p =
          BinaryDenseParams.prepare(w, true, ActivationMode.FLOAT, Activation.RELU);
      float[] x = TestModels.signedSample(r, shape[0]);
      float[] ye = new float[shape[1]];
      float[] ya = new float[shape[1]];
      DenseReference.binary(p, x, ye);
      new PreparedLayer.Binary("t", p).kernel().forward(x, ya);
      for (int c = 0; c < shape[1]; c++) {
        double mass = 0;
        for (float v : x) {
          mass += Math.abs(v * p.alpha(c));
        }
        assertWithinBound(ye[c], ya[c], shape[0], mass + Math.abs(w.bias(c)));
      }
    }
  }

  @Test
  void staticKernelQuantizesNanInputToTheZeroPointLikeTheReference() {
    DenseWeights w = weights(new Random(17), 5, 3);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "t",
            w,
            new QuantizedDenseConfig(
                QuantType.INT8,
                true,
                true,
                0,
                ActivationMode.STATIC,
                RequantMode.INTEGER,
                Activation.NONE),
            new ActivationParams(0.1f, 4),
            new ActivationParams(0.1f, 0));
    float[] x = {Float.NaN, 0.0f, 0.0f, 0.0f, 0.0f};
    float[] ye = new float[3];
    float[] ya = new float[3];
    DenseReference.quantized(p, x, ye);
    new PreparedLayer.Quantized("t", p).kernel().forward(x, ya);
    assertArrayEquals(TestModels.bits(ye), TestModels.bits(ya));
  }

  @Test
  void kernelsRejectBuffersOfTheWrongLength() {
    DenseLayer kernel =
        new PreparedLayer.Fp32("t", weights(new Random(1), 4, 2), Activation.NONE).kernel();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> kernel.forward(new float[3], new float[2]));
    assertEquals("x: expected length 4, got 3", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> kernel.forward(new float[4], new float[5]));
    assertEquals("y: expected length 2, got 5", e.getMessage());
  }

  /**
   * {@code |a - b| <= 2 * gamma_n * mass} with {@code gamma_n = n u / (1 - n u)}, {@code u =
   * 2^-24}.
   */
  private static void assertWithinBound(float reference, float actual, int n, double mass) {
    double u = 0x1p-24;
    double gamma = (n + 2) * u / (1 - (n + 2) * u);
    double bound = 2 * gamma * mass;
    assertTrue(
        Math.abs(reference - actual) <= bound,
        "reference "
            + reference
            + " vs kernel "
            + actual
            + ": difference "
            + Math.abs(reference - actual)
            + " > bound "
            + bound);
  }
}
