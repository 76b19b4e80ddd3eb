package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.annotations.Precision;
import dev.quantgen.examples.mlp.dynamic.FashionMlpDynamic_Model;
import dev.quantgen.examples.mlp.onnx.FashionMlpOnnx_Model;
import dev.quantgen.onnx.DenseOnnxExporter;
import dev.quantgen.runtime.data.Dataset;
import dev.quantgen.runtime.data.Idx;
import dev.quantgen.runtime.io.WeightSource;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.RequantMode;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.runtime.ptq.FloatLayer;
import dev.quantgen.runtime.ptq.FloatModel;
import dev.quantgen.runtime.ptq.LayerQuantization;
import dev.quantgen.runtime.ptq.PostTrainingQuantizer;
import dev.quantgen.runtime.ptq.PtqConfig;
import dev.quantgen.runtime.ptq.QuantizedModel;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime (1.20, default graph optimizations, one thread) as the oracle for the trained
 * Fashion-MNIST perceptron (784-256-128-10) running on the kernels javac generated for it, on the
 * 2,000 bundled test images and on the full 10,000 when the Debian package is installed. The ONNX
 * models come from {@link DenseOnnxExporter}; the quantized ones from post-training quantization
 * calibrated (min/max) on the first 1,000 bundled images.
 *
 * <ul>
 *   <li>FP32: {@link FashionMlp_Model} ({@code Fc*_Fp32}) vs ORT's {@code Gemm}: within 1e-4; both sum
 *       784 float products in their own order, so bit equality is not expected.
 *   <li>Static INT8: {@link FashionMlpOnnx_Model} ({@code Fc*_Int8}, ONNX-style requantization)
 *       vs ORT on the QDQ export with uint8 activations: every quantized output identical. ORT
 *       fuses each uint8 DQ-Gemm-Q group into an integer QGemm, whose exact int32 accumulator and
 *       float32 requantization are what our kernels compute.
 *   <li>The same quantization exported with int8 activations: on x86 ORT does not fuse int8
 *       (signed) activation groups (as for mnist-8, see the onnx module's
 *       QdqOnnxRuntimeAgreementTest) and computes a float32 Gemm of the dequantized operands
 *       followed by QuantizeLinear; a few outputs may then differ by one where float32 rounding
 *       crosses a .5 boundary. Counted and bounded, not required to be zero.
 *   <li>Dynamic INT8: {@link FashionMlpDynamic_Model} vs DynamicQuantizeLinear + MatMulInteger.
 * </ul>
 */
class FashionMlpOnnxRuntimeTest {
  private static final String RESOURCES = "/dev/quantgen/examples/fashion/";
  private static final int[] SIZES = {784, 256, 128, 10};
  private static final int CALIBRATION_IMAGES = 1000;
  private static final int BATCH = 500;
  /**
   * ORT session option: on x86 without VNNI, MLAS multiplies uint8 x int8 with VPMADDUBSW, which adds
   * adjacent products in int16 with saturation; "1" selects its exact (slower) kernel instead.
   */
  private static final String PRECISE_U8S8 = "session.x64quantprecision";

