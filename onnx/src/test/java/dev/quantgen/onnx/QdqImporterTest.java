package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link QdqImporter} on tiny QDQ graphs written here: a Conv (2 -> 3 channels, 3x3, stride 2, pad
 * 1 on 5x5) with int8 or uint8 weights, per tensor or per axis, an int32 bias and ReLU, between
 * int8 or uint8 activations. Its outputs are checked against the QLinearConv formula computed here
 * from the graph's own numbers and against ONNX Runtime; each pattern that cannot run exactly is
 * rejected naming the node and the reason.
 */
class QdqImporterTest {
  private static final int SAMPLES = 40;
  private static final int C = 2;
  private static final int M = 3;
  private static final int SIDE = 5;
  private static final int OUT = 3; // (5 + 2 - 3) / 2 + 1

  /** The knobs of one tiny graph; each test changes one. */
  private static final class Tiny {
    boolean uint8Activations;
    boolean perAxisWeights = true;
    boolean uint8Weights;
    boolean bias = true;
    float biasScaleFactor = 1f;
    int biasZeroPoint;
    boolean floatBias;
    boolean floatWeights;
    boolean perAxisOutputScale;
    String opBetweenConvAndQ;
    String opBetweenDqAndConv;
    String clip;
    boolean outputFloatConv;
    float requantizeOutputScale;
    boolean reluAfterQuantize;

    final float sx = 0.05f;
    final float sy = 0.3f;
    final float[] sw = {0.02f, 0.013f, 0.031f};
    final int[] weights = new int[M * C * 9];
    final int[] zw = {120, 128, 135};
    final int[] biasValues = new int[M];

    Tiny() {
      Random r = new Random(16);
      for (int i = 0; i < weights.length; i++) {
        weights[i] = r.nextInt(255) - 127;
      }
      weights[0] = -128; // the one int8 value outside the range our own quantizer writes
      for (int m = 0; m < M; m++) {
        biasValues[m] = r.nextInt(4001) - 2000;
      }
    }

    int zx() {
      return uint8Activations ? 131 : 3;
    }

    int zy() {
      return uint8Activations ? 123 : -5;
    }

    float weightScale(int m) {
      return perAxisWeights ? sw[m] : sw[0];
    }

    /** The stored weight code of element {@code i} (of output channel {@code i / (C * 9)}). */
    int weightCode(int i) {
      return uint8Weights ? Math.min(255, Math.max(0, weights[i] + zw[i / (C * 9)])) : weights[i];
    }

    int weightZero(int m) {
      return uint8Weights ? zw[perAxisWeights ? m : 0] : 0;
    }

