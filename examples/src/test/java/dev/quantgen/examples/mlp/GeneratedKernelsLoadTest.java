package dev.quantgen.examples.mlp;

import dev.quantgen.examples.SharedModelLoad;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen threads share models of every precision running on GENERATED kernels, loaded from {@code
 * .qgen} files: {@link FashionMlp} (784-256-128-10) and {@link WideMlp} (784-1400-10, whose first
 * layer splits one sample's rows across cores through the kernels' worker pool). Each request is
 * one sample or a batch (7 rows, or 64 rows, which {@link InferenceSession} splits across the
 * common pool); every result must equal, bit for bit, what one thread computed before the run, and
 * the used heap after forced GCs must not grow ({@link SharedModelLoad}).
 *
 * <p>Runs about 2 s by default and 10 s under {@code -Dquantgen.longTests=true}; {@code
 * -Dquantgen.loadSeconds} and {@code -Dquantgen.loadThreads} (default 16) override.
 */
class GeneratedKernelsLoadTest {
  private static final int[] BATCHES = {1, 7, 64};

  @TempDir Path dir;

  @Test
  void sharedGeneratedModelsGiveSingleThreadResultsUnderLoadWithoutHeapGrowth() throws Exception {
    List<SharedModelLoad.Target> targets = new ArrayList<>();
    Random random = new Random(1717);
    long seed = 40;
    for (Precision precision : Precision.values()) {
      targets.add(
          target(
              "fashion " + precision,
              GeneratedModelFiles.load(
                  dir,
                  new int[] {784, 256, 128, 10},
                  FashionMlp_Model.kernels(),
                  precision,
                  seed++),
              random));
      targets.add(
          target(
              "wide " + precision,
              GeneratedModelFiles.load(
                  dir, new int[] {784, 1400, 10}, WideMlp_Model.kernels(), precision, seed++),
              random));
    }
    SharedModelLoad.run(
        "generated-load", targets, BATCHES, SharedModelLoad.threads(), SharedModelLoad.millis(2));
  }

  /**
   * One shared session; each input's expected output is the model's own, one sample on this thread.
   */
  private static SharedModelLoad.Target target(String name, QuantizedModel model, Random random) {
    InferenceSession session = new InferenceSession(model);
    return SharedModelLoad.Target.of(
        name,
        model.inputSize(),
        model.outputSize(),
        (x, batch, y) -> {
          if (batch == 1) {
            session.run(x, y);
          } else {
            session.run(x, batch, y);
          }
        },
        (x, batch, y) -> model.forward(x, y),
        r -> GeneratedModelFiles.input(r, model.inputSize()),
        random);
  }
}
