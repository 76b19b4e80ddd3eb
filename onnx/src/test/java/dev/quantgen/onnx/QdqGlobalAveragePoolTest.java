package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code DequantizeLinear -> GlobalAveragePool -> QuantizeLinear} imported as ONNX Runtime runs it
 * (its QLinearGlobalAveragePool): codes equal, bit for bit, to a reference written here from the
 * MLAS arithmetic, and to ONNX Runtime's on the same file, for uint8 and int8 activations, odd map
 * sizes, exact ties and saturation. The graph is x -> Q -> DQ -> Conv 1x1 (identity weights, {@code
 * M = 1}: the codes pass unchanged) -> Q -> DQ -> GlobalAveragePool -> Q; the Conv is there because
 * a QDQ import needs one quantized Conv, MatMul or Gemm.
 */
class QdqGlobalAveragePoolTest {
  private static final int C = 3;
  private static final int SAMPLES = 300;

  /**
   * One pool: input parameters {@code (sx, zx)} and output {@code (sy, zy)}, zero points in the
   * file's type.
   */
  record Case(String name, boolean unsigned, int h, int w, float sx, int zx, float sy, int zy) {
    int lo() {
      return unsigned ? 0 : -128;
    }

    int hi() {
      return unsigned ? 255 : 127;
    }

    @Override
    public String toString() {
      return name + " (" + (unsigned ? "uint8" : "int8") + ", " + h + "x" + w + ")";
    }
  }

  static List<Case> cases() {
    return List.of(
        // sy * 15 = 15 and sx / 15 = 0.5 exactly: every odd sum is a tie, rounded to even
        new Case("ties", true, 3, 5, 7.5f, 131, 1f, 128),
        new Case("ties", false, 3, 5, 7.5f, -3, 1f, 0),
        // a multiplier of about 0.71 on sums up to 35 * 255: most outputs saturate, at both ends
        new Case("saturation", true, 5, 7, 0.1f, 128, 0.004f, 100),
        new Case("saturation", false, 5, 7, 0.1f, 0, 0.004f, -20),
        // the residual fixture's shape with unremarkable parameters
        new Case("generic", true, 7, 7, 0.037f, 9, 0.011f, 3),
        new Case("generic", false, 7, 7, 0.037f, -119, 0.011f, -125),
        new Case("one pixel", true, 1, 1, 0.02f, 140, 0.03f, 120),
        new Case("one column", false, 13, 1, 0.02f, 5, 0.0031f, -7));
  }