    byte[] build() {
      int act = uint8Activations ? GraphWriter.UINT8 : GraphWriter.INT8;
      GraphWriter g = new GraphWriter("tiny");
      g.input("x", GraphWriter.FLOAT, C, SIDE, SIDE);
      g.floats("sx", new float[] {sx});
      g.bytes("zx", act, new int[] {zx()});
      g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
      g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
      String convInput = "xf";
      if (opBetweenDqAndConv != null) {
        g.node(opBetweenDqAndConv, "between_dq", "xf", "xf2");
        convInput = "xf2";
      }
      int[] codes = new int[weights.length];
      for (int i = 0; i < codes.length; i++) {
        codes[i] = weightCode(i);
      }
      String w;
      if (floatWeights) {
        float[] f = new float[codes.length];
        for (int i = 0; i < f.length; i++) {
          f[i] = codes[i] * sw[0];
        }
        g.floats("w", f, M, C, 3, 3);
        w = "w";
      } else {
        int wt = uint8Weights ? GraphWriter.UINT8 : GraphWriter.INT8;
        g.bytes("wq", wt, codes, M, C, 3, 3);
        int channels = perAxisWeights ? M : 1;
        long[] dims = perAxisWeights ? new long[] {M} : new long[0];
        float[] scales = new float[channels];
        int[] zeros = new int[channels];
        for (int m = 0; m < channels; m++) {
          scales[m] = weightScale(m);
          zeros[m] = weightZero(m);
        }
        g.floats("sw", scales, dims);
        g.bytes("zw", wt, zeros, dims);
        g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "w")
            .addAttribute(GraphWriter.integer("axis", 0));
        w = "w";
      }
      OnnxNodeInputs conv = new OnnxNodeInputs(convInput, w);
      if (bias) {
        if (floatBias) {
          g.floats("b", new float[] {0.1f, -0.2f, 0.3f}, M);
        } else {
          float[] bs = new float[M];
          int[] bz = new int[M];
          for (int m = 0; m < M; m++) {
            bs[m] = sx * weightScale(m) * (m == 1 ? biasScaleFactor : 1f);
            bz[m] = m == 2 ? biasZeroPoint : 0;
          }
          g.ints("bq", biasValues, M);
          g.floats("bs", bs, M);
          g.ints("bz", bz, M);
          g.node("DequantizeLinear", "b_dq", "bq", "bs", "bz", "b")
              .addAttribute(GraphWriter.integer("axis", 0));
        }
        conv.add("b");
      }
      g.node("Conv", "conv", conv.with("acc"))
          .addAttribute(GraphWriter.ints("kernel_shape", 3, 3))
          .addAttribute(GraphWriter.ints("strides", 2, 2))
          .addAttribute(GraphWriter.ints("pads", 1, 1, 1, 1));
      String y = "acc";
      if (outputFloatConv) {
        g.output("acc", GraphWriter.FLOAT, M, OUT, OUT);
        return g.toModel(13);
      }
      if (clip != null) {
        String[] bounds = clip.split(",");
        g.floats("lo", new float[] {Float.parseFloat(bounds[0])});
        g.floats("hi", new float[] {Float.parseFloat(bounds[1])});
        g.node("Clip", "clip", y, "lo", "hi", "clipped");
        y = "clipped";
      } else if (!reluAfterQuantize) {
        g.node("Relu", "relu", y, "relu_y");
        y = "relu_y";
      }
      if (opBetweenConvAndQ != null) {
        g.node(opBetweenConvAndQ, "between", y, "between_y");
        y = "between_y";
      }
      if (perAxisOutputScale) {
        g.floats("sy", new float[] {sy, sy, sy}, M);
        g.bytes("zy", act, new int[] {zy(), zy(), zy()}, M);
        g.node("QuantizeLinear", "y_q", y, "sy", "zy", "yq")
            .addAttribute(GraphWriter.integer("axis", 1));
      } else {
        g.floats("sy", new float[] {sy});
        g.bytes("zy", act, new int[] {zy()});
        g.node("QuantizeLinear", "y_q", y, "sy", "zy", "yq");
      }
      String last = "yq";
      if (reluAfterQuantize) { // its own QDQ group: DQ -> Relu -> Q with the same parameters
        g.node("DequantizeLinear", "y_dq_relu", "yq", "sy", "zy", "yf_relu");
        g.node("Relu", "relu", "yf_relu", "relu_y");
        g.node("QuantizeLinear", "y_q_relu", "relu_y", "sy", "zy", "yq_relu");
        last = "yq_relu";
      }
      if (requantizeOutputScale != 0) {
        g.node("DequantizeLinear", "y_dq0", "yq", "sy", "zy", "yf0");
        g.floats("sy2", new float[] {requantizeOutputScale});
        g.node("QuantizeLinear", "y_requant", "yf0", "sy2", "zy", "yq2");
        last = "yq2";
      }
      g.node("DequantizeLinear", "y_dq", last, "sy", "zy", "y");
      g.output(last, act, M, OUT, OUT);
      g.output("y", GraphWriter.FLOAT, M, OUT, OUT);
      return g.toModel(13);
    }

