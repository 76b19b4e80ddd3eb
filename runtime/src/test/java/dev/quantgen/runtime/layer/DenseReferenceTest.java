package dev.quantgen.runtime.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generic reference loops checked against ONNX's vectors and against first principles. */
class DenseReferenceTest {
  private static final QuantizedDenseConfig ONNX_INT8 =
      new QuantizedDenseConfig(
          QuantType.INT8,
          false,
          false,
          0,
          ActivationMode.STATIC,
          RequantMode.FLOAT,
          Activation.NONE);

  @Test
  void staticInt8InOnnxModeReproducesQLinearMatMulBitForBit() throws IOException {
    Path file =
        SharedData.require("conformance/onnx").resolve("test_qlinearmatmul_2D_int8_float32.json");
    Map<String, double[]> v = values(Files.readString(file));
    double[] a = v.get("a");
    double[] b = v.get("b"); // [K = 4][N = 3]; a dense weight is its transpose [N][K]
    byte[] weights = new byte[12];
    for (int n = 0; n < 3; n++) {
      for (int k = 0; k < 4; k++) {
        weights[n * 4 + k] = (byte) b[k * 3 + n];
      }
    }
    ActivationParams in =
        new ActivationParams((float) v.get("a_scale")[0], (int) v.get("a_zero_point")[0]);
    ActivationParams out =
        new ActivationParams((float) v.get("y_scale")[0], (int) v.get("y_zero_point")[0]);
    float bScale = (float) v.get("b_scale")[0];
    StaticRequantization r =
        new StaticRequantization(
            in,
            out,
            new int[3],
            new int[1],
            new int[1],
            new float[] {in.scale() * bScale / out.scale()},
            -128,
            127);
    QuantizedDenseParams p =
        new QuantizedDenseParams(
            ONNX_INT8,
            4,
            3,
            weights,
            new float[] {bScale},
            new int[] {(int) v.get("b_zero_point")[0]},
            null,
            r);
    double[] expected = v.get("y");
    for (int row = 0; row < 2; row++) {
      byte[] qx = new byte[4];
      for (int k = 0; k < 4; k++) {
        qx[k] = (byte) a[row * 4 + k];
      }
      byte[] qy = new byte[3];
      DenseReference.quantized(p, qx, qy);
      for (int n = 0; n < 3; n++) {
        assertEquals((int) expected[row * 3 + n], qy[n], "row " + row + ", column " + n);
      }
    }
  }

