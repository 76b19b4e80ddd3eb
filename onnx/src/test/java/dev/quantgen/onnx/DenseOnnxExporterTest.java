package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseConfig;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX models {@link DenseOnnxExporter} writes, run by ONNX Runtime 1.20 on a small seeded
 * perceptron of odd sizes (7-5-4-3-2, ReLU6, Clip(-0.4, 0.9), ReLU, none), against the runtime's
 * reference kernels; and its refusals. The Fashion-MNIST agreement on the generated kernels is in
 * the examples module.
 */
class DenseOnnxExporterTest {
  /** ORT session option: the exact uint8 x int8 kernel on x86 without VNNI (see the last test). */
  private static final String EXACT_U8S8 = "session.x64quantprecision";

  private static final int[] SIZES = {7, 5, 4, 3, 2};
  private static final Activation[] ACTIVATIONS = {
    Activation.RELU6, Activation.clip(-0.4f, 0.9f), Activation.RELU, Activation.NONE
  };
  private static final int SAMPLES = 64;

  private final Random random = new Random(5);
  private final FloatModel model = randomMlp();
  private final float[] inputs = randomInputs();

  @Test
  void fp32ModelComputesTheReferenceWithinFloatReassociation() throws OrtException {
    float[][] theirs = run(DenseOnnxExporter.fp32(model), inputs, SAMPLES, false);
    for (int s = 0; s < SAMPLES; s++) {
      float[] x = sample(s);
      for (FloatLayer layer : model.layers()) {
        float[] y = new float[layer.weights().out()];
        DenseReference.fp32(layer.weights(), layer.activation(), x, y);
        x = y;
      }
      // sums of at most 7 products of magnitude < 10: float32 reassociation stays far below 1e-5
      assertArrayEquals(x, theirs[s], 1e-5f, "sample " + s);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-channel", "per-tensor", "asymmetric per-channel"})
  void staticQdqModelEqualsTheRuntimeInt8ChainWithInt8AndUint8Activations(String weights)
      throws OrtException {
    QuantizedModel q =
        quantize(
            LayerQuantization.of(Precision.INT8)
                .withRequantization(RequantMode.FLOAT)
                .withPerChannel(!weights.equals("per-tensor"))
                .withSymmetric(!weights.startsWith("asymmetric")));
    for (QuantType type : List.of(QuantType.INT8, QuantType.UINT8)) {
      int offset = type == QuantType.UINT8 ? 128 : 0;
      byte[][] theirs = runQuantized(DenseOnnxExporter.staticQdq(q, type), inputs, SAMPLES);
      for (int s = 0; s < SAMPLES; s++) {
        byte[] mine = int8Chain(q, sample(s));
        for (int c = 0; c < mine.length; c++) {
          int value = offset == 0 ? theirs[s][c] : Byte.toUnsignedInt(theirs[s][c]);
          assertEquals(
              mine[c] + offset,
              value,
              weights + " weights, " + type + " sample " + s + " output " + c);
        }
      }
    }
  }

  @Test
  void dynamicModelEqualsTheRuntimeBitForBitOneSampleAtATime() throws OrtException {
    QuantizedModel q =
        quantize(LayerQuantization.of(Precision.INT8).withMode(ActivationMode.DYNAMIC));
    byte[] onnx = DenseOnnxExporter.dynamic(q);
    float[] mine = new float[2];
    for (int s = 0; s < SAMPLES; s++) {
      float[] x = sample(s);
      q.forward(x, mine);
      // one sample per run: DynamicQuantizeLinear quantizes its whole input tensor with one scale
      assertArrayEquals(mine, run(onnx, x, 1, true)[0], 0f, "sample " + s);
    }
  }

  @Test
  void int4WeightsExportAsInt8ValuesForMatMulInteger() throws OrtException {
    QuantizedModel q = quantize(LayerQuantization.of(Precision.INT4));
    byte[] onnx = DenseOnnxExporter.dynamic(q);
    float[] mine = new float[2];
    for (int s = 0; s < 8; s++) {
      float[] x = sample(s);
      q.forward(x, mine);
      assertArrayEquals(mine, run(onnx, x, 1, true)[0], 0f, "sample " + s);
    }
  }

  /**
   * Why the agreement tests set {@link #EXACT_U8S8}: two uint8 x int8 products of 255 x -127 sum to
   * -64770, outside int16. ORT's exact kernel gets it; its default kernel on x86 without VNNI
   * (VPMADDUBSW) saturates the pair to -32768; with VNNI the default is exact too.
   */
  @Test
  void onnxRuntimeDefaultKernelMaySaturatePairsOfProductsTheExactOneDoesNot() throws OrtException {
    DenseWeights w = DenseWeights.of(2, 1, new float[] {-1f, -1f}, new float[] {0f});
    FloatModel single = FloatModel.of(List.of(new FloatLayer("fc", w, Activation.NONE)));
    float[] x = {1f, 1f};
    QuantizedModel q =
        PostTrainingQuantizer.quantize(
            single,
            PtqConfig.of(LayerQuantization.of(Precision.INT8).withMode(ActivationMode.DYNAMIC)),
            x,
            1);
    byte[] onnx = DenseOnnxExporter.dynamic(q);
    float[] mine = new float[1];
    q.forward(x, mine);
    float scale = (1f / 255f) * (1f / 127f); // sa * sw, as both sides compute it
    assertEquals(-64770 * scale, mine[0], 0f, "ours: qa = 255, qw = -127, exact int32");
    assertEquals(mine[0], run(onnx, x, 1, true)[0][0], 0f, "ORT with " + EXACT_U8S8);
    float fast = run(onnx, x, 1, false)[0][0];
    assertTrue(
        fast == mine[0] || fast == -32768 * scale,
        "ORT default kernel: exact or int16-saturated, got " + fast);
  }

  @Test
  void staticQdqRejectsAnActivationTypeOtherThanInt8OrUint8() {
    QuantizedModel q =
        quantize(LayerQuantization.of(Precision.INT8).withRequantization(RequantMode.FLOAT));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DenseOnnxExporter.staticQdq(q, QuantType.INT16));
    assertEquals("activationType: expected INT8 or UINT8, got INT16", e.getMessage());
  }

  @Test
  void staticQdqRejectsIntegerOnlyRequantization() {
    QuantizedModel q = quantize(LayerQuantization.of(Precision.INT8));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DenseOnnxExporter.staticQdq(q, QuantType.INT8));
    assertTrue(
        e.getMessage().startsWith("model: layer 0 (fc1) requantizes INTEGER, expected FLOAT"),
        e.getMessage());
  }

