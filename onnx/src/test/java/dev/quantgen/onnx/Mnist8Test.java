package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.runtime.conv.PadMode;
import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.RequantMode;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ONNX Model Zoo's mnist-8 on the 10,000 MNIST test images: read, lowered, run in FP32 and
 * INT8.
 */
class Mnist8Test {
  private static final int BATCH = 500;
  private static final int CALIBRATION = 1000;
  private static OnnxModel model;
  private static LoweredModel lowered;
  private static MnistTestSet mnist;

  @BeforeAll
  static void load() throws IOException {
    model = OnnxModel.read(SharedData.require("data/models/mnist-8.onnx"));
    lowered = GraphLowering.lower(model);
    mnist = MnistTestSet.load();
  }

  @Test
  void readsTheTwelveNodesInputAndOutput() {
    assertEquals(12, model.nodes().size());
    assertEquals(
        List.of(
            "Reshape", "Conv", "Add", "Relu", "MaxPool", "Conv", "Add", "Relu", "MaxPool",
            "Reshape", "MatMul", "Add"),
        model.nodes().stream().map(OnnxNode::opType).collect(Collectors.toList()));
    assertEquals("CNTK 2.5.1", model.producer());
    assertEquals(8, model.opsetVersion());
    assertEquals("Input3: float[1, 1, 28, 28]", model.inputs().get(0).toString());
    assertEquals("Plus214_Output_0: float[1, 10]", model.outputs().get(0).toString());
    assertEquals(Shape.of(8, 1, 5, 5), model.initializers().get("Parameter5").shape());
    assertEquals(Shape.of(16, 4, 4, 10), model.initializers().get("Parameter193").shape());
    int parameters =
        model.initializers().values().stream()
            .filter(t -> t.type() == OnnxTensor.ElementType.FLOAT)
            .mapToInt(t -> t.shape().size())
            .sum();
    assertEquals(5994, parameters); // the README's 5,998 also counts the 4 int64 reshape entries
  }

  @Test
  void lowersToConvPoolConvPoolFlattenDense() {
    List<LoweredLayer> layers = lowered.layers();
    assertEquals(
        List.of("ConvSpec", "PoolSpec", "ConvSpec", "PoolSpec", "FlattenSpec", "DenseSpec"),
        layers.stream().map(l -> l.getClass().getSimpleName()).collect(Collectors.toList()));
    ConvSpec conv1 = (ConvSpec) layers.get(0);
    assertEquals(Window2d.of(5, 5).withPadMode(PadMode.SAME_UPPER), conv1.window());
    assertEquals(Activation.RELU, conv1.activation());
    assertEquals("Parameter6", conv1.biasName());
    assertEquals(List.of("Convolution28", "Plus30", "ReLU32"), conv1.sources());
    assertEquals(Shape.of(8, 28, 28), conv1.outputShape());
    assertEquals(Shape.of(16, 4, 4), layers.get(3).outputShape());
    DenseSpec dense = (DenseSpec) layers.get(5);
    assertEquals(256, dense.in());
    assertEquals(10, dense.out());
    assertEquals(Activation.NONE, dense.activation());
    // MatMul's [256, 10] becomes [out, in]: element (o, i) is B[i][o]
    FloatTensor b = model.initializers().get("Parameter193").floats();
    assertEquals(b.get(37 * 10 + 3), dense.weights().get(3 * 256 + 37));
  }

  @Test
  void fp32MatchesThePublishedAccuracyExactly() {
    assertEquals(110, errors(fp32Predictions(), 0), "published top-1 error 1.1% (98.90%)");
  }

  @Test
  void int8StaysWithinAFifthOfAPointOfFp32() {
    assertWithinPointsOfFp32("INT8", QuantType.INT8, 0.2);
  }

  @Test
  void int4WeightsWithInt8ActivationsStayWithinOnePointOfFp32() {
    assertWithinPointsOfFp32("INT4 weights / INT8 activations", QuantType.INT4, 1.0);
  }

  /**
   * Calibrates on the first 1,000 test images (min/max), evaluates on the other 9,000 and on all
   * 10,000, and asserts both accuracies at most {@code points} below FP32 on the same images.
   */
  private static void assertWithinPointsOfFp32(String label, QuantType weightType, double points) {
    Int8Executor quantized =
        Int8Executor.calibrate(
            lowered, mnist.images(0, CALIBRATION), BATCH, RequantMode.INTEGER, weightType);
    int[] predicted = predict(quantized::run);
    int[] fp32 = fp32Predictions();
    int heldOut = mnist.size() - CALIBRATION;
    int quantHeld = errors(predicted, CALIBRATION);
    int fp32Held = errors(fp32, CALIBRATION);
    int quantAll = errors(predicted, 0);
    int fp32All = errors(fp32, 0);
    System.out.printf(
        "mnist-8 %s (min/max on images 0-999): held-out 9,000 %.2f%% (fp32 %.2f%%), "
            + "all 10,000 %.2f%% (fp32 %.2f%%)%n",
        label,
        accuracy(quantHeld, heldOut),
        accuracy(fp32Held, heldOut),
        accuracy(quantAll, mnist.size()),
        accuracy(fp32All, mnist.size()));
    // compared in whole errors, not in rounded percentages: 0.2 points of 9,000 is exactly 18
    // errors
    assertTrue(
        quantHeld - fp32Held <= allowedErrors(points, heldOut),
        label + " held-out 9,000: errors " + quantHeld + " vs fp32 " + fp32Held);
    assertTrue(
        quantAll - fp32All <= allowedErrors(points, mnist.size()),
        label + " all 10,000: errors " + quantAll + " vs fp32 " + fp32All);
  }

  private static double accuracy(int errors, int images) {
    return 100.0 * (images - errors) / images;
  }

  /** How many extra errors among {@code images} cost {@code points} percentage points. */
  private static int allowedErrors(double points, int images) {
    return (int) Math.round(points * images / 100);
  }

  private static int[] fp32Cache;

  /** FP32 predictions for all 10,000 images, computed once for the tests that need them. */
  static synchronized int[] fp32Predictions() {
    if (fp32Cache == null) {
      fp32Cache = predict(new FloatExecutor(lowered)::run);
    }
    return fp32Cache;
  }

  private static int[] predict(Function<FloatTensor, FloatTensor> run) {
    int[] predicted = new int[mnist.size()];
    for (int start = 0; start < mnist.size(); start += BATCH) {
      int end = Math.min(mnist.size(), start + BATCH);
      int[] p = MnistTestSet.argmax(run.apply(mnist.images(start, end)));
      System.arraycopy(p, 0, predicted, start, p.length);
    }
    return predicted;
  }

  /** Wrong predictions among images {@code [from, 10000)}. */
  private static int errors(int[] predicted, int from) {
    int errors = 0;
    for (int i = from; i < predicted.length; i++) {
      if (predicted[i] != mnist.labels()[i]) {
        errors++;
      }
    }
    return errors;
  }
}