  private static byte[] build(Case k) {
    int type = k.unsigned() ? GraphWriter.UINT8 : GraphWriter.INT8;
    GraphWriter g = new GraphWriter("gap");
    g.input("x", GraphWriter.FLOAT, C, k.h(), k.w());
    g.floats("sx", new float[] {k.sx()});
    g.bytes("zx", type, new int[] {k.zx()});
    g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
    int[] identity = new int[C * C];
    for (int c = 0; c < C; c++) {
      identity[c * C + c] = 1;
    }
    g.bytes("wq", GraphWriter.INT8, identity, C, C, 1, 1);
    g.floats("sw", new float[] {1f});
    g.bytes("zw", GraphWriter.INT8, new int[] {0});
    g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "w");
    g.node("Conv", "conv", "xf", "w", "acc");
    g.node("QuantizeLinear", "acc_q", "acc", "sx", "zx", "cq");
    g.node("DequantizeLinear", "c_dq", "cq", "sx", "zx", "cf");
    g.node("GlobalAveragePool", "gap", "cf", "avg");
    g.floats("sy", new float[] {k.sy()});
    g.bytes("zy", type, new int[] {k.zy()});
    g.node("QuantizeLinear", "avg_q", "avg", "sy", "zy", "yq");
    g.output("yq", type, C, 1, 1);
    return g.toModel(13);
  }

  /**
   * The reference, from MLAS: the input codes {@code rint(x / sx) + zx} saturated; per channel
   * {@code acc = sum(q) - zx * N} in integers; {@code v = fl32(fl32(acc) * fl32(sx / fl32(sy *
   * N)))}; {@code rint(v) + zy} saturated.
   */
  private static int[] reference(Case k, float[] x) {
    int n = k.h() * k.w();
    float multiplier = k.sx() / (k.sy() * (float) n);
    int[] y = new int[x.length / n];
    for (int p = 0; p < y.length; p++) {
      long acc = 0;
      for (int i = 0; i < n; i++) {
        long q = (long) Math.rint(x[p * n + i] / k.sx()) + k.zx();
        acc += Math.min(k.hi(), Math.max(k.lo(), q)) - k.zx();
      }
      float v = (float) acc * multiplier;
      y[p] = (int) Math.min(k.hi(), Math.max(k.lo(), (long) Math.rint(v) + k.zy()));
    }
    return y;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void poolsAsOnnxRuntimesQLinearGlobalAveragePool(Case k) throws Exception {
    byte[] onnx = build(k);
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "gap " + k));
    assertTrue(
        model.layers().get(1).description().startsWith("GlobalAveragePool (QLinearGlobalAverage"),
        model.layers().get(1).description());
    Random r = new Random(k.toString().hashCode());
    float[] x = new float[SAMPLES * C * k.h() * k.w()];
    float range = k.sx() * 160;
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) ((r.nextDouble() * 2 - 1) * range); // some input codes saturate too
    }
    IntTensor ours = model.runFileCodes(FloatTensor.of(Shape.of(SAMPLES, C, k.h(), k.w()), x));
    int[] expected = reference(k, x);
    int[] theirs = ort(onnx, x, k);
    int ties = 0;
    int saturated = 0;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], ours.get(i), "reference, sample " + i / C + ", channel " + i % C);
      assertEquals(theirs[i], ours.get(i), "ONNX Runtime, sample " + i / C + ", channel " + i % C);
      saturated += expected[i] == k.lo() || expected[i] == k.hi() ? 1 : 0;
      ties += isTie(k, x, i) ? 1 : 0;
    }
    System.out.println(
        "QDQ GlobalAveragePool "
            + k
            + ": "
            + expected.length
            + " codes equal to the reference and to ORT ("
            + ties
            + " ties, "
            + saturated
            + " saturated)");
    if (k.name().equals("ties")) {
      assertTrue(ties > expected.length / 4, ties + " ties");
    }
    if (k.name().equals("saturation")) {
      assertTrue(saturated > expected.length / 4, saturated + " saturated");
    }
  }

  private static boolean isTie(Case k, float[] x, int plane) {
    int n = k.h() * k.w();
    long acc = 0;
    for (int i = 0; i < n; i++) {
      long q = (long) Math.rint(x[plane * n + i] / k.sx()) + k.zx();
      acc += Math.min(k.hi(), Math.max(k.lo(), q)) - k.zx();
    }
    float v = (float) acc * (k.sx() / (k.sy() * (float) n));
    return v - Math.floor(v) == 0.5;
  }

  @Test
  void theKernelRoundsTiesToEvenAndSaturates() {
    // sx / (sy * 2) = 0.5: the sums 1, 3, 5, -1, -3 are ties
    QLinearGlobalAveragePool pool = new QLinearGlobalAveragePool(1f, 0, 1f, 0, 2);
    IntTensor x =
        IntTensor.of(
            Shape.of(1, 7, 1, 2),
            dev.quantgen.runtime.numerics.QuantType.INT8,
            0,
            1,
            1,
            2,
            2,
            3,
            -1,
            0,
            -2,
            -1,
            127,
            127,
            -128,
            -128);
    assertEquals(
        List.of(0, 2, 2, 0, -2, 127, -128),
        java.util.Arrays.stream(pool.apply(x).toArray()).boxed().toList());
    // zero points: (sum - 2 * zx) * 0.5 + zy, saturated at 127 - zy from the top
    QLinearGlobalAveragePool shifted = new QLinearGlobalAveragePool(1f, 10, 1f, 100, 2);
    IntTensor y =
        IntTensor.of(
            Shape.of(1, 2, 1, 2), dev.quantgen.runtime.numerics.QuantType.INT8, 11, 10, 127, 127);
    assertEquals(
        List.of(100, 127), java.util.Arrays.stream(shifted.apply(y).toArray()).boxed().toList());
  }

  @Test
  void aMultiplierOnnxRuntimeRejectsIsRejectedNamingTheNode() {
    // sx / (sy * N) = 0.5 / (0.001 * 1) = 500: MLAS refuses multipliers from 256 on
    Case k = new Case("huge", false, 1, 1, 0.5f, 0, 0.001f, 0);
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(build(k), "gap")));
    assertTrue(
        e.getMessage().contains("'gap'") && e.getMessage().contains("[2^-32, 256)"),
        e.getMessage());
  }

  @Test
  void aPoolOfAFloatConvResultIsRejected() {
    GraphWriter g = new GraphWriter("gap");
    g.input("x", GraphWriter.FLOAT, 1, 2, 2);
    g.floats("sx", new float[] {0.1f});
    g.bytes("zx", GraphWriter.INT8, new int[] {0});
    g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
    g.bytes("wq", GraphWriter.INT8, new int[] {1}, 1, 1, 1, 1);
    g.floats("sw", new float[] {1f});
    g.bytes("zw", GraphWriter.INT8, new int[] {0});
    g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "w");
    g.node("Conv", "conv", "xf", "w", "acc");
    g.node("GlobalAveragePool", "gap", "acc", "avg");
    g.node("QuantizeLinear", "avg_q", "avg", "sx", "zx", "yq");
    g.output("yq", GraphWriter.INT8, 1, 1, 1);
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(g.toModel(13), "gap")));
    assertTrue(
        e.getMessage().contains("'gap'") && e.getMessage().contains("between"), e.getMessage());
  }

  /** ORT's output codes in the file's type, sample by sample, channel by channel. */
  private static int[] ort(byte[] onnx, float[] x, Case k) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.x64quantprecision", "1");
      try (OrtSession session = env.createSession(onnx, options);
          ai.onnxruntime.OnnxTensor in =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(x), new long[] {SAMPLES, C, k.h(), k.w()});
          OrtSession.Result result = session.run(Map.of("x", in))) {
        java.nio.ByteBuffer b =
            ((ai.onnxruntime.OnnxTensor) result.get("yq").orElseThrow()).getByteBuffer();
        int[] codes = new int[SAMPLES * C];
        for (int i = 0; i < codes.length; i++) {
          codes[i] = k.unsigned() ? b.get(i) & 0xff : b.get(i);
        }
        return codes;
      }
    }
  }
}
