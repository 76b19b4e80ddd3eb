package dev.quantgen.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.examples.mlp.Fc1_Int4FakeQuant;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.testkit.SharedData;
import dev.quantgen.training.network.Layer;
import dev.quantgen.training.network.Linear;
import dev.quantgen.training.network.Network;
import dev.quantgen.training.network.NetworkTrainer;
import dev.quantgen.training.network.Optimizer;
import dev.quantgen.training.network.TrainingConfig;
import dev.quantgen.training.network.TrainingListener;
import dev.quantgen.training.qat.ActivationQuant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * QAT of the Fashion MLP on the operators javac generated from {@code Fc1..Fc3} trains exactly as
 * on the runtime's operators: same seed, ten batches of 64 real images from the committed FP32
 * weights, and every weight, bias and activation range equal bit for bit afterwards.
 */
class GeneratedQatOperatorsTest {
  private static Dataset batches;
  private static float[][][] fp32;

  @BeforeAll
  static void load() throws Exception {
    batches = FashionData.train(SharedData.requireFashionMnist()).subset(0, 640);
    fp32 = QatModels.readMlp(FashionResults.resource(FashionResults.MLP_FP32));
  }

  @ParameterizedTest
  @EnumSource(QatModels.Variant.class)
  void generatedAndRuntimeOperatorsTrainIdentically(QatModels.Variant variant) {
    Network generated = QatModels.mlp(variant, fp32[0], fp32[1]);
    Network runtime = QatModels.mlp(variant, fp32[0], fp32[1], QatModels.Operators.RUNTIME);
    if (variant == QatModels.Variant.INT4) {
      assertTrue(
          linears(generated).get(0).transform() instanceof Fc1_Int4FakeQuant,
          "fc1 on the generated operator");
    }
    train(generated);
    train(runtime);
    List<Linear> g = linears(generated);
    List<Linear> r = linears(runtime);
    for (int k = 0; k < g.size(); k++) {
      assertArrayEquals(
          bits(r.get(k).weight()), bits(g.get(k).weight()), g.get(k).name() + ".weight");
      assertArrayEquals(bits(r.get(k).bias()), bits(g.get(k).bias()), g.get(k).name() + ".bias");
    }
    // Training moved the weights (so the equality above says something).
    assertFalse(java.util.Arrays.equals(fp32[0][0], g.get(0).weight()), "fc1 trained");
    List<Layer> gl = generated.layers();
    List<Layer> rl = runtime.layers();
    for (int k = 0; k < gl.size(); k++) {
      if (gl.get(k) instanceof ActivationQuant a) {
        assertArrayEquals(
            bits(((ActivationQuant) rl.get(k)).range()), bits(a.range()), "boundary at layer " + k);
        assertNotEquals(
            ((ActivationQuant) rl.get(k)).operator(),
            a.operator(),
            "generated activation operator");
      }
    }
    Dataset probe = batches.subset(0, 200);
    assertArrayEquals(runtime.predict(probe, 1), generated.predict(probe, 1), "predictions");
  }

  private static void train(Network network) {
    TrainingConfig config =
        TrainingConfig.defaults()
            .withEpochs(1)
            .withBatchSize(64)
            .withSeed(QatFashionMlp.SEED)
            .withThreads(2)
            .withCosineDecay(true);
    new NetworkTrainer(config, Optimizer.adam(1e-3f))
        .train(network, batches, new TrainingListener() {});
  }

  private static List<Linear> linears(Network network) {
    List<Linear> out =
        network.layers().stream().filter(l -> l instanceof Linear).map(l -> (Linear) l).toList();
    assertEquals(3, out.size());
    return out;
  }

  private static int[] bits(float[] values) {
    int[] b = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = Float.floatToRawIntBits(values[i]);
    }
    return b;
  }
}
