package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.data.Idx;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.numerics.Shape;
import dev.quantgen.testkit.SharedData;
import dev.quantgen.training.network.Evaluation;
import dev.quantgen.training.network.Mlp;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The committed FP32 baseline: its weights load and reach the published MLP accuracy. */
class FashionBaselineTest {
  /** Fashion-MNIST's own benchmark table: MLPClassifier 256-128-100, test accuracy 0.8833. */
  static final double PUBLISHED_MLP_BASELINE = 0.8833;

  static Path resource(String name) throws URISyntaxException {
    return Path.of(FashionBaselineTest.class.getResource(name).toURI());
  }

  static Mlp committedModel() throws IOException, URISyntaxException {
    int[] sizes = TrainFashionMlp.SIZES;
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    try (WeightSource weights = WeightSource.open(resource("fashion-mlp-784-256-128-10.npz"))) {
      for (int l = 0; l < w.length; l++) {
        String layer = "fc" + (l + 1);
        w[l] = weights.get(layer, layer + ".weight", Shape.of(sizes[l + 1], sizes[l])).toArray();
        b[l] = weights.get(layer, layer + ".bias", Shape.of(sizes[l + 1])).toArray();
      }
    }
    return Mlp.of(sizes, w, b);
  }

  @Test
  void embeddedTestSubsetIsTheFirst2000TestImages() throws Exception {
    Dataset subset =
        Dataset.of(
            Idx.readImages(resource(ExportFashionTestSubset.IMAGES)),
            Idx.readLabels(resource(ExportFashionTestSubset.LABELS)),
            10);
    assertEquals(2000, subset.size());
    assertEquals(784, subset.inputSize());
    assertEquals(2000, java.util.Arrays.stream(subset.classCounts()).sum());
    double accuracy = Evaluation.accuracy(committedModel(), subset, 2);
    assertTrue(accuracy >= 0.88, "FP32 accuracy on the embedded 2,000 test images: " + accuracy);
  }

  @Test
  void embeddedSubsetMatchesTheFullTestSet() throws Exception {
    Path dir = SharedData.requireFashionMnist();
    var full = Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz"));
    var embedded = Idx.readImages(resource(ExportFashionTestSubset.IMAGES));
    assertArrayEquals(full.image(0), embedded.image(0));
    assertArrayEquals(full.image(1999), embedded.image(1999));
  }

  @Test
  void committedWeightsReachThePublishedMlpBaselineOnTheFullTestSet() throws Exception {
    SharedData.requireLongTests();
    Path dir = SharedData.requireFashionMnist();
    Dataset test =
        Dataset.of(
            Idx.readImages(dir.resolve("t10k-images-idx3-ubyte.gz")),
            Idx.readLabels(dir.resolve("t10k-labels-idx1-ubyte.gz")),
            10);
    assertEquals(10_000, test.size());
    double accuracy = Evaluation.accuracy(committedModel(), test, 2);
    assertTrue(accuracy >= PUBLISHED_MLP_BASELINE, "FP32 test accuracy " + accuracy);
    assertEquals(0.9005, accuracy, 1e-9, "the accuracy TrainFashionMlp printed for these weights");
  }
}