    /**
     * QLinearConv from the graph's numbers, then ReLU as a clamp at zy: the output codes of one
     * sample.
     */
    int[] reference(float[] x) {
      int lo = uint8Activations ? 0 : -128;
      int hi = uint8Activations ? 255 : 127;
      int[] qx = new int[x.length];
      for (int i = 0; i < x.length; i++) {
        qx[i] = (int) Math.min(hi, Math.max(lo, Math.rint(x[i] / sx) + zx()));
      }
      // ReLU clamps at the zero point; Clip at its bounds quantized like any value (float32
      // division, rint, zero point, saturation)
      int actLo = Math.max(lo, zy());
      int actHi = hi;
      if (clip != null) {
        String[] bounds = clip.split(",");
        actLo =
            (int) Math.min(hi, Math.max(lo, Math.rint(Float.parseFloat(bounds[0]) / sy) + zy()));
        actHi =
            (int) Math.min(hi, Math.max(lo, Math.rint(Float.parseFloat(bounds[1]) / sy) + zy()));
      }
      int[] y = new int[M * OUT * OUT];
      for (int m = 0; m < M; m++) {
        float multiplier = sx * weightScale(m) / sy;
        for (int oy = 0; oy < OUT; oy++) {
          for (int ox = 0; ox < OUT; ox++) {
            long acc = bias ? biasValues[m] : 0;
            for (int c = 0; c < C; c++) {
              for (int ky = 0; ky < 3; ky++) {
                for (int kx = 0; kx < 3; kx++) {
                  int iy = oy * 2 + ky - 1;
                  int ix = ox * 2 + kx - 1;
                  if (iy >= 0 && iy < SIDE && ix >= 0 && ix < SIDE) {
                    int wi = ((m * C + c) * 3 + ky) * 3 + kx;
                    acc +=
                        (long) (qx[(c * SIDE + iy) * SIDE + ix] - zx())
                            * (weightCode(wi) - weightZero(m));
                  }
                }
              }
            }
            long q = (long) Math.rint(acc * (double) multiplier) + zy();
            y[(m * OUT + oy) * OUT + ox] = (int) Math.min(actHi, Math.max(actLo, q));
          }
        }
      }
      return y;
    }
  }

  /** A node's inputs, then its output. */
  private static final class OnnxNodeInputs {
    private final java.util.List<String> names = new java.util.ArrayList<>();

    OnnxNodeInputs(String... first) {
      names.addAll(java.util.List.of(first));
    }

    void add(String name) {
      names.add(name);
    }

    String[] with(String output) {
      java.util.List<String> all = new java.util.ArrayList<>(names);
      all.add(output);
      return all.toArray(new String[0]);
    }
  }

  // ---- what runs, and exactly ----

  @ParameterizedTest(name = "{0} activations, {1} weights {2}, bias {3}")
  @CsvSource({
    "int8, int8, per-axis, true",
    "int8, int8, per-tensor, true",
    "uint8, int8, per-axis, true",
    "uint8, int8, per-tensor, false",
    "uint8, uint8, per-axis, true",
    "int8, uint8, per-tensor, true"
  })
  void convOutputsAreTheQLinearConvFormulaAndOnnxRuntimesCodes(
      String activations, String weights, String scales, boolean bias)
      throws OrtException, IOException {
    Tiny t = new Tiny();
    t.uint8Activations = activations.equals("uint8");
    t.uint8Weights = weights.equals("uint8");
    t.perAxisWeights = scales.equals("per-axis");
    t.bias = bias;
    byte[] onnx = t.build();
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "tiny"));
    float[] x = inputs();
    IntTensor ours = model.runFileCodes(FloatTensor.of(Shape.of(SAMPLES, C, SIDE, SIDE), x));
    int per = M * OUT * OUT;
    byte[][][][] theirs = ort(onnx, x, "yq");
    int differing = 0;
    for (int s = 0; s < SAMPLES; s++) {
      float[] xs = java.util.Arrays.copyOfRange(x, s * C * SIDE * SIDE, (s + 1) * C * SIDE * SIDE);
      int[] expected = t.reference(xs);
      for (int i = 0; i < per; i++) {
        assertEquals(expected[i], ours.get(s * per + i), "sample " + s + " output " + i);
        byte b = theirs[s][i / (OUT * OUT)][i / OUT % OUT][i % OUT];
        int ort = t.uint8Activations ? Byte.toUnsignedInt(b) : b;
        assertTrue(
            Math.abs(ort - expected[i]) <= 1,
            "ORT " + ort + " vs " + expected[i] + " at " + s + ", " + i);
        differing += ort != expected[i] ? 1 : 0;
      }
    }
    System.out.printf(
        "tiny QDQ Conv (%s activations, %s %s weights, bias %s): %d of %d codes differ from ORT%n",
        activations, scales, weights, bias, differing, SAMPLES * per);
  }

  @ParameterizedTest
  @CsvSource({"int8", "uint8"})
  void reluInItsOwnQdqGroupClampsTheCodesAtTheZeroPoint(String activations) throws Exception {
    Tiny t = new Tiny();
    t.uint8Activations = activations.equals("uint8");
    t.reluAfterQuantize = true;
    byte[] onnx = t.build();
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "tiny"));
    float[] x = inputs();
    IntTensor ours = model.runFileCodes(FloatTensor.of(Shape.of(SAMPLES, C, SIDE, SIDE), x));
    byte[][][][] theirs = ort(onnx, x, "yq_relu");
    int per = M * OUT * OUT;
    for (int s = 0; s < SAMPLES; s++) {
      int[] expected =
          t.reference(
              java.util.Arrays.copyOfRange(x, s * C * SIDE * SIDE, (s + 1) * C * SIDE * SIDE));
      for (int i = 0; i < per; i++) {
        assertEquals(expected[i], ours.get(s * per + i), "sample " + s + " output " + i);
        byte b = theirs[s][i / (OUT * OUT)][i / OUT % OUT][i % OUT];
        int ort = t.uint8Activations ? Byte.toUnsignedInt(b) : b;
        assertTrue(
            Math.abs(ort - expected[i]) <= 1,
            "ORT " + ort + " vs " + expected[i] + " at " + s + ", " + i);
      }
    }
  }

  @Test
  void dequantizedOutputUsesTheLastDequantizeLinear() throws IOException {
    Tiny t = new Tiny();
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(t.build(), "tiny"));
    FloatTensor x = FloatTensor.of(Shape.of(SAMPLES, C, SIDE, SIDE), inputs());
    IntTensor q = model.runFileCodes(x);
    FloatTensor y = model.run(x);
    for (int i = 0; i < q.size(); i++) {
      assertEquals((q.get(i) - t.zy()) * t.sy, y.get(i), 0f, "output " + i);
    }
  }

  /**
   * MatMul with a {@code [K, N]} weight whose scales lie on axis 1 (the output columns, as ONNX
   * Runtime's quantizer writes them), reached through a DQ -> MaxPool-free Flatten -> Q detour; no
   * bias. Checked against the formula.
   */
  @Test
  void matMulWithPerColumnWeightScalesIsTheIntegerFormula() throws IOException {
    int k = 6;
    int n = 4;
    float sx = 0.04f;
    float sy = 0.05f;
    float[] sw = {0.011f, 0.007f, 0.02f, 0.013f};
    int[] w = new int[k * n];
    Random r = new Random(3);
    for (int i = 0; i < w.length; i++) {
      w[i] = r.nextInt(256) - 128;
    }
    GraphWriter g = new GraphWriter("matmul");
    g.input("x", GraphWriter.FLOAT, k);
    g.floats("sx", new float[] {sx});
    g.bytes("zx", GraphWriter.INT8, new int[] {-7});
    g.node("QuantizeLinear", "x_q", "x", "sx", "zx", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "sx", "zx", "xf");
    g.node(
        "Flatten", "flat", "xf",
        "xflat"); // on the dequantized value: the same codes, still dequantized
    g.node("QuantizeLinear", "x_q2", "xflat", "sx", "zx", "xq2");
    g.node("DequantizeLinear", "x_dq2", "xq2", "sx", "zx", "xf2");
    g.bytes("wq", GraphWriter.INT8, w, k, n);
    g.floats("sw", sw, n);
    g.bytes("zw", GraphWriter.INT8, new int[n], n);
    g.node("DequantizeLinear", "w_dq", "wq", "sw", "zw", "wf")
        .addAttribute(GraphWriter.integer("axis", -1));
    g.node("MatMul", "matmul", "xf2", "wf", "acc");
    g.floats("sy", new float[] {sy});
    g.bytes("zy", GraphWriter.INT8, new int[] {2});
    g.node("QuantizeLinear", "y_q", "acc", "sy", "zy", "yq");
    g.output("yq", GraphWriter.INT8, n);
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(g.toModel(13), "matmul"));
    float[] x = new float[SAMPLES * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 3);
    }
    IntTensor ours = model.runFileCodes(FloatTensor.of(Shape.of(SAMPLES, k), x));
    for (int s = 0; s < SAMPLES; s++) {
      for (int o = 0; o < n; o++) {
        long acc = 0;
        for (int i = 0; i < k; i++) {
          int qx = (int) Math.min(127, Math.max(-128, Math.rint(x[s * k + i] / sx) - 7));
          acc += (long) (qx + 7) * w[i * n + o];
        }
        float multiplier = sx * sw[o] / sy;
        int expected =
            (int) Math.min(127, Math.max(-128, Math.rint(acc * (double) multiplier) + 2));
        assertEquals(expected, ours.get(s * n + o), "sample " + s + " output " + o);
      }
    }
  }

  // ---- what is rejected, naming the node and the reason ----

  @Test
  void gemmAlphaOtherThanOneIsRejected() {
    GraphWriter g = new GraphWriter("gemm");
    g.input("x", GraphWriter.FLOAT, 2);
    g.floats("s", new float[] {0.1f});
    g.bytes("z", GraphWriter.INT8, new int[] {0});
    g.node("QuantizeLinear", "x_q", "x", "s", "z", "xq");
    g.node("DequantizeLinear", "x_dq", "xq", "s", "z", "xf");
    g.bytes("wq", GraphWriter.INT8, new int[] {1, 2, 3, 4}, 2, 2);
    g.node("DequantizeLinear", "w_dq", "wq", "s", "z", "wf");
    g.node("Gemm", "gemm", "xf", "wf", "acc")
        .addAttribute(
            OnnxMl.AttributeProto.newBuilder()
                .setName("alpha")
                .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(2f)
                .build());
    g.node("QuantizeLinear", "y_q", "acc", "s", "z", "yq");
    g.output("yq", GraphWriter.INT8, 2);
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(g.toModel(13), "gemm")));
    assertEquals(
        "node 'gemm' (Gemm): alpha 2.0, beta 1.0: a float scaling of the accumulator or bias has no exact"
            + " int8 form, expected 1 and 1",
        e.getMessage());
  }

  @Test
  void perChannelActivationScalesAreRejected() {
    assertRejected(
        t -> t.perAxisOutputScale = true,
        "node 'y_q' (QuantizeLinear): per-axis activation scales"
            + " (3 values on axis 1): the int8 layers take one scale and zero point per activation tensor");
  }

  @Test
  void aFloatOperatorBetweenTheConvAndItsQuantizeLinearIsRejected() {
    assertRejected(
        t -> t.opBetweenConvAndQ = "Sigmoid",
        "node 'between' (Sigmoid): operator 'Sigmoid' between"
            + " 'conv' (Conv) and its QuantizeLinear: only Relu and Clip with constant bounds can be"
            + " fused there");
  }

  @Test
  void aFloatOperatorBetweenDequantizeLinearAndTheConvIsRejected() {
    assertRejected(
        t -> t.opBetweenDqAndConv = "Tanh",
        "node 'between_dq' (Tanh): operator 'Tanh' on the"
            + " dequantized 'xf' (from 'x_dq' (DequantizeLinear)): a float operator between DequantizeLinear and"
            + " QuantizeLinear that the QDQ import does not run");
  }

  @Test
  void floatWeightsAreRejected() {
    assertRejected(
        t -> t.floatWeights = true,
        "node 'conv' (Conv): weight 'w' is a float initializer: in a QDQ"
            + " model it must be a DequantizeLinear of an integer initializer");
  }

  @Test
  void aFloatBiasIsRejected() {
    assertRejected(t -> t.floatBias = true, "node 'conv' (Conv): bias 'b' is a float initializer");
  }

  @Test
  void aBiasScaleOtherThanInputTimesWeightScaleIsRejected() {
    assertRejected(
        t -> t.biasScaleFactor = 1.5f, "node 'conv' (Conv): bias 'bq' channel 1 has scale ");
  }

  @Test
  void aBiasZeroPointIsRejected() {
    assertRejected(
        t -> t.biasZeroPoint = 7,
        "node 'conv' (Conv): bias 'bq' has zero point 7 at 2: expected 0");
  }

  @Test
  void clipBoundsOutOfOrderAreRejected() {
    assertRejected(
        t -> t.clip = "1,-1",
        "node 'clip' (Clip): clips to [1.0, -1.0]: expected numbers with min < max");
  }

  /**
   * Clip(-0.15, 0.75) before the QuantizeLinear (scale 0.3): the bounds are ties of the output
   * grid, -0.5 and 2.5, so the codes clamp at zy + 0 and zy + 2 (half to even; away from zero would
   * give zy - 1 and zy + 3). Our codes are the reference's exactly, ORT's within one step.
   */
  @ParameterizedTest
  @CsvSource({"int8", "uint8"})
  void clipWithConstantBoundsClampsTheCodesToTheQuantizedBounds(String activations)
      throws Exception {
    Tiny t = new Tiny();
    t.uint8Activations = activations.equals("uint8");
    t.clip = "-0.15,0.75";
    byte[] onnx = t.build();
    QdqModel model = QdqImporter.importModel(OnnxModel.parse(onnx, "tiny"));
    float[] x = inputs();
    IntTensor ours = model.runFileCodes(FloatTensor.of(Shape.of(SAMPLES, C, SIDE, SIDE), x));
    byte[][][][] theirs = ort(onnx, x, "yq");
    int per = M * OUT * OUT;
    int atLower = 0;
    int atUpper = 0;
    for (int s = 0; s < SAMPLES; s++) {
      int[] expected =
          t.reference(
              java.util.Arrays.copyOfRange(x, s * C * SIDE * SIDE, (s + 1) * C * SIDE * SIDE));
      for (int i = 0; i < per; i++) {
        int code = ours.get(s * per + i);
        assertEquals(expected[i], code, "sample " + s + " output " + i);
        assertTrue(code >= t.zy() && code <= t.zy() + 2, "code " + code);
        atLower += code == t.zy() ? 1 : 0;
        atUpper += code == t.zy() + 2 ? 1 : 0;
        byte b = theirs[s][i / (OUT * OUT)][i / OUT % OUT][i % OUT];
        int ort = t.uint8Activations ? Byte.toUnsignedInt(b) : b;
        assertTrue(
            Math.abs(ort - expected[i]) <= 1,
            "ORT " + ort + " vs " + expected[i] + " at " + s + ", " + i);
      }
    }
    assertTrue(atLower > 0 && atUpper > 0, "both bounds reached: " + atLower + ", " + atUpper);
  }

  @Test
  void aConvWhoseOutputIsNotQuantizedIsRejected() {
    assertRejected(
        t -> t.outputFloatConv = true,
        "tiny: graph output 'acc' is the float result of 'conv' (Conv),"
            + " not quantized by a QuantizeLinear");
  }

  @Test
  void aBareRequantizationIsRejected() {
    assertRejected(
        t -> t.requantizeOutputScale = 0.7f,
        "node 'y_requant' (QuantizeLinear): requantizes 'yf0'"
            + " from scale 0.3 / zero point -5 (int8 domain) to scale 0.7 / zero point -5 (int8 domain)");
  }

  @Test
  void theFloatLoweringPointsAtTheQdqImport() {
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> {
              Tiny t = new Tiny();
              t.outputFloatConv = true; // one output, as the float lowering expects
              GraphLowering.lower(OnnxModel.parse(t.build(), "tiny"));
            });
    assertEquals(
        "node 'x_q' (QuantizeLinear): a pre-quantized (QDQ) model is not lowered as a float model: import"
            + " it as it is with QdqImporter (quantgen eval --precision as-is)",
        e.getMessage());
  }

  private static void assertRejected(Consumer<Tiny> change, String expectedStart) {
    Tiny t = new Tiny();
    change.accept(t);
    byte[] onnx = t.build();
    UnsupportedOperatorException e =
        assertThrows(
            UnsupportedOperatorException.class,
            () -> QdqImporter.importModel(OnnxModel.parse(onnx, "tiny")));
    assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
  }

  private static float[] inputs() {
    Random r = new Random(7);
    float[] x = new float[SAMPLES * C * SIDE * SIDE];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextGaussian() * 2.5); // some saturate at the input quantization
    }
    x[0] = 0.025f; // a tie: x / sx = 0.5 rounds to 0, half to even
    x[1] = 0.075f; // 1.5 rounds to 2
    return x;
  }

  private static byte[][][][] ort(byte[] onnx, float[] x, String output) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.x64quantprecision", "1");
      try (OrtSession session = env.createSession(onnx, options);
          ai.onnxruntime.OnnxTensor in =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(x), new long[] {SAMPLES, C, SIDE, SIDE});
          OrtSession.Result result = session.run(Map.of("x", in))) {
        return (byte[][][][]) result.get(output).orElseThrow().getValue();
      }
    }
  }
}
