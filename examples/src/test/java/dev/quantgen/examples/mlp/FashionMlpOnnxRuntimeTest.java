package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.quantgen.annotations.Precision;
import dev.quantgen.examples.mlp.dynamic.FashionMlpDynamic_Model;
import dev.quantgen.examples.mlp.onnx.FashionMlpOnnx_Model;
import dev.quantgen.onnx.DenseOnnxExporter;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ONNX Runtime 1.20 (default graph optimizations, one thread) as the oracle for the trained
 * Fashion-MNIST perceptron (784-256-128-10) running on the kernels javac generated for it, on the
 * 2,000 bundled test images and on all 10,000 when the Debian package is installed. The ONNX models
 * come from {@link DenseOnnxExporter}; the quantized ones from post-training quantization (min/max)
 * calibrated on the first 1,000 bundled images, every layer on its generated kernel.
 *
 * <ul>
 *   <li>FP32: {@link FashionMlp_Model} ({@code Fc*_Fp32}) against ORT's {@code Gemm}: within 1e-4.
 *       Both sum 784 float products, each in its own order, so bit equality is not expected.
 *   <li>Static INT8: {@link FashionMlpOnnx_Model} ({@code Fc*_Int8}, ONNX requantization) against
 *       the QDQ export, with int8 and with (shifted) uint8 activations. With uint8 activations ORT
 *       fuses every DQ-Gemm-Q group into an integer QGemm with our exact int32 accumulator (its
 *       optimized graph: QuantizeLinear, one QGemm per layer, DequantizeLinear); with int8
 *       activations it converts them to uint8 and fuses the hidden layers, but runs the output
 *       layer as a float32 Gemm of the dequantized operands, which on these images rounds to the
 *       same outputs. QGemm's requantization rounds the product {@code acc * M} to float32 before
 *       {@code rint}; the ONNX reference (and docs/numerics.md, and our kernels) multiply in
 *       float64. The two differ only where the float32 product lands exactly on a .5 (e.g. {@code
 *       68252 * 2.7105433E-4 = 18.5000004} in float64, {@code 18.5} in float32, then 19 against
 *       18): 0 of the 2,000 bundled images, 2 of the 10,000 (3 values, each 1 apart). The test
 *       requires every differing image to be one where our chain with float32 products gives
 *       exactly ORT's output.
 *   <li>Dynamic INT8: {@link FashionMlpDynamic_Model} against DynamicQuantizeLinear and
 *       MatMulInteger (which ORT fuses into its DynamicQuantizeMatMul), one image per run: every
 *       float logit identical, bit for bit.
 * </ul>
 *
 * <p>The convention that needs ORT's {@link #EXACT_U8S8} option: on x86 without VNNI (AVX2,
 * AVX-512F) ONNX Runtime's default uint8 x int8 kernel uses VPMADDUBSW, which adds each pair of
 * adjacent products in int16 with saturation, so an accumulator is wrong wherever {@code qa[2j]
 * qw[2j] + qa[2j+1] qw[2j+1]} leaves [-32768, 32767] (ORT's quantization guide documents it and
 * suggests uint8 weights or reduce_range; the session option is the third remedy). With the default
 * kernel 1,425 of the 2,000 bundled images get a different static int8 output (max 5 apart) and
 * 1,823 a different dynamic logit (max 1.76 apart); the tests print those counts too.
 */
class FashionMlpOnnxRuntimeTest {
  /**
   * ORT session option: "1" selects MLAS's exact (slower) uint8 x int8 kernel on x86 without VNNI.
   */
  static final String EXACT_U8S8 = "session.x64quantprecision";

  private static final String RESOURCES = "/dev/quantgen/examples/fashion/";
  private static final int[] SIZES = {784, 256, 128, 10};
  private static final int CALIBRATION_IMAGES = 1000;
  private static final int BATCH = 500;
  private static final String KERNELS = System.getProperty("quantgen.kernels", "default");

  private static OrtEnvironment env;
  private static FloatModel fp32;
  private static Dataset bundled;
  private static QuantizedModel staticInt8;
  private static QuantizedModel dynamicInt8;

  /** The images each comparison runs on. */
  enum TestSet {
    BUNDLED_2000,
    FULL_10000;

