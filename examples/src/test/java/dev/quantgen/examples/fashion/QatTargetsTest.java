package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.testkit.SharedData;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.qat.IntegerConversion;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's targets on the committed QAT weights and the full 10,000-image test set, without
 * retraining: the fake-quant network and the same layers on the integer kernels.
 */
class QatTargetsTest {
  /** What TrainFashionMlp printed for the committed FP32 weights. */
  private static final double FP32 = 0.9005;

  private static Dataset test() throws Exception {
    SharedData.requireLongTests();
    Path dir = SharedData.requireFashionMnist();
    return FashionData.test(dir);
  }

  private static int[] integerPredictions(Network network, Dataset test) {
    QuantizedModel model = IntegerConversion.toQuantizedModel(network);
    return FashionResults.classify(model, test);
  }

  @Test
  void int4QatIsWithinHalfAPointOfFp32OnTheIntegerKernels() throws Exception {
    Dataset test = test();
    Network network =
        QatModels.load(
            QatModels.Variant.INT4,
            FashionResults.resource(FashionResults.qatFile(QatModels.Variant.INT4)));
    assertEquals("int4 static", IntegerConversion.toQuantizedModel(network).label());
    int[] fake = network.predict(test, 2);
    int[] integer = integerPredictions(network, test);
    double fakeAccuracy = FashionResults.accuracy(fake, test);
    double integerAccuracy = FashionResults.accuracy(integer, test);
    assertTrue(integerAccuracy >= FP32 - 0.005, "integer INT4 accuracy " + integerAccuracy);
    assertTrue(fakeAccuracy >= FP32 - 0.005, "fake-quant INT4 accuracy " + fakeAccuracy);
    assertEquals(0.9021, integerAccuracy, 1e-9, "the accuracy QatFashionMlp printed");
    // Evaluation runs each fake-quant INT4 layer on its integer kernel (IntegerKernelForward): with
    // a float accumulator and rint the two disagreed on 12 of the 10,000 images.
    assertArrayEquals(fake, integer, "fake-quant and integer predictions");
  }

  @Test
  void binaryWeightQatIsWithinFourPointsOfFp32AndTheKernelsAgreeOnEveryImage() throws Exception {
    Dataset test = test();
    Network network =
        QatModels.load(
            QatModels.Variant.BINARY,
            FashionResults.resource(FashionResults.qatFile(QatModels.Variant.BINARY)));
    assertEquals("binary weight-only", IntegerConversion.toQuantizedModel(network).label());
    int[] fake = network.predict(test, 2);
    int[] integer = integerPredictions(network, test);
    double accuracy = FashionResults.accuracy(integer, test);
    assertTrue(accuracy >= FP32 - 0.04, "binary-weight accuracy " + accuracy);
    assertEquals(0.8880, accuracy, 1e-9, "the accuracy QatFashionMlp printed");
    assertArrayEquals(fake, integer, "fake-quant and binary-kernel predictions");
  }

  @Test
  void xnorQatReachesItsMeasuredAccuracyAndTheKernelsAgreeOnEveryImage() throws Exception {
    Dataset test = test();
    Network network =
        QatModels.load(
            QatModels.Variant.XNOR,
            FashionResults.resource(FashionResults.qatFile(QatModels.Variant.XNOR)));
    assertEquals(
        "binary weight-only / binary xnor", IntegerConversion.toQuantizedModel(network).label());
    int[] fake = network.predict(test, 2);
    int[] integer = integerPredictions(network, test);
    // No target in issue 6 (reported as measured); this pins the committed weights' result.
    assertEquals(
        0.8419, FashionResults.accuracy(integer, test), 1e-9, "the accuracy QatFashionMlp printed");
    assertArrayEquals(fake, integer, "fake-quant and XNOR-kernel predictions");
  }
}
