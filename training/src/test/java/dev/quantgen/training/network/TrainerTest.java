package dev.quantgen.training.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.LabeledCsv;
import dev.quantgen.testkit.SharedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {
  /** optdigits: 3,823 training digits by 30 writers, tested on 1,797 digits by 13 others. */
  private static Dataset digitsTrain() throws IOException {
    return LabeledCsv.read(SharedData.require("data/optdigits/optdigits.tra.gz"), 16, 10);
  }

  private static Dataset digitsTest() throws IOException {
    return LabeledCsv.read(SharedData.require("data/sklearn/digits.csv.gz"), 16, 10);
  }

  private static int[] bits(Mlp m) {
    List<Integer> out = new ArrayList<>();
    for (int l = 0; l < m.layers(); l++) {
      for (float v : m.weight(l)) {
        out.add(Float.floatToRawIntBits(v));
      }
      for (float v : m.bias(l)) {
        out.add(Float.floatToRawIntBits(v));
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void adamLearnsDigitsFromOtherWriters() throws IOException {
    Mlp model = Mlp.heInit(1, 64, 64, 10);
    List<Integer> epochs = new ArrayList<>();
    List<EpochResult> results =
        new Trainer(
                TrainingConfig.defaults().withEpochs(40).withBatchSize(64), Optimizer.adam(1e-3f))
            .train(
                model,
                digitsTrain(),
                new TrainingListener() {
                  @Override
                  public void onEpoch(EpochResult result) {
                    epochs.add(result.epoch());
                  }
                });
    assertEquals(40, epochs.size());
    assertTrue(
        results.get(39).meanLoss() < results.get(0).meanLoss() / 5, "the loss falls: " + results);
    double accuracy = Evaluation.accuracy(model, digitsTest(), 2);
    assertTrue(accuracy >= 0.93, "test accuracy " + accuracy);
  }

  @Test
  void sgdWithMomentumLearnsDigits() throws IOException {
    Mlp model = Mlp.heInit(2, 64, 64, 10);
    new Trainer(
            TrainingConfig.defaults().withEpochs(30).withBatchSize(32), Optimizer.sgd(0.05f, 0.9f))
        .train(model, digitsTrain(), TrainingListener.none());
    double accuracy = Evaluation.accuracy(model, digitsTest(), 1);
    assertTrue(accuracy >= 0.93, "test accuracy " + accuracy);
  }

  @Test
  void sameSeedGivesIdenticalWeightBitsWhateverTheThreadCount() throws IOException {
    Dataset data = digitsTrain().subset(0, 1000);
    int[] reference = null;
    for (int threads : new int[] {1, 2, 2, 4}) {
      Mlp model = Mlp.heInit(3, 64, 32, 10);
      new Trainer(
              TrainingConfig.defaults()
                  .withEpochs(3)
                  .withThreads(threads)
                  .withShards(4)
                  .withCosineDecay(true),
              Optimizer.adam(2e-3f))
          .train(model, data, TrainingListener.none());
      if (reference == null) {
        reference = bits(model);
      } else {
        assertArrayEquals(reference, bits(model), threads + " threads");
      }
    }
  }

  @Test
  void progressIsReportedForEveryBatchIncludingAShortLastOne() {
    Dataset data = Dataset.of(new float[10 * 3], 3, new int[10], 2);
    List<String> progress = new ArrayList<>();
    new Trainer(TrainingConfig.defaults().withEpochs(2).withBatchSize(4), Optimizer.sgd(0.1f, 0f))
        .train(
            Mlp.heInit(1, 3, 2),
            data,
            new TrainingListener() {
              @Override
              public void onProgress(int epoch, int batch, int batches) {
                progress.add(epoch + ":" + batch + "/" + batches);
              }
            });
    assertEquals(List.of("1:1/3", "1:2/3", "1:3/3", "2:1/3", "2:2/3", "2:3/3"), progress);
  }

  @Test
  void mismatchedDataIsRejected() {
    Dataset data = Dataset.of(new float[6], 3, new int[2], 2);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new Trainer(TrainingConfig.defaults(), Optimizer.adam(1e-3f))
                    .train(Mlp.heInit(1, 4, 2), data, TrainingListener.none()));
    assertEquals(
        "data with 3 inputs and 2 classes: expected 4 inputs and 2 classes for the model",
        e.getMessage());
    assertEquals(
        "batchSize is 0: expected >= 1",
        assertThrows(
                IllegalArgumentException.class, () -> TrainingConfig.defaults().withBatchSize(0))
            .getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Optimizer.adam(0f))
            .getMessage()
            .contains("learningRate=0.0"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Optimizer.sgd(0.1f, 1f))
            .getMessage()
            .contains("momentum=1.0"));
  }
}
