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
 * A QDQ channel concatenation imported as it is: x -> Q -> DQ -> Conv (1x1, C -> M) -> Q -> DQ,
 * Concat (axis 1) with a second DQ of x's codes, Q, DQ. The Concat runs as QLinearConcat with the
 * file's parameters: each part dequantized with its own DequantizeLinear's scale and zero point and
 * quantized with the output's, equal to a reference written from the definitions, and to ONNX
 * Runtime's codes within one step (counted).
 */
class QdqConcatTest {
  private static final int C = 2;
  private static final int M = 3;
  private static final int H = 4;
  private static final int W = 5;
  private static final int SAMPLES = 200;
  private static final float SX = 0.05f;
  private static final int ZX = 3;
  private static final float S1 = 0.07f;
  private static final int Z1 = -20;
  private static final float S2 = 0.06f;
  private static final int Z2 = 7;
  private static final float SW = 0.02f;

  private final int[] weights = new int[M * C];

  QdqConcatTest() {
    Random r = new Random(16);
    for (int i = 0; i < weights.length; i++) {
      // |w| <= 63: two products of at most 131 * 63 stay below 2^15 (an int16 pair sum, as some
      // of ONNX Runtime's x86 kernels hold it, cannot saturate)
      weights[i] = r.nextInt(127) - 63;
    }
  }

