package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.plan.PlannedModel;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.testkit.SharedData;
import dev.quantgen.training.network.Network;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's CNN targets on the committed weights and the full 10,000-image test set, without
 * retraining: FP32 at least the dataset's 0.916 for "2 Conv + pooling", INT4 QAT within half a
 * point on the integer convolutions and on the generated INT4 kernels (both predicting exactly as
 * its fake-quant network), binary QAT as measured (also on the generated BINARY kernels), and a
 * mixed-precision plan within half a point.
 */
class CnnTargetsTest {
  /** What TrainFashionCnn printed for the committed FP32 weights. */
  static final double FP32 = 0.9203;

  private static Dataset test() throws Exception {
    SharedData.requireLongTests();
    Path dir = SharedData.requireFashionMnist();
    return FashionData.test(dir);
  }

  @Test
  void fp32CnnReachesTheBenchmarkTablesAccuracy() throws Exception {
    Dataset test = test();
    Network fp32 = FashionCnn.load(FashionResults.resource(QatFashionCnn.CNN_FP32));
    double accuracy = fp32.accuracy(test, 2);
    assertTrue(accuracy >= 0.916, "FP32 CNN accuracy " + accuracy);
    assertEquals(FP32, accuracy, 1e-9, "the accuracy TrainFashionCnn printed");
  }

  @Test
  void postTrainingRowsOnTheGeneratedKernelsMatchTheResultsTable() throws Exception {
    Dataset test = test();
    Dataset train = FashionData.train(SharedData.requireFashionMnist());
    Map<String, FloatTensor> weights =
        FashionCnnResults.weights(FashionCnn.load(FashionResults.resource(QatFashionCnn.CNN_FP32)));
    List<float[]> calibration = FashionCnnResults.calibration(train);
    assertEquals(FP32, accuracy(FashionCnnInt8_Model.fp32(weights)::forward, test), 1e-9, "fp32");
    assertEquals(
        0.9204, accuracy(FashionCnnFp16_Model.floats(weights)::forward, test), 1e-9, "fp16");
    assertEquals(
        0.9212,
        accuracy(FashionCnnInt8_Model.calibrate(weights, calibration)::forward, test),
        1e-9,
        "int8");
    assertEquals(
        0.8980,
        accuracy(FashionCnnInt4_Model.calibrate(weights, calibration)::forward, test),
        1e-9,
        "int4 (int8 act.)");
    assertEquals(
        0.1370, accuracy(FashionCnnBinary_Model.floats(weights)::forward, test), 1e-9, "binary");
  }

  private static double accuracy(UnaryOperator<float[]> model, Dataset data) {
    return FashionResults.accuracy(predict(model, data), data);
  }

  @Test
  void int4QatIsWithinHalfAPointOfFp32OnTheIntegerConvolutions() throws Exception {
    Dataset test = test();
    Network int4 =
        QatCnnModels.load(
            QatCnnModels.Variant.INT4, FashionResults.resource(FashionCnnResults.QAT_INT4));
    int[] fake = int4.predict(test, 2);
    int[] integer = QatFashionCnn.classify(QatCnnModels.integerModel(int4), test);
    double accuracy = FashionResults.accuracy(integer, test);
    assertTrue(accuracy >= FP32 - 0.005, "integer INT4 CNN accuracy " + accuracy);
    assertEquals(0.9175, accuracy, 1e-9, "the accuracy QatFashionCnn printed");
    // Evaluation runs each fake-quant layer on its integer convolution (IntegerConvForward).
    assertArrayEquals(fake, integer, "fake-quant and integer predictions");
    // The results table's row: the kernels javac generated from FashionCnnInt4, with the
    // activation parameters training fixed, predict the same on every image.
    assertArrayEquals(
        fake, predict(FashionCnnResults.int4QatModel(int4)::forward, test), "generated INT4");
  }

  @Test
  void binaryQatOnTheGeneratedKernelsPredictsAsItsFakeQuantNetwork() throws Exception {
    Dataset test = test();
    Network binary =
        QatCnnModels.load(
            QatCnnModels.Variant.BINARY, FashionResults.resource(FashionCnnResults.QAT_BINARY));
    int[] generated =
        predict(FashionCnnBinary_Model.floats(FashionCnnResults.weights(binary))::forward, test);
    assertEquals(0.8908, FashionResults.accuracy(generated, test), 1e-9, "generated BINARY");
  }

  /** The class with the largest output (first on a tie) for every image of {@code data}. */
  private static int[] predict(UnaryOperator<float[]> model, Dataset data) {
    return IntStream.range(0, data.size())
        .parallel()
        .map(
            i -> {
              float[] x = new float[data.inputSize()];
              data.copyInput(i, x, 0);
              float[] y = model.apply(x);
              int best = 0;
              for (int c = 1; c < y.length; c++) {
                if (y[c] > y[best]) {
                  best = c;
                }
              }
              return best;
            })
        .toArray();
  }

  @Test
  void binaryQatReachesItsMeasuredAccuracy() throws Exception {
    Dataset test = test();
    Network binary =
        QatCnnModels.load(
            QatCnnModels.Variant.BINARY, FashionResults.resource(FashionCnnResults.QAT_BINARY));
    double accuracy = binary.accuracy(test, 2);
    // No target in issue 6 for the CNN's binary weights (reported as measured); this pins the
    // result.
    assertEquals(0.8908, accuracy, 1e-9, "the accuracy QatFashionCnn printed");
  }

  @Test
  void mixedPrecisionPlanIsWithinHalfAPointOfFp32() throws Exception {
    Dataset test = test();
    Dataset train = FashionData.train(SharedData.requireFashionMnist());
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PlannedModel planned =
        MixedPrecisionFashionCnn.run(
            test,
            train.shuffled(QatFashionMlp.SEED).subset(0, FashionResults.CALIBRATION),
            0.5,
            new PrintStream(text, true, StandardCharsets.UTF_8));
    assertEquals(FP32, planned.fp32Accuracy(), 1e-9, "the committed FP32 accuracy");
    assertTrue(planned.withinBudget(), planned.summary());
    assertTrue(planned.bytes() * 4 < planned.fp32Bytes(), planned.summary());
    assertEquals(0.9171, planned.accuracy(), 1e-9, "the accuracy MixedPrecisionFashionCnn printed");
  }
}
