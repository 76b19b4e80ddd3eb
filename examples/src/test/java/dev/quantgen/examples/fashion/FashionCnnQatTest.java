package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.onnx.FloatExecutor;
import dev.quantgen.onnx.Int8Executor;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNN's quantization-aware path on the bundled 2,000 test images, in seconds: the Java network
 * exports to an ONNX graph that computes the same logits, and after a short INT4 QAT the evaluated
 * fake-quant network and its integer model predict the same class for every image, also after a
 * save and load.
 */
class FashionCnnQatTest {
  private static float[] inputs(Dataset data, int n) {
    float[] x = new float[n * data.inputSize()];
    for (int i = 0; i < n; i++) {
      data.copyInput(i, x, i * data.inputSize());
    }
    return x;
  }

  @Test
  void theExportedOnnxGraphComputesTheNetworksLogits() throws Exception {
    Dataset data = MixedPrecisionFashionMlp.embeddedTestSubset();
    Network network = FashionCnn.init(7);
    int n = 64;
    float[] java = network.outputs(inputs(data, n), n);
    FloatTensor onnx =
        new FloatExecutor(QatCnnModels.lowered(network))
            .run(FloatTensor.of(Shape.of(n, 1, 28, 28), inputs(data, n)));
    float maxDiff = 0;
    for (int i = 0; i < java.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(java[i] - onnx.get(i)));
    }
    // the same products summed in a different order (im2col rows vs windows): float rounding only
    assertTrue(maxDiff <= 1e-4f, "max |logit difference| " + maxDiff);
  }

  @Test
  void theTrainerAndInt4QatLearnTheCnn() throws Exception {
    Dataset data = MixedPrecisionFashionMlp.embeddedTestSubset();
    Dataset train = data.subset(0, 1200);
    Dataset held = data.subset(1200, 2000);
    Network fp32 = FashionCnn.init(5);
    double untrained = fp32.accuracy(held, 2);
    TrainingConfig config =
        TrainingConfig.defaults().withEpochs(2).withBatchSize(32).withSeed(5).withThreads(2);
    new NetworkTrainer(config, Optimizer.adam(1e-3f)).train(fp32, train, new TrainingListener() {});
    double trained = fp32.accuracy(held, 2);
    assertTrue(
        trained >= 0.65 && trained > untrained + 0.3, "FP32 CNN: " + untrained + " -> " + trained);

    Network qat = QatCnnModels.of(QatCnnModels.Variant.INT4, fp32);
    new NetworkTrainer(config.withEpochs(1), Optimizer.adam(1e-4f))
        .train(qat, train, new TrainingListener() {});
    double int4 =
        FashionResults.accuracy(QatFashionCnn.classify(QatCnnModels.integerModel(qat), held), held);
    assertTrue(
        int4 >= trained - 0.03,
        "INT4 QAT on the integer convolutions: " + int4 + " (FP32 " + trained + ")");
  }

  @Test
  void afterInt4QatTheFakeQuantNetworkAndTheIntegerModelPredictAlike(@TempDir Path dir)
      throws Exception {
    Dataset data = MixedPrecisionFashionMlp.embeddedTestSubset();
    Dataset train = data.subset(0, 256);
    Dataset held = data.subset(256, 556);
    Network qat = QatCnnModels.of(QatCnnModels.Variant.INT4, FashionCnn.init(11));
    TrainingConfig config =
        TrainingConfig.defaults().withEpochs(1).withBatchSize(64).withSeed(3).withThreads(2);
    new NetworkTrainer(config, Optimizer.adam(1e-3f)).train(qat, train, new TrainingListener() {});

    Int8Executor integer = QatCnnModels.integerModel(qat);
    int[] fake = qat.predict(held, 2);
    assertArrayEquals(
        fake, QatFashionCnn.classify(integer, held), "fake-quant and integer predictions");

    Path file = dir.resolve("cnn-int4.npz");
    QatCnnModels.save(qat, file);
    Network loaded = QatCnnModels.load(QatCnnModels.Variant.INT4, file);
    assertArrayEquals(
        fake, loaded.predict(held, 2), "the loaded network predicts as the trained one");
    assertArrayEquals(
        fake,
        QatFashionCnn.classify(QatCnnModels.integerModel(loaded), held),
        "the loaded network's integer model");
    assertEquals(
        4,
        integer.model().layers().stream()
            .filter(
                l ->
                    !(l instanceof dev.quantgen.onnx.PoolSpec)
                        && !(l instanceof dev.quantgen.onnx.FlattenSpec))
            .count(),
        "conv1, conv2, fc1, fc2");
  }
}