  /** The graph; {@code convCodes} adds the conv's codes {@code cq} as a second output (for ORT). */
  private byte[] build(long axis, boolean chainFirst, boolean convCodes) {
    GraphWriter g = new GraphWriter("concat");
    g.input("x", GraphWriter.FLOAT, C, H, W);
    g.floats("sx", new float[] {SX});
    g.bytes("zx", GraphWriter.INT8, new int[] {ZX});
    g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
    g.bytes("wq", GraphWriter.INT8, weights, M, C, 1, 1);
    g.floats("sw", new float[] {SW});
    g.bytes("zw", GraphWriter.INT8, new int[] {0});
    g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "w");
    g.node("Conv", "conv", "xf", "w", "acc");
    g.floats("s1", new float[] {S1});
    g.bytes("z1", GraphWriter.INT8, new int[] {Z1});
    g.node("QuantizeLinear", "acc_q", "acc", "s1", "z1", "cq");
    g.node("DequantizeLinear", "c_dq", "cq", "s1", "z1", "cf");
    g.node("DequantizeLinear", "x_dq_skip", "xq", "sx", "zx", "xs");
    if (chainFirst) {
      g.node("Concat", "cat", "cf", "xs", "joined").addAttribute(GraphWriter.integer("axis", axis));
    } else {
      g.node("Concat", "cat", "xs", "cf", "joined").addAttribute(GraphWriter.integer("axis", axis));
    }
    g.floats("s2", new float[] {S2});
    g.bytes("z2", GraphWriter.INT8, new int[] {Z2});
    g.node("QuantizeLinear", "joined_q", "joined", "s2", "z2", "yq");
    g.node("DequantizeLinear", "y_dq", "yq", "s2", "z2", "y");
    g.output("yq", GraphWriter.INT8, C + M, H, W);
    if (convCodes) {
      g.output("cq", GraphWriter.INT8, M, H, W);
    }
    g.output("y", GraphWriter.FLOAT, C + M, H, W);
    return g.toModel(13);
  }

  private static int saturate(double v) {
    return (int) Math.min(127, Math.max(-128, v));
  }

  private static int[] inputCodes(float[] x, int offset) {
    int[] qx = new int[C * H * W];
    for (int i = 0; i < qx.length; i++) {
      qx[i] = saturate(Math.rint(x[offset + i] / SX) + ZX);
    }
    return qx;
  }

  /** QLinearConv (1x1, no bias) from the definition: one sample's conv codes {@code [M, H, W]}. */
  private int[] convCodes(float[] x, int offset) {
    int plane = H * W;
    int[] qx = inputCodes(x, offset);
    int[] q1 = new int[M * plane];
    float multiplier = SX * SW / S1;
    for (int m = 0; m < M; m++) {
      for (int p = 0; p < plane; p++) {
        long acc = 0;
        for (int c = 0; c < C; c++) {
          acc += (long) (qx[c * plane + p] - ZX) * weights[m * C + c];
        }
        q1[m * plane + p] = saturate(Math.rint(acc * (double) multiplier) + Z1);
      }
    }
    return q1;
  }

  /** The conv's codes, then QLinearConcat with the input's, from the definitions. */
  private int[] reference(float[] x, int offset) {
    int plane = H * W;
    int[] qx = inputCodes(x, offset);
    int[] q1 = convCodes(x, offset);
    int[] y = new int[(M + C) * plane];
    for (int i = 0; i < M * plane; i++) {
      y[i] = saturate(Math.rint(S1 * (float) (q1[i] - Z1) / S2) + Z2);
    }
    for (int i = 0; i < C * plane; i++) {
      y[M * plane + i] = saturate(Math.rint(SX * (float) (qx[i] - ZX) / S2) + Z2);
    }
    return y;
  }

  @Test
  void aChannelConcatRunsAsQLinearConcatWithTheFilesParameters() throws Exception {
    for (long axis : new long[] {1, -3}) {
      byte[] onnx = build(axis, true, false);
      QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "concat"));
      assertEquals(2, model.layers().size());
      assertTrue(
          model
              .layers()
              .get(1)
              .description()
              .startsWith("Concat (QLinearConcat) of the chain and the input"),
          model.layers().get(1).description());
      Random r = new Random(3);
      int n = (C + M) * H * W;
      float[] x = new float[SAMPLES * C * H * W];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextGaussian() * 4); // some saturate
      }
      IntTensor ours = model.runQuantized(FloatTensor.of(Shape.of(SAMPLES, C, H, W), x));
      assertEquals(Shape.of(SAMPLES, C + M, H, W), ours.shape());
      for (int s = 0; s < SAMPLES; s++) {
        int[] expected = reference(x, s * C * H * W);
        for (int i = 0; i < n; i++) {
          assertEquals(
              expected[i], ours.get(s * n + i), "axis " + axis + ", sample " + s + ", " + i);
        }
      }
      byte[][][][][] ort = ort(build(axis, true, true), x);
      int plane = H * W;
      int convSteps = 0;
      for (int s = 0; s < SAMPLES; s++) {
        for (int i = 0; i < n; i++) {
          int theirs = ort[0][s][i / plane][i / W % H][i % W];
          if (i < M * plane) {
            // ORT's concat of its own conv codes is QLinearConcat's formula exactly
            int theirConv = ort[1][s][i / plane][i / W % H][i % W];
            assertEquals(
                saturate(Math.rint(S1 * (float) (theirConv - Z1) / S2) + Z2),
                theirs,
                "ORT's concat, sample " + s + ", value " + i);
            // ORT's conv may land one step away: on x86 it runs a float Conv between DQ and Q, and
            // here acc * sx * sw / s1 = acc / 70 hits exact ties (acc = 35 * odd), which the
            // float32
            // multiplier (a little above 1/70) rounds away from zero and ORT's float Conv to even
            int ourConv = convCodes(x, s * C * H * W)[i];
            assertTrue(Math.abs(theirConv - ourConv) <= 1, "conv, sample " + s + ", " + i);
            convSteps += Math.abs(theirConv - ourConv);
          } else {
            assertEquals(ours.get(s * n + i), theirs, "the input's part, sample " + s + ", " + i);
          }
        }
      }
      System.out.println(
          "QDQ concat (axis "
              + axis
              + "): ORT's concat is QLinearConcat of its own codes on all "
              + SAMPLES * n
              + " values; its conv codes are one step from ours at "
              + convSteps
              + " of "
              + SAMPLES * M * plane);
    }
  }

  @Test
  void theChainMustComeFirstOnTheChannelAxis() {
    UnsupportedOperatorException second =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(build(1, false, false), "concat")));
    assertTrue(
        second.getMessage().contains("'cat'") && second.getMessage().contains("expected it first"),
        second.getMessage());
    UnsupportedOperatorException axis =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(build(2, true, false), "concat")));
    assertTrue(
        axis.getMessage().contains("'cat'") && axis.getMessage().contains("axis 2"),
        axis.getMessage());
  }

  /** ORT's {@code yq} and {@code cq}. */
  private static byte[][][][][] ort(byte[] onnx, float[] x) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.x64quantprecision", "1");
      try (OrtSession session = env.createSession(onnx, options);
          ai.onnxruntime.OnnxTensor in =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(x), new long[] {SAMPLES, C, H, W});
          OrtSession.Result result = session.run(Map.of("x", in))) {
        return new byte[][][][][] {
          (byte[][][][]) result.get("yq").orElseThrow().getValue(),
          (byte[][][][]) result.get("cq").orElseThrow().getValue()
        };
      }
    }
  }
}
