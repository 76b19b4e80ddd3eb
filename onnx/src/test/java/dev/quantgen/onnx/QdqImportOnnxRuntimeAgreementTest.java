package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.IntTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime as the oracle for QDQ import: the project's own QDQ exports of a CNN (mnist-8,
 * {@link QdqExporter}) and an MLP ({@link DenseOnnxExporter#staticQdq}) read back by {@link
 * QdqImporter} as they are, run on all 10,000 MNIST and all 10,000 Fashion-MNIST test images, and
 * compared code by code with ORT 1.20.0 (default graph optimizations, one thread, {@code
 * session.x64quantprecision = 1}) on the same file.
 *
 * <p>Target: identical quantized outputs on at least 99.9% of images, every difference at most 1.
 * Where they differ (a documented convention, not a bug on either side): with int8 activations ORT
 * on x86 does not fuse the QDQ groups (see {@link QdqOnnxRuntimeAgreementTest}) and computes a
 * float32 Conv or Gemm of the dequantized operands, then {@code rint(y / sy) + zy}; we compute the
 * exact int32 accumulator and {@code rint(acc * M)}, the QLinearConv semantics; the float sum can
 * move a value across a .5 boundary. With uint8 activations ORT fuses into QLinearConv / QGemm and
 * rounds {@code acc * M} in float32 before {@code rint}, as the import does by default ({@link
 * QdqImporter.Rounding#ONNX_RUNTIME}). Imported with the executor's rounding ({@link
 * QdqImporter.Rounding#FLOAT64}, the product in float64) the CNN must equal the {@link
 * Int8Executor} that was exported, code for code (checked on the first 2,000 images of each set):
 * the import loses nothing.
 */
class QdqImportOnnxRuntimeAgreementTest {
  private static final int BATCH = 500;
  private static final double TARGET = 0.999;
  private static MnistTestSet mnist;
  private static MnistTestSet fashion;

  @BeforeAll
  static void load() throws IOException {
    mnist = MnistTestSet.load();
    fashion = MnistTestSet.fashion();
  }

  @ParameterizedTest
  @ValueSource(strings = {"int8", "uint8"})
  void cnnImportEqualsTheExportedExecutorAndAgreesWithOnnxRuntime(String activations)
      throws Exception {
    LoweredModel lowered =
        GraphLowering.lower(OnnxModel.read(SharedData.require("data/models/mnist-8.onnx")));
    Int8Executor exported =
        Int8Executor.calibrate(lowered, mnist.images(0, 1000), BATCH, RequantMode.FLOAT);
    byte[] qdq = QdqExporter.export(exported);
    boolean unsigned = activations.equals("uint8");
    if (unsigned) {
      qdq = toUint8Activations(qdq);
    }
    OnnxModel file = OnnxModel.parse(qdq, "mnist-8 QDQ (" + activations + ")");
    QdqModel imported = QdqImporter.importModel(file);
    // with the executor's own rounding (the product acc * M in float64), the import loses nothing
    QdqModel sameRounding = QdqImporter.importModel(file, QdqImporter.Rounding.FLOAT64);
    assertEquals(unsigned ? QuantType.UINT8 : QuantType.INT8, imported.outputType());
    for (MnistTestSet set :
        List.of(mnist, fashion)) { // the first 2,000 of each: the reference conv is slow
      for (int start = 0; start < 2000; start += BATCH) {
        FloatTensor images = set.images(start, start + BATCH);
        assertEquals(
            exported.runQuantized(images),
            sameRounding.runQuantized(images),
            "images from " + start);
      }
    }
    Agreement a =
        agreement(
            imported, qdq, lowered.inputName(), lowered.outputName() + "_int8", unsigned, false);
    a.print(
        "mnist-8 CNN QDQ (" + activations + " activations, int8 per-channel weights, int32 bias)");
    a.check();
  }

  @ParameterizedTest
  @ValueSource(strings = {"per-channel", "per-tensor", "asymmetric per-channel"})
  void mlpImportAgreesWithOnnxRuntime(String weights) throws Exception {
    QuantizedModel q =
        PostTrainingQuantizer.quantize(
            mlp(),
            PtqConfig.of(
                LayerQuantization.of(Precision.INT8)
                    .withRequantization(dev.quantgen.runtime.numerics.RequantMode.FLOAT)
                    .withPerChannel(!weights.equals("per-tensor"))
                    .withSymmetric(!weights.startsWith("asymmetric"))),
            mnist.images(0, 1000).toArray(),
            1000);
    for (QuantType type : List.of(QuantType.INT8, QuantType.UINT8)) {
      byte[] qdq = DenseOnnxExporter.staticQdq(q, type);
      QdqModel imported = QdqImporter.importModel(OnnxModel.parse(qdq, "MLP QDQ"));
      Agreement a =
          agreement(
              imported,
              qdq,
              DenseOnnxExporter.INPUT,
              DenseOnnxExporter.QUANTIZED_OUTPUT,
              type == QuantType.UINT8,
              true);
      a.print(
          "MLP 784-64-32-10 QDQ ("
              + type.onnxName()
              + " activations, "
              + weights
              + " int8 weights, Gemm)");
      a.check();
    }
  }

  /** A seeded 784-64-32-10 perceptron (He-scaled Gaussian weights; ReLU, ReLU6, none). */
  private static FloatModel mlp() {
    Random random = new Random(16);
    int[] sizes = {784, 64, 32, 10};
    Activation[] activations = {Activation.RELU, Activation.RELU6, Activation.NONE};
    List<FloatLayer> layers = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      float[] w = new float[sizes[l] * sizes[l + 1]];
      float[] b = new float[sizes[l + 1]];
      double std =
          Math.sqrt(2.0 / sizes[l]) * (l == 0 ? 4 : 1); // 784 sparse pixels: widen the first layer
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (random.nextGaussian() * std);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (random.nextGaussian() * 0.1);
      }
      layers.add(
          new FloatLayer(
              "fc" + (l + 1), DenseWeights.of(sizes[l], sizes[l + 1], w, b), activations[l]));
    }
    return FloatModel.of(layers);
  }

  // ---------------------------------------------------------------------------------------------

  /** Image-by-image comparison of our quantized output with ORT's on both test sets. */
  private static Agreement agreement(
      QdqModel ours, byte[] onnx, String input, String output, boolean unsigned, boolean flat)
      throws OrtException {
    Agreement a = new Agreement();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.addConfigEntry("session.x64quantprecision", "1");
      try (OrtSession session = env.createSession(onnx, options)) {
        for (MnistTestSet set : List.of(mnist, fashion)) {
          for (int start = 0; start < set.size(); start += BATCH) {
            int n = Math.min(set.size(), start + BATCH) - start;
            FloatTensor images = set.images(start, start + n);
            if (flat) {
              images = FloatTensor.of(Shape.of(n, MnistTestSet.PIXELS), images.toArray());
            }
            IntTensor mine = ours.runFileCodes(images);
            int k = mine.size() / n;
            long[] dims = new long[images.shape().rank()];
            for (int d = 0; d < dims.length; d++) {
              dims[d] = images.shape().dim(d);
            }
            try (ai.onnxruntime.OnnxTensor x =
                    ai.onnxruntime.OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(images.toArray()), dims);
                OrtSession.Result result = session.run(Map.of(input, x))) {
              byte[][] theirs = (byte[][]) result.get(output).orElseThrow().getValue();
              for (int i = 0; i < n; i++) {
                int differing = 0;
                for (int c = 0; c < k; c++) {
                  int t = unsigned ? Byte.toUnsignedInt(theirs[i][c]) : theirs[i][c];
                  int diff = Math.abs(mine.get(i * k + c) - t);
                  differing += diff != 0 ? 1 : 0;
                  a.maxDiff = Math.max(a.maxDiff, diff);
                }
                a.images++;
                a.identical += differing == 0 ? 1 : 0;
                a.differingValues += differing;
              }
            }
          }
        }
      }
    }
    return a;
  }

  /** Counts over both test sets. */
  private static final class Agreement {
    int images;
    int identical;
    int differingValues;
    int maxDiff;

    void print(String what) {
      System.out.printf(
          "QDQ import vs ONNX Runtime, %s: %d / %d images (MNIST + Fashion-MNIST test sets) with"
              + " identical outputs (%.3f%%), %d differing values, max |diff| %d%n",
          what, identical, images, 100.0 * identical / images, differingValues, maxDiff);
    }

    void check() {
      assertEquals(20_000, images);
      assertTrue(
          maxDiff <= 1, "max |output difference| " + maxDiff + ", expected at most 1 (rounding)");
      assertTrue(
          identical >= TARGET * images,
          identical
              + " / "
              + images
              + " images identical, expected at least "
              + TARGET * 100
              + "%");
    }
  }

  /**
   * The same QDQ model with uint8 activations: every scalar int8 zero point (the activations'; the
   * weights' are per channel) becomes uint8 {@code z + 128}, and the int8 graph output uint8. This
   * is exactly the same quantization shifted by 128, and the type ONNX Runtime fuses into
   * QLinearConv.
   */
  static byte[] toUint8Activations(byte[] onnx) throws InvalidProtocolBufferException {
    OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.parseFrom(onnx).toBuilder();
    OnnxMl.GraphProto.Builder graph = model.getGraphBuilder();
    for (OnnxMl.TensorProto.Builder t : graph.getInitializerBuilderList()) {
      if (t.getDataType() == OnnxMl.TensorProto.DataType.INT8_VALUE && t.getDimsCount() == 0) {
        byte[] raw = t.getRawData().toByteArray();
        raw[0] = (byte) (raw[0] + 128);
        t.setDataType(OnnxMl.TensorProto.DataType.UINT8_VALUE).setRawData(ByteString.copyFrom(raw));
      }
    }
    for (OnnxMl.ValueInfoProto.Builder v : graph.getOutputBuilderList()) {
      if (v.getType().getTensorType().getElemType() == OnnxMl.TensorProto.DataType.INT8_VALUE) {
        v.getTypeBuilder()
            .getTensorTypeBuilder()
            .setElemType(OnnxMl.TensorProto.DataType.UINT8_VALUE);
      }
    }
    return model.build().toByteArray();
  }
}