    Dataset load() {
      if (this == BUNDLED_2000) {
        return bundled;
      }
      Path dir = SharedData.requireFashionMnist();
      try {
        return Dataset.of(
            Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")),
            Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")),
            10);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @BeforeAll
  static void load() throws IOException, URISyntaxException {
    env = OrtEnvironment.getEnvironment();
    List<FloatLayer> layers = new ArrayList<>();
    try (WeightSource weights = WeightSource.open(resource("fashion-mlp-784-256-128-10.npz"))) {
      for (int l = 0; l < 3; l++) {
        String name = "fc" + (l + 1);
        float[] w = weights.get(name, name + ".weight", Shape.of(SIZES[l + 1], SIZES[l])).toArray();
        float[] b = weights.get(name, name + ".bias", Shape.of(SIZES[l + 1])).toArray();
        layers.add(
            new FloatLayer(
                name,
                DenseWeights.of(SIZES[l], SIZES[l + 1], w, b),
                l < 2 ? Activation.RELU : Activation.NONE));
      }
    }
    fp32 = FloatModel.of(layers);
    bundled =
        Dataset.of(
            Idx.readImages(resource("t10k-first2000-images-idx3-ubyte.gz")),
            Idx.readLabels(resource("t10k-first2000-labels-idx1-ubyte.gz")),
            10);
    LayerQuantization int8 = LayerQuantization.of(dev.quantgen.runtime.model.Precision.INT8);
    staticInt8 =
        quantize(int8.withRequantization(RequantMode.FLOAT), FashionMlpOnnx_Model.kernels());
    dynamicInt8 =
        quantize(int8.withMode(ActivationMode.DYNAMIC), FashionMlpDynamic_Model.kernels());
  }

  @ParameterizedTest
  @EnumSource(TestSet.class)
  void fp32LogitsAgreeWithOnnxRuntimeWithin1e4(TestSet set) throws OrtException {
    Dataset data = set.load();
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
    report("FP32", set, "max |logit diff| " + maxDiff);
    assertTrue(
        maxDiff <= 1e-4f, "max |FP32 logit difference| " + maxDiff + ", expected at most 1e-4");
  }

  @ParameterizedTest
  @EnumSource(TestSet.class)
  void staticInt8OutputsEqualOnnxRuntimeOnTheQdqModel(TestSet set) throws OrtException {
    Dataset data = set.load();
    for (QuantType type : List.of(QuantType.INT8, QuantType.UINT8)) {
      Agreement a = staticAgreement(data, type, true);
      report("static INT8, " + type + " QDQ, exact ORT kernel", set, a.toString());
      assertEquals(data.size(), a.images);
      assertEquals(
          0,
          a.unexplainedImages,
          type + " activations, images not explained by float32 products: " + a);
      assertTrue(a.images - a.identicalImages <= data.size() / 1000, type + " activations: " + a);
      if (set == TestSet.BUNDLED_2000) {
        assertEquals(0, a.differingValues, type + " activations: " + a);
      }
    }
    if (set == TestSet.BUNDLED_2000) {
      report(
          "static INT8, INT8 QDQ, default ORT kernel",
          set,
          staticAgreement(data, QuantType.INT8, false).toString());
    }
  }

  @ParameterizedTest
  @EnumSource(TestSet.class)
  void dynamicInt8LogitsEqualOnnxRuntimeBitForBit(TestSet set) throws OrtException {
    Dataset data = set.load();
    Agreement a = dynamicAgreement(data, true);
    report("dynamic INT8, exact ORT kernel", set, a.toString());
    assertEquals(0, a.differingValues, a.toString());
    assertEquals(data.size(), a.images);
    if (set == TestSet.BUNDLED_2000) {
      report("dynamic INT8, default ORT kernel", set, dynamicAgreement(data, false).toString());
    }
  }

  @Test
  void quantizedModelsRunOnTheGeneratedKernels() {
    assertEquals(List.of("Fc1_Int8", "Fc2_Int8", "Fc3_Int8"), staticInt8.kernelNames());
    assertTrue(staticInt8.allGenerated(), "static INT8 on generated kernels");
    assertTrue(
        staticInt8.kernel(0).getClass().getName().startsWith("dev.quantgen.examples.mlp.onnx."));
    assertEquals(List.of("Fc1_Int8", "Fc2_Int8", "Fc3_Int8"), dynamicInt8.kernelNames());
    assertTrue(dynamicInt8.allGenerated(), "dynamic INT8 on generated kernels");
    assertTrue(
        dynamicInt8
            .kernel(0)
            .getClass()
            .getName()
            .startsWith("dev.quantgen.examples.mlp.dynamic."));
  }

  private static Agreement staticAgreement(Dataset data, QuantType activationType, boolean exact)
      throws OrtException {
    // uint8 activations are the int8 ones shifted by 128 (zero points too), as the exporter writes
    // them
    int offset = activationType == QuantType.UINT8 ? 128 : 0;
    Agreement a = new Agreement();
    try (Ort ort = new Ort(DenseOnnxExporter.staticQdq(staticInt8, activationType), exact)) {
      byte[] qx = new byte[784];
      int[] diff = new int[10];
      for (int start = 0; start < data.size(); start += BATCH) {
        int n = Math.min(BATCH, data.size() - start);
        byte[][] theirs =
            (byte[][]) ort.run(data, start, n).get(DenseOnnxExporter.QUANTIZED_OUTPUT);
        for (int i = 0; i < n; i++) {
          byte[] mine = quantizedForward(data.input(start + i), qx);
          int[] theirsValues = new int[10];
          for (int c = 0; c < 10; c++) {
            theirsValues[c] =
                (offset == 0 ? theirs[i][c] : Byte.toUnsignedInt(theirs[i][c])) - offset;
            diff[c] = Math.abs(mine[c] - theirsValues[c]);
          }
          a.correct += argmax(mine) == data.label(start + i) ? 1 : 0;
          if (a.add(diff)
              && !Arrays.equals(float32ProductChain(data.input(start + i)), theirsValues)) {
            a.unexplainedImages++;
          }
        }
      }
    }
    return a;
  }

  /**
   * One image per ORT run: DynamicQuantizeLinear takes one scale for its whole input tensor, so a
   * batch of images would share one range, while our kernels quantize each call's own input.
   */
  private static Agreement dynamicAgreement(Dataset data, boolean exact) throws OrtException {
    Agreement a = new Agreement();
    try (Ort ort = new Ort(DenseOnnxExporter.dynamic(dynamicInt8), exact)) {
      float[] y = new float[10];
      int[] diff = new int[10];
      for (int i = 0; i < data.size(); i++) {
        float[] theirs = ((float[][]) ort.run(data, i, 1).get(DenseOnnxExporter.OUTPUT))[0];
        dynamicInt8.forward(data.input(i), y);
        a.correct += argmax(y) == data.label(i) ? 1 : 0;
        for (int c = 0; c < 10; c++) {
          diff[c] = Float.floatToIntBits(y[c]) == Float.floatToIntBits(theirs[c]) ? 0 : 1;
          a.maxAbsDiff = Math.max(a.maxAbsDiff, Math.abs(y[c] - theirs[c]));
        }
        a.add(diff);
      }
    }
    return a;
  }

  /** Post-training quantization calibrated on the first bundled images, run on {@code kernels}. */
  private static QuantizedModel quantize(LayerQuantization layers, GeneratedKernels kernels) {
    float[] samples = new float[CALIBRATION_IMAGES * 784];
    for (int i = 0; i < CALIBRATION_IMAGES; i++) {
      bundled.copyInput(i, samples, i * 784);
    }
    return PostTrainingQuantizer.quantize(
        fp32, PtqConfig.of(layers), samples, CALIBRATION_IMAGES, kernels);
  }

  /**
   * The int8 chain of the generated static kernels: quantize once, then int8 from layer to layer.
   */
  private static byte[] quantizedForward(float[] x, byte[] qx) {
    ((StaticQuantizedLayer) staticInt8.kernel(0)).quantizeInput(x, qx);
    byte[] q = qx;
    for (int k = 0; k < staticInt8.size(); k++) {
      DenseLayer layer = staticInt8.kernel(k);
      byte[] qy = new byte[layer.outputSize()];
      ((StaticQuantizedLayer) layer).forwardQuantized(q, qy);
      q = qy;
    }
    return q;
  }

  /**
   * The static chain as ORT's QGemm requantizes: {@code rint} of the float32 product {@code acc *
   * M} (our kernels and the ONNX reference round the exact float64 product).
   */
  private static int[] float32ProductChain(float[] x) {
    StaticRequantization first =
        ((PreparedLayer.Quantized) staticInt8.layer(0)).params().requantization();
    int[] q = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      q[i] = first.input().quantize(x[i]);
    }
    for (int k = 0; k < staticInt8.size(); k++) {
      QuantizedDenseParams p = ((PreparedLayer.Quantized) staticInt8.layer(k)).params();
      StaticRequantization r = p.requantization();
      int[] bias = r.bias();
      float[] m = r.realMultipliers();
      int[] y = new int[p.out()];
      for (int c = 0; c < p.out(); c++) {
        int acc = bias[c];
        for (int i = 0; i < p.in(); i++) {
          acc += (q[i] - r.input().zeroPoint()) * p.weight(c, i);
        }
        float product = acc * m[c]; // float32, as MLAS
        y[c] =
            (int)
                Math.max(
                    r.outputMin(),
                    Math.min(r.outputMax(), Math.rint(product) + r.output().zeroPoint()));
      }
      q = y;
    }
    return q;
  }

  private static int argmax(byte[] v) {
    int best = 0;
    for (int c = 1; c < v.length; c++) {
      best = v[c] > v[best] ? c : best;
    }
    return best;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int c = 1; c < v.length; c++) {
      best = v[c] > v[best] ? c : best;
    }
    return best;
  }

