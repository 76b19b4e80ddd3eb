package dev.quantgen.training.qat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.Relu;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Short runs (well under a second each) proving that fake-quant training learns and converts. */
class QatTrainingTest {
  /** Three Gaussian blobs in 12 dimensions, inputs in [0, 1]-ish. */
  private static Dataset blobs(int n, long seed) {
    Random random = new Random(seed);
    int dim = 12;
    float[] x = new float[n * dim];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 3;
      for (int d = 0; d < dim; d++) {
        x[i * dim + d] =
            (float) Math.max(0, 0.5 + 0.15 * random.nextGaussian() + (d % 3 == y[i] ? 0.2 : 0));
      }
    }
    return Dataset.of(x, dim, y, 3);
  }

  private static Network int4Network(long seed) {
    return int4Network(seed, false);
  }

  /**
   * With {@code exact}, evaluation runs each layer on its integer kernel ({@link
   * IntegerKernelForward}).
   */
  private static Network int4Network(long seed, boolean exact) {
    Random random = new Random(seed);
    ActivationQuant input = ActivationQuant.fixedRange(12, 0f, 1f);
    PerChannelWeightQuant q1 = PerChannelWeightQuant.nearest(QuantType.INT4);
    PerChannelWeightQuant q2 = PerChannelWeightQuant.nearest(QuantType.INT4);
    ActivationQuant hidden = ActivationQuant.movingAverage(16);
    ActivationQuant logits = ActivationQuant.movingAverage(3);
    Linear fc1 =
        Linear.heInit("fc1", 12, 16, random)
            .withTransform(q1)
            .withBiasTransform(new Int32Bias(input, q1));
    Linear fc2 =
        Linear.heInit("fc2", 16, 3, random)
            .withTransform(q2)
            .withBiasTransform(new Int32Bias(hidden, q2));
    if (exact) {
      fc1 = fc1.withEvaluationKernel(new IntegerKernelForward(input, q1, hidden, Activation.RELU));
      fc2 = fc2.withEvaluationKernel(new IntegerKernelForward(hidden, q2, logits, Activation.NONE));
    }
    return Network.of(List.of(input, fc1, new Relu(16), hidden, fc2, logits));
  }

  /** Inputs uniform in [0, 1.2): some saturate the fixed [0, 1] input range. */
  private static Dataset uniform(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n * 12];
    for (int i = 0; i < x.length; i++) {
      x[i] = 1.2f * random.nextFloat();
    }
    return Dataset.of(x, 12, new int[n], 3);
  }

  private static int[] integerPredictions(QuantizedModel integer, Dataset data) {
    float[] x = new float[data.inputSize()];
    float[] logits = new float[integer.outputSize()];
    int[] p = new int[data.size()];
    for (int i = 0; i < p.length; i++) {
      data.copyInput(i, x, 0);
      integer.forward(x, logits);
      p[i] = argmax(logits);
    }
    return p;
  }

  @Test
  void evaluationOnTheIntegerKernelsPredictsExactlyAsTheIntegerModel() {
    Network network = int4Network(5, true);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(3).withBatchSize(32).withSeed(3);
    new NetworkTrainer(config, Optimizer.adam(1e-2f))
        .train(network, blobs(300, 1), TrainingListener.none());
    Dataset inputs = uniform(5000, 9);
    int[] integer = integerPredictions(IntegerConversion.toQuantizedModel(network), inputs);
    assertArrayEquals(integer, network.predict(inputs, 1));
    assertArrayEquals(integer, network.predict(inputs, 2));
  }

  @Test
  void anEvaluationKernelLeavesTrainingUnchanged() {
    Network plain = int4Network(5, false);
    Network exact = int4Network(5, true);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withBatchSize(32).withSeed(3);
    new NetworkTrainer(config, Optimizer.adam(1e-2f))
        .train(plain, blobs(200, 1), TrainingListener.none());
    new NetworkTrainer(config, Optimizer.adam(1e-2f))
        .train(exact, blobs(200, 1), TrainingListener.none());
    for (int l = 0; l < plain.layers().size(); l++) {
      for (int p = 0; p < plain.layers().get(l).parameters().size(); p++) {
        assertArrayEquals(
            plain.layers().get(l).parameters().get(p), exact.layers().get(l).parameters().get(p));
      }
    }
  }

  @Test
  void int4QuantizationAwareTrainingLearnsAndItsIntegerModelAgrees() {
    Dataset train = blobs(600, 1);
    Dataset test = blobs(300, 2);
    Network network = int4Network(5);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(8).withBatchSize(32).withSeed(3);
    new NetworkTrainer(config, Optimizer.adam(1e-2f))
        .train(network, train, TrainingListener.none());
    double accuracy = network.accuracy(test, 2);
    assertTrue(accuracy > 0.9, "fake-quant accuracy " + accuracy);
    QuantizedModel integer = IntegerConversion.toQuantizedModel(network);
    assertEquals("int4 static", integer.label());
    int[] fake = network.predict(test, 1);
    float[] x = new float[12];
    float[] logits = new float[3];
    int agree = 0;
    for (int i = 0; i < test.size(); i++) {
      test.copyInput(i, x, 0);
      integer.forward(x, logits);
      agree += argmax(logits) == fake[i] ? 1 : 0;
    }
    assertTrue(agree >= test.size() - 1, "predictions agree on " + agree + " of " + test.size());
  }

  @Test
  void trainingIsReproducibleWhateverTheThreadCount() {
    Dataset train = blobs(200, 1);
    Network one = int4Network(5);
    Network two = int4Network(5);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withBatchSize(32).withSeed(3);
    new NetworkTrainer(config.withThreads(1), Optimizer.adam(1e-2f))
        .train(one, train, TrainingListener.none());
    new NetworkTrainer(config.withThreads(2), Optimizer.adam(1e-2f))
        .train(two, train, TrainingListener.none());
    for (int l = 0; l < one.layers().size(); l++) {
      for (int p = 0; p < one.layers().get(l).parameters().size(); p++) {
        assertArrayEquals(
            one.layers().get(l).parameters().get(p), two.layers().get(l).parameters().get(p));
      }
    }
    assertArrayEquals(
        ((ActivationQuant) one.layers().get(3)).range(),
        ((ActivationQuant) two.layers().get(3)).range());
  }

  @Test
  void binaryWeightsTrainAndConvertToTheBinaryKernel() {
    Dataset train = blobs(600, 1);
    Random random = new Random(9);
    Network network =
        Network.of(
            List.of(
                Linear.heInit("fc1", 12, 16, random).withTransform(new BinaryWeights()),
                new Relu(16),
                Linear.heInit("fc2", 16, 3, random).withTransform(new BinaryWeights())));
    Dataset test = blobs(300, 2);
    double before = network.accuracy(test, 2);
    new NetworkTrainer(
            TrainingConfig.defaults().withEpochs(8).withBatchSize(32), Optimizer.adam(1e-2f))
        .train(network, train, TrainingListener.none());
    double after = network.accuracy(test, 2);
    // Sixteen binary hidden units on a 3-class problem: well above chance (1/3) and above the
    // start.
    assertTrue(after > 0.6 && after > before + 0.1, "accuracy " + before + " -> " + after);
    assertEquals("binary weight-only", IntegerConversion.toQuantizedModel(network).label());
  }

  @Test
  void anInt4LayerWithoutActivationQuantizationIsRejectedByName() {
    Network network =
        Network.of(
            List.of(
                Linear.heInit("fc7", 4, 2, new Random(1))
                    .withTransform(PerChannelWeightQuant.nearest(QuantType.INT4))));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> IntegerConversion.toQuantizedModel(network));
    assertTrue(e.getMessage().contains("layer fc7"), e.getMessage());
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }
}