  @Test
  void staticQdqRejectsLayersWithoutStaticActivations() {
    QuantizedModel q =
        quantize(LayerQuantization.of(Precision.INT8).withMode(ActivationMode.DYNAMIC));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DenseOnnxExporter.staticQdq(q, QuantType.INT8));
    assertEquals(
        "model: layer 0 (fc1) is int8 dynamic, expected INT8 or INT4 weights with STATIC activations",
        e.getMessage());
  }

  @Test
  void staticQdqRejectsALayerThatReadsOtherParamsThanThePreviousWrote() {
    QuantizedDenseConfig config =
        new QuantizedDenseConfig(
            QuantType.INT8,
            true,
            true,
            0,
            ActivationMode.STATIC,
            RequantMode.FLOAT,
            Activation.NONE);
    DenseWeights w =
        DenseWeights.of(2, 2, new float[] {1f, -1f, 0.5f, 0.25f}, new float[] {0f, 0f});
    ActivationParams a = new ActivationParams(0.01f, 0);
    ActivationParams b = new ActivationParams(0.02f, 0);
    QuantizedModel q =
        QuantizedModel.of(
            List.of(
                new PreparedLayer.Quantized(
                    "first", QuantizedDenseParams.prepare("first", w, config, a, a)),
                new PreparedLayer.Quantized(
                    "second", QuantizedDenseParams.prepare("second", w, config, b, b))));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DenseOnnxExporter.staticQdq(q, QuantType.INT8));
    assertEquals(
        "model: layer 1 (second) reads " + b + ", expected the previous layer's output params " + a,
        e.getMessage());
  }

  @Test
  void dynamicRejectsStaticLayers() {
    QuantizedModel q = quantize(LayerQuantization.of(Precision.INT8));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DenseOnnxExporter.dynamic(q));
    assertEquals(
        "model: layer 0 (fc1) is int8 static, expected INT8 or INT4 weights with DYNAMIC activations",
        e.getMessage());
  }

  @Test
  void dynamicRejectsBlockwiseScales() {
    QuantizedModel q = quantize(LayerQuantization.of(Precision.INT4).withBlockSize(2));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DenseOnnxExporter.dynamic(q));
    assertEquals(
        "model: layer 0 (fc1) has blockSize 2, expected 0 (MatMulInteger has no blockwise scales)",
        e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------

  private FloatModel randomMlp() {
    FloatLayer[] layers = new FloatLayer[ACTIVATIONS.length];
    for (int l = 0; l < layers.length; l++) {
      float[] w = new float[SIZES[l] * SIZES[l + 1]];
      float[] b = new float[SIZES[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian();
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (random.nextGaussian() * 0.5);
      }
      layers[l] =
          new FloatLayer(
              "fc" + (l + 1), DenseWeights.of(SIZES[l], SIZES[l + 1], w, b), ACTIVATIONS[l]);
    }
    return FloatModel.of(List.of(layers));
  }

  private float[] randomInputs() {
    float[] x = new float[SAMPLES * SIZES[0]];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (random.nextGaussian() * 2); // signed inputs: nonzero input zero points
    }
    return x;
  }

  private float[] sample(int s) {
    float[] x = new float[SIZES[0]];
    System.arraycopy(inputs, s * SIZES[0], x, 0, x.length);
    return x;
  }

  private QuantizedModel quantize(LayerQuantization layers) {
    return PostTrainingQuantizer.quantize(model, PtqConfig.of(layers), inputs, SAMPLES);
  }

  /** The runtime's static kernels from int8 input to int8 output. */
  private static byte[] int8Chain(QuantizedModel q, float[] x) {
    byte[] qx = new byte[x.length];
    ((StaticQuantizedLayer) q.kernel(0)).quantizeInput(x, qx);
    for (int k = 0; k < q.size(); k++) {
      byte[] qy = new byte[q.kernel(k).outputSize()];
      ((StaticQuantizedLayer) q.kernel(k)).forwardQuantized(qx, qy);
      qx = qy;
    }
    return qx;
  }

  private static float[][] run(byte[] onnx, float[] x, int n, boolean exact) throws OrtException {
    return (float[][]) runOutput(onnx, x, n, exact, DenseOnnxExporter.OUTPUT);
  }

  private static byte[][] runQuantized(byte[] onnx, float[] x, int n) throws OrtException {
    return (byte[][]) runOutput(onnx, x, n, true, DenseOnnxExporter.QUANTIZED_OUTPUT);
  }

  private static Object runOutput(byte[] onnx, float[] x, int n, boolean exact, String output)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      if (exact) {
        options.addConfigEntry(EXACT_U8S8, "1");
      }
      try (OrtSession session = env.createSession(onnx, options);
          OnnxTensor input =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, x.length / n});
          OrtSession.Result result = session.run(Map.of(DenseOnnxExporter.INPUT, input))) {
        return result.get(output).orElseThrow().getValue();
      }
    }
  }
}