  @Test
  void staticInt8MatchesFirstPrinciplesOnRandomLayers() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int in = 1 + random.nextInt(40);
      int out = 1 + random.nextInt(8);
      DenseWeights w = randomWeights(random, in, out);
      ActivationParams inP = ActivationParams.fromRange(-1.5f, 2f);
      ActivationParams outP = ActivationParams.fromRange(-3f, 4f);
      for (RequantMode mode : RequantMode.values()) {
        QuantizedDenseConfig config =
            new QuantizedDenseConfig(
                QuantType.INT8,
                trial % 2 == 0,
                trial % 3 != 0,
                0,
                ActivationMode.STATIC,
                mode,
                Activation.NONE);
        QuantizedDenseParams p = QuantizedDenseParams.prepare("random", w, config, inP, outP);
        byte[] qx = new byte[in];
        for (int i = 0; i < in; i++) {
          qx[i] = (byte) (random.nextInt(256) - 128);
        }
        byte[] qy = new byte[out];
        DenseReference.quantized(p, qx, qy);
        for (int c = 0; c < out; c++) {
          int k = config.perChannel() ? c : 0;
          float sw = p.scales()[k];
          int zw = p.zeroPoints()[k];
          long acc = Math.round(Math.rint(w.bias(c) / (inP.scale() * sw)));
          for (int i = 0; i < in; i++) {
            acc += (long) (qx[i] - inP.zeroPoint()) * (p.weight(c, i) - zw);
          }
          double m = (double) inP.scale() * sw / outP.scale();
          double exact = Math.max(-128, Math.min(127, outP.zeroPoint() + Math.rint(acc * m)));
          // ONNX mode rounds the float32 multiplier's product exactly; fixed point may differ by
          // one step.
          double slack = mode == RequantMode.FLOAT ? Math.abs(acc * m) * 1e-6 + 0.5 : 1;
          assertTrue(
              Math.abs(qy[c] - exact) <= slack,
              "trial " + trial + " " + mode + " channel " + c + ": " + qy[c] + " vs " + exact);
        }
      }
    }
  }

  @Test
  void symmetricWeightsUseTheRestrictedRangeAndZeroZeroPoint() {
    DenseWeights w = DenseWeights.of(3, 1, new float[] {-2f, 1f, 0.5f}, null);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "sym",
            w,
            new QuantizedDenseConfig(
                QuantType.INT8,
                true,
                true,
                0,
                ActivationMode.FLOAT,
                RequantMode.INTEGER,
                Activation.NONE),
            null,
            null);
    assertEquals(2f / 127, p.scales()[0]);
    assertEquals(0, p.zeroPoints()[0]);
    assertEquals(-127, p.weight(0, 0));
    assertEquals(64, p.weight(0, 1)); // 63.5 rounds to even
  }

  @Test
  void int4PacksElementTwoIInTheLowNibbleAndPadsOddRows() {
    DenseWeights w = DenseWeights.of(3, 2, new float[] {7f, -7f, 1f, -1f, 0f, 7f}, null);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "int4",
            w,
            new QuantizedDenseConfig(
                QuantType.INT4,
                true,
                false,
                0,
                ActivationMode.FLOAT,
                RequantMode.INTEGER,
                Activation.NONE),
            null,
            null);
    // scale 1: row 0 = {7, -7, 1}, row 1 = {-1, 0, 7}; rows start on a byte, odd rows leave a zero
    // high nibble.
    assertArrayEquals(new byte[] {(byte) 0x97, 0x01, 0x0F, 0x07}, p.weights());
    assertEquals(-7, p.weight(0, 1));
    assertEquals(-1, p.weight(1, 0));
  }

  @Test
  void blockwiseInt4HasAScalePerChannelAndBlockWithAShortLastBlock() {
    DenseWeights w = DenseWeights.of(5, 1, new float[] {1f, -2f, 7f, 0.5f, 14f}, null);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "blocks",
            w,
            new QuantizedDenseConfig(
                QuantType.INT4,
                true,
                true,
                2,
                ActivationMode.FLOAT,
                RequantMode.INTEGER,
                Activation.NONE),
            null,
            null);
    assertArrayEquals(new float[] {2f / 7, 7f / 7, 14f / 7}, p.scales());
    assertEquals(7, p.weight(0, 4));
  }

  @Test
  void binaryWeightsTakeSignZeroAsPlusOneAndAlphaAsMeanAbs() {
    DenseWeights w = DenseWeights.of(3, 1, new float[] {0f, -2f, 4f}, null);
    BinaryDenseParams p =
        BinaryDenseParams.prepare(w, true, ActivationMode.BINARY, Activation.NONE);
    assertArrayEquals(new long[] {0b101L}, p.weights());
    assertEquals(2f, p.alpha(0));
    float[] y = new float[1];
    DenseReference.binary(p, new float[] {-1f, -1f, 1f}, y);
    // signs x = {-1, -1, +1}, w = {+1, -1, +1}: dot = -1 + 1 + 1 = 1; beta = 1; y = 1 * 2 * 1.
    assertEquals(2f, y[0]);
  }

  @Test
  void dynamicActivationsIgnoreNaNInTheRangeAndQuantizeItToTheZeroPoint() {
    DenseWeights w = DenseWeights.of(2, 1, new float[] {1f, 1f}, null);
    QuantizedDenseParams p =
        QuantizedDenseParams.prepare(
            "dyn",
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
    float[] withNaN = new float[1];
    float[] withZero = new float[1];
    DenseReference.quantized(p, new float[] {Float.NaN, 2f}, withNaN);
    DenseReference.quantized(p, new float[] {0f, 2f}, withZero);
    assertEquals(withZero[0], withNaN[0]);
  }

  @Test
  void staticPreparationNeedsCalibratedParams() {
    DenseWeights w = DenseWeights.of(2, 1, new float[] {1f, 1f}, null);
    QuantizedDenseConfig config =
        new QuantizedDenseConfig(
            QuantType.INT8,
            true,
            true,
            0,
            ActivationMode.STATIC,
            RequantMode.INTEGER,
            Activation.NONE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantizedDenseParams.prepare("Hidden", w, config, null, null));
    assertTrue(
        e.getMessage().startsWith("activation params for Hidden: expected calibrated input"),
        e.getMessage());
  }

  @Test
  void aBiasThatOverflowsTheAccumulatorIsRejectedNamingTheLayerAndChannel() {
    DenseWeights w = DenseWeights.of(1, 1, new float[] {1f}, new float[] {3e7f});
    QuantizedDenseConfig config =
        new QuantizedDenseConfig(
            QuantType.INT8,
            true,
            true,
            0,
            ActivationMode.STATIC,
            RequantMode.INTEGER,
            Activation.NONE);
    ActivationParams tiny = new ActivationParams(1e-6f, 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> QuantizedDenseParams.prepare("Hidden", w, config, tiny, tiny));
    assertTrue(
        e.getMessage()
            .startsWith("bias of Hidden, channel 0: the int32 accumulator could overflow"),
        e.getMessage());
  }

  @Test
  void weightsWithNaNAreRejectedAtImport() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DenseWeights.of(2, 1, new float[] {1f, Float.NaN}, null));
    assertEquals("weights[1]: expected a finite value, got NaN", e.getMessage());
    assertEquals(
        "bias: expected length out = 1, got 2",
        assertThrows(
                IllegalArgumentException.class,
                () -> DenseWeights.of(2, 1, new float[] {1f, 2f}, new float[2]))
            .getMessage());
  }

  private static DenseWeights randomWeights(Random random, int in, int out) {
    float[] w = new float[in * out];
    float[] b = new float[out];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) random.nextGaussian() * 0.3f;
    }
    for (int c = 0; c < out; c++) {
      b[c] = (float) random.nextGaussian() * 0.1f;
    }
    return DenseWeights.of(in, out, w, b);
  }

  /** name -> values of each tensor of an ONNX conformance JSON file (inputs and outputs). */
  private static Map<String, double[]> values(String json) {
    Map<String, double[]> result = new HashMap<>();
    Matcher m =
        Pattern.compile("\"name\":\\s*\"(\\w+)\".*?\"values\":\\s*\\[([^\\]]*)\\]", Pattern.DOTALL)
            .matcher(json);
    while (m.find()) {
      String[] parts = m.group(2).split(",");
      double[] v = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        v[i] = Double.parseDouble(parts[i].trim());
      }
      result.put(m.group(1), v);
    }
    return result;
  }
}
