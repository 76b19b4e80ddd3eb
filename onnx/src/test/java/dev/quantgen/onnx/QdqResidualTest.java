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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A QDQ residual block imported as it is: x -> Q -> DQ -> Conv + Relu -> Q -> DQ, Add with a second
 * DQ of x's codes, Q, DQ. The Add runs as QLinearAdd with the file's parameters: codes equal to a
 * reference written from the operators' definitions, and to ONNX Runtime's except where it rounds
 * the folded scale ratios differently (at most one step, counted).
 */
class QdqResidualTest {
  private static final int C = 2;
  private static final int SIDE = 5;
  private static final int SAMPLES = 200;
  private static final float SX = 0.05f;
  private static final int ZX = 3;
  private static final float S1 = 0.07f;
  private static final int Z1 = -20;
  private static final float S2 = 0.09f;
  private static final int Z2 = 7;
  private static final float SW = 0.02f;

  private final int[] weights = new int[C * C * 9];
  private final int[] bias = new int[C];

  QdqResidualTest() {
    Random r = new Random(16);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = r.nextInt(255) - 127;
    }
    for (int m = 0; m < C; m++) {
      bias[m] = r.nextInt(2001) - 1000;
    }
  }

  private byte[] build(boolean reluAfterAdd) {
    GraphWriter g = new GraphWriter("residual");
    g.input("x", GraphWriter.FLOAT, C, SIDE, SIDE);
    g.floats("sx", new float[] {SX});
    g.bytes("zx", GraphWriter.INT8, new int[] {ZX});
    g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
    g.bytes("wq", GraphWriter.INT8, weights, C, C, 3, 3);
    g.floats("sw", new float[] {SW});
    g.bytes("zw", GraphWriter.INT8, new int[] {0});
    g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "w");
    g.ints("bq", bias, C);
    g.floats("bs", new float[] {SX * SW});
    g.ints("bz", new int[] {0});
    g.node("DequantizeLinear", "b_dq", "bq", "bs", "bz", "b");
    g.node("Conv", "conv", "xf", "w", "b", "acc")
        .addAttribute(GraphWriter.ints("pads", 1, 1, 1, 1));
    g.node("Relu", "relu", "acc", "r");
    g.floats("s1", new float[] {S1});
    g.bytes("z1", GraphWriter.INT8, new int[] {Z1});
    g.node("QuantizeLinear", "r_q", "r", "s1", "z1", "rq");
    g.node("DequantizeLinear", "r_dq", "rq", "s1", "z1", "rf");
    g.node("DequantizeLinear", "x_dq_skip", "xq", "sx", "zx", "xs");
    g.node("Add", "residual", "rf", "xs", "sum");
    String last = "sum";
    if (reluAfterAdd) {
      g.node("Relu", "late_relu", "sum", "sum_relu");
      last = "sum_relu";
    }
    g.floats("s2", new float[] {S2});
    g.bytes("z2", GraphWriter.INT8, new int[] {Z2});
    g.node("QuantizeLinear", "sum_q", last, "s2", "z2", "yq");
    g.node("DequantizeLinear", "y_dq", "yq", "s2", "z2", "y");
    g.output("yq", GraphWriter.INT8, C, SIDE, SIDE);
    g.output("y", GraphWriter.FLOAT, C, SIDE, SIDE);
    return g.toModel(13);
  }

  /**
   * QLinearConv + Relu as a clamp at z1, then QLinearAdd, from the definitions: one sample's output
   * codes.
   */
  private int[] reference(float[] x, int offset) {
    int n = C * SIDE * SIDE;
    int[] qx = new int[n];
    for (int i = 0; i < n; i++) {
      qx[i] = (int) Math.min(127, Math.max(-128, Math.rint(x[offset + i] / SX) + ZX));
    }
    int[] y = new int[n];
    float multiplier = SX * SW / S1;
    for (int m = 0; m < C; m++) {
      for (int oy = 0; oy < SIDE; oy++) {
        for (int ox = 0; ox < SIDE; ox++) {
          long acc = bias[m];
          for (int c = 0; c < C; c++) {
            for (int ky = 0; ky < 3; ky++) {
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy + ky - 1;
                int ix = ox + kx - 1;
                if (iy >= 0 && iy < SIDE && ix >= 0 && ix < SIDE) {
                  acc +=
                      (long) (qx[(c * SIDE + iy) * SIDE + ix] - ZX)
                          * weights[((m * C + c) * 3 + ky) * 3 + kx];
                }
              }
            }
          }
          int at = (m * SIDE + oy) * SIDE + ox;
          int q1 = (int) Math.min(127, Math.max(Z1, Math.rint(acc * (double) multiplier) + Z1));
          float sum = S1 * (float) (q1 - Z1) + SX * (float) (qx[at] - ZX);
          y[at] = (int) Math.min(127, Math.max(-128, Math.rint(sum / S2) + Z2));
        }
      }
    }
    return y;
  }

  @Test
  void aResidualAddRunsAsQLinearAddWithTheFilesParameters() throws Exception {
    byte[] onnx = build(false);
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "residual"));
    assertEquals(2, model.layers().size());
    assertTrue(
        model
            .layers()
            .get(1)
            .description()
            .startsWith("Add (QLinearAdd) of the chain and the input"),
        model.layers().get(1).description());
    Random r = new Random(3);
    int n = C * SIDE * SIDE;
    float[] x = new float[SAMPLES * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 2.5); // some saturate
    }
    IntTensor ours = model.runQuantized(FloatTensor.of(Shape.of(SAMPLES, C, SIDE, SIDE), x));
    for (int s = 0; s < SAMPLES; s++) {
      int[] expected = reference(x, s * n);
      for (int i = 0; i < n; i++) {
        assertEquals(expected[i], ours.get(s * n + i), "sample " + s + ", value " + i);
      }
    }
    byte[][][][] ort = ort(onnx, x);
    int differing = 0;
    for (int s = 0; s < SAMPLES; s++) {
      for (int i = 0; i < n; i++) {
        int theirs = ort[s][i / (SIDE * SIDE)][i / SIDE % SIDE][i % SIDE];
        int diff = Math.abs(theirs - ours.get(s * n + i));
        assertTrue(
            diff <= 1,
            "sample " + s + ", value " + i + ": ORT " + theirs + ", ours " + ours.get(s * n + i));
        differing += diff;
      }
    }
    System.out.println(
        "QDQ residual: "
            + differing
            + " of "
            + SAMPLES * n
            + " codes one step from ONNX Runtime's");
    assertTrue(differing <= SAMPLES * n / 100, differing + " codes differ");
  }

  @Test
  void aFloatOperatorBetweenTheAddAndItsQuantizeLinearIsRejected() {
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(build(true), "residual")));
    assertTrue(
        e.getMessage().contains("'late_relu'") && e.getMessage().contains("the float sum of"),
        e.getMessage());
  }

  private static byte[][][][] ort(byte[] onnx, float[] x) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.x64quantprecision", "1");
      try (OrtSession session = env.createSession(onnx, options);
          ai.onnxruntime.OnnxTensor in =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(x), new long[] {SAMPLES, C, SIDE, SIDE});
          OrtSession.Result result = session.run(Map.of("x", in))) {
        return (byte[][][][]) result.get("yq").orElseThrow().getValue();
      }
    }
  }
}