  private static List<DenseWeights> weights() {
    List<DenseWeights> w = new ArrayList<>();
    for (FloatLayer layer : fp32.layers()) {
      w.add(layer.weights());
    }
    return w;
  }

  private static void report(String what, TestSet set, String result) {
    System.out.printf(
        Locale.ROOT,
        "Fashion MLP vs ONNX Runtime, %s (%s kernels), %s: %s%n",
        what,
        KERNELS,
        set,
        result);
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(FashionMlpOnnxRuntimeTest.class.getResource(RESOURCES + name).toURI());
  }

  /** How many images and values differ, and by how much at most. */
  private static final class Agreement {
    int images;
    int identicalImages;
    int differingValues;
    int maxDiff;
    int unexplainedImages;

    /** Images our model classifies right (argmax, first maximum on ties). */
    int correct;

    /**
     * For float outputs, whose {@code diff} is 1 for different bits: the largest absolute
     * difference.
     */
    float maxAbsDiff;

    /** Counts one image; true when it differs. */
    boolean add(int[] diff) {
      images++;
      boolean same = true;
      for (int d : diff) {
        if (d != 0) {
          same = false;
          differingValues++;
          maxDiff = Math.max(maxDiff, d);
        }
      }
      identicalImages += same ? 1 : 0;
      return !same;
    }