  private static OrtEnvironment env;
  private static FloatModel fp32;
  private static Dataset bundled;

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    env = OrtEnvironment.getEnvironment();
    List<FloatLayer> layers = new ArrayList<>();
    try (WeightSource weights = WeightSource.open(resource("fashion-mlp-784-256-128-10.npz"))) {
      for (int l = 0; l < 3; l++) {
        String name = "fc" + (l + 1);
        float[] w = weights.get(name, name + ".weight", Shape.of(SIZES[l + 1], SIZES[l])).toArray();
        float[] b = weights.get(name, name + ".bias", Shape.of(SIZES[l + 1])).toArray();
        layers.add(new FloatLayer(name, DenseWeights.of(SIZES[l], SIZES[l + 1], w, b),
            l < 2 ? dev.quantgen.runtime.layer.FusedActivation.RELU : dev.quantgen.runtime.layer.FusedActivation.NONE));
      }
    }
    fp32 = FloatModel.of(layers);
    bundled = Dataset.of(Idx.readImages(resource("t10k-first2000-images-idx3-ubyte.gz")),
        Idx.readLabels(resource("t10k-first2000-labels-idx1-ubyte.gz")), 10);
  }

  @AfterAll
  static void close() {
    // the environment is a process-wide singleton other tests may share; nothing to release
  }

  @Test
  void fp32LogitsAgreeWithOnnxRuntimeWithin1e4OnTheBundledImages() throws OrtException {
    float maxDiff = fp32MaxDiff(bundled);
    System.out.printf("Fashion MLP FP32 generated kernels vs ORT, %d bundled images: max |logit diff| %.3g%n",
        bundled.size(), maxDiff);
    assertTrue(maxDiff <= 1e-4f, "max |FP32 logit difference| " + maxDiff);
  }

  @Test
  void staticInt8OutputsEqualOnnxRuntimeOnTheQdqModel() throws OrtException {
    for (QuantType type : List.of(QuantType.INT8, QuantType.UINT8)) {
      Agreement a = staticAgreement(bundled, type, true);
      System.out.println("Fashion MLP static INT8 (" + type + " QDQ, exact ORT kernel), " + bundled.size()
          + " bundled images: " + a);
      assertEquals(0, a.differingValues, type + " activations: " + a);
    }
    Agreement fast = staticAgreement(bundled, QuantType.INT8, false);
    System.out.println("Fashion MLP static INT8 (INT8 QDQ, ORT default kernel), " + bundled.size()
        + " bundled images: " + fast);
  }

  @Test
  void dynamicInt8LogitsEqualOnnxRuntime() throws OrtException {
    Agreement a = dynamicAgreement(bundled, true);
    System.out.println("Fashion MLP dynamic INT8 (exact ORT kernel), " + bundled.size() + " bundled images: " + a);
    Agreement fast = dynamicAgreement(bundled, false);
    System.out.println("Fashion MLP dynamic INT8 (ORT default kernel), " + bundled.size() + " bundled images: " + fast);
    assertEquals(0, a.differingValues, a.toString());
  }

  // ---------------------------------------------------------------------------------------------

  private static float fp32MaxDiff(Dataset data) throws OrtException {
    FashionMlp_Model ours = FashionMlp_Model.builder().allLayers(Precision.FP32).build(weights());
    float maxDiff = 0;
    try (Ort ort = new Ort(DenseOnnxExporter.fp32(fp32), false)) {
      float[] y = new float[10];
      for (int start = 0; start < data.size(); start += BATCH) {
        int n = Math.min(BATCH, data.size() - start);
        float[][] theirs = (float[][]) ort.run(data, start, n).get(DenseOnnxExporter.OUTPUT);
        for (int i = 0; i < n; i++) {
          ours.forward(data.input(start + i), y);
          for (int c = 0; c < 10; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(y[c] - theirs[i][c]));
          }
        }
      }
    }
    return maxDiff;
  }

  private static Agreement staticAgreement(Dataset data, QuantType activationType, boolean precise) throws OrtException {
    LayerQuantization int8 = LayerQuantization.of(dev.quantgen.runtime.ptq.Precision.INT8)
        .withRequantization(RequantMode.FLOAT);
    QuantizedModel model = quantize(int8, FashionMlpOnnx_Model.kernels());
    int offset = activationType == QuantType.UINT8 ? 128 : 0;
    Agreement a = new Agreement();
    try (Ort ort = new Ort(DenseOnnxExporter.staticQdq(model, activationType), precise)) {
      byte[] qx = new byte[784];
      for (int start = 0; start < data.size(); start += BATCH) {
        int n = Math.min(BATCH, data.size() - start);
        byte[][] theirs = (byte[][]) ort.run(data, start, n).get(DenseOnnxExporter.QUANTIZED_OUTPUT);
        for (int i = 0; i < n; i++) {
          byte[] mine = quantizedForward(model, data.input(start + i), qx);
          int[] diff = new int[10];
          for (int c = 0; c < 10; c++) {
            int theirsValue = activationType == QuantType.UINT8 ? theirs[i][c] & 0xFF : theirs[i][c];
            diff[c] = Math.abs(mine[c] + offset - theirsValue);
          }
          a.add(diff);
        }
      }
    }
    return a;
  }

  /**
   * One image per ORT run: DynamicQuantizeLinear takes one scale for its whole input tensor, so a
   * batch of images would share a range, while our kernels quantize each call's own input.
   */
  private static Agreement dynamicAgreement(Dataset data, boolean precise) throws OrtException {
    LayerQuantization int8 = LayerQuantization.of(dev.quantgen.runtime.ptq.Precision.INT8)
        .withMode(ActivationMode.DYNAMIC);
    QuantizedModel model = quantize(int8, FashionMlpDynamic_Model.kernels());
    Agreement a = new Agreement();
    try (Ort ort = new Ort(DenseOnnxExporter.dynamic(model), precise)) {
      float[] y = new float[10];
      for (int i = 0; i < data.size(); i++) {
        float[] theirs = ((float[][]) ort.run(data, i, 1).get(DenseOnnxExporter.OUTPUT))[0];
        model.forward(data.input(i), y);
        float[] diff = new float[10];
        for (int c = 0; c < 10; c++) {
          diff[c] = Math.abs(y[c] - theirs[c]);
        }
        a.add(diff);
      }
    }
    return a;
  }

  /** Post-training quantization calibrated on the first bundled images, on the generated kernels. */
  private static QuantizedModel quantize(LayerQuantization layers, dev.quantgen.runtime.layer.GeneratedKernels kernels) {
    float[] samples = new float[CALIBRATION_IMAGES * 784];
    for (int i = 0; i < CALIBRATION_IMAGES; i++) {
      bundled.copyInput(i, samples, i * 784);
    }
    QuantizedModel model = PostTrainingQuantizer.quantize(fp32, PtqConfig.of(layers), samples, CALIBRATION_IMAGES,
        kernels);
    assertEquals(List.of("Fc1_Int8", "Fc2_Int8", "Fc3_Int8"), model.kernelNames());
    assertTrue(model.allGenerated(), "every layer on its generated kernel");
    return model;
  }

  /** The int8 chain of the model's generated static kernels: quantize once, int8 from layer to layer. */
  private static byte[] quantizedForward(QuantizedModel model, float[] x, byte[] qx) {
    ((StaticQuantizedLayer) model.kernel(0)).quantizeInput(x, qx);
    byte[] q = qx;
    for (int k = 0; k < model.size(); k++) {
      DenseLayer layer = model.kernel(k);
      byte[] qy = new byte[layer.outputSize()];
      ((StaticQuantizedLayer) layer).forwardQuantized(q, qy);
      q = qy;
    }
    return q;
  }

  private static List<DenseWeights> weights() {
    List<DenseWeights> w = new ArrayList<>();
    for (FloatLayer layer : fp32.layers()) {
      w.add(layer.weights());
    }
    return w;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(FashionMlpOnnxRuntimeTest.class.getResource(RESOURCES + name).toURI());
  }

  /** Per-image and per-value difference counts. */
  private static final class Agreement {
    int images;
    int identicalImages;
    int differingValues;
    double maxDiff;

    void add(int[] diff) {
      float[] f = new float[diff.length];
      for (int i = 0; i < diff.length; i++) {
        f[i] = diff[i];
      }
      add(f);
    }

    void add(float[] diff) {
      images++;
      boolean same = true;
      for (float d : diff) {
        if (d != 0) {
          same = false;
          differingValues++;
          maxDiff = Math.max(maxDiff, d);
        }
      }
      identicalImages += same ? 1 : 0;
    }

    @Override
    public String toString() {
      return identicalImages + " / " + images + " images identical, " + differingValues
          + " differing values, max |diff| " + maxDiff;
    }
  }

  /** One ORT session on one thread. */
  private static final class Ort implements AutoCloseable {
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    private final OrtSession session;

    Ort(byte[] model, boolean precise) throws OrtException {
      options.setIntraOpNumThreads(1);
      if (precise) {
        options.addConfigEntry(PRECISE_U8S8, "1");
      }
      session = env.createSession(model, options);
    }

    Map<String, Object> run(Dataset data, int start, int n) throws OrtException {
      float[] x = new float[n * 784];
      for (int i = 0; i < n; i++) {
        data.copyInput(start + i, x, i * 784);
      }
      try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 784});
          OrtSession.Result result = session.run(Map.of(DenseOnnxExporter.INPUT, input))) {
        Map<String, Object> values = new java.util.HashMap<>();
        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : result) {
          values.put(e.getKey(), e.getValue().getValue());
        }
        return values;
      }
    }

    @Override
    public void close() throws OrtException {
      session.close();
      options.close();
    }
  }
}