    @Override
    public String toString() {
      return identicalImages
          + " / "
          + images
          + " images identical, "
          + differingValues
          + " differing values, max diff "
          + (maxAbsDiff > 0 ? String.valueOf(maxAbsDiff) : String.valueOf(maxDiff))
          + (unexplainedImages > 0
              ? ", " + unexplainedImages + " differing images unexplained"
              : "")
          + String.format(Locale.ROOT, "; our accuracy %.2f%%", 100.0 * correct / images);
    }
  }

  /** One ORT session on one thread, optionally with the exact uint8 x int8 kernel. */
  private static final class Ort implements AutoCloseable {
    private final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    private final OrtSession session;

    Ort(byte[] model, boolean exactU8s8) throws OrtException {
      options.setIntraOpNumThreads(1);
      if (exactU8s8) {
        options.addConfigEntry(EXACT_U8S8, "1");
      }
      session = env.createSession(model, options);
    }

    /** Every output of the model for images {@code [start, start + n)}, as Java arrays. */
    Map<String, Object> run(Dataset data, int start, int n) throws OrtException {
      float[] x = new float[n * 784];
      for (int i = 0; i < n; i++) {
        data.copyInput(start + i, x, i * 784);
      }
      try (OnnxTensor input =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 784});
          OrtSession.Result result = session.run(Map.of(DenseOnnxExporter.INPUT, input))) {
        Map<String, Object> values = new HashMap<>();
        for (Map.Entry<String, OnnxValue> e : result) {
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
