package dev.quantgen.examples.cnn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.examples.SharedModelLoad;
import dev.quantgen.quantize.weights.NpyWriter;
import dev.quantgen.quantize.weights.WeightSource;
import dev.quantgen.runtime.kernel.Rows;
import dev.quantgen.runtime.numerics.FloatTensor;
import dev.quantgen.runtime.numerics.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen threads share the {@link SplitCnnShape} CNN at every precision, running on the kernels
 * javac generated: FP32, FP16, static INT8, static INT4 (with a dynamic INT4 dense layer) and
 * BINARY (sign-add and XNOR convolutions), each model built by its generated {@code _Model} from
 * one {@code .npz} weights file read through {@link WeightSource}, as an application binds a CNN's
 * weights (a {@code .qgen} file holds dense chains only). Its {@code Conv2} is above the split
 * threshold, so the static INT8 and INT4 models split one sample's output channels across cores
 * while sixteen callers share them.
 *
 * <p>The generated CNN models run one sample per call; a request is one sample, a batch of 7 run
 * one after the other, or a batch of 64 split across the common pool (as {@code InferenceSession}
 * splits a dense batch). Every result must equal, bit for bit, what one thread computed before the
 * run, and the used heap after forced GCs must not grow ({@link SharedModelLoad}). About 2 s by
 * default, 10 s under {@code -Dquantgen.longTests=true}; {@code -Dquantgen.loadSeconds} and {@code
 * -Dquantgen.loadThreads} override.
 */
class GeneratedConvKernelsLoadTest {
  private static final int[] BATCHES = {1, 7, 64};

  @TempDir Path dir;

  @Test
  void sharedGeneratedCnnsGiveSingleThreadResultsUnderLoadWithoutHeapGrowth() throws Exception {
    assertTrue(
        64L * 3 * 3 * 32 * 8 * 8 >= Rows.MIN_PARALLEL_MACS,
        "Conv2 must be above the split threshold");
    Map<String, FloatTensor> weights =
        savedAndLoaded(dir.resolve("split-cnn.npz"), new Random(2024));
    List<float[]> calibration = new ArrayList<>();
    Random samples = new Random(2025);
    for (int i = 0; i < 32; i++) {
      calibration.add(input(samples));
    }
    Random random = new Random(2026);
    List<SharedModelLoad.Target> targets =
        List.of(
            target("cnn FP32", SplitCnnInt8_Model.fp32(weights)::forward, random),
            target("cnn FP16", SplitCnnFp16_Model.floats(weights)::forward, random),
            target("cnn INT8", SplitCnnInt8_Model.calibrate(weights, calibration)::forward, random),
            target("cnn INT4", SplitCnnInt4_Model.calibrate(weights, calibration)::forward, random),
            target("cnn BINARY", SplitCnnBinary_Model.floats(weights)::forward, random));
    System.out.printf(
        "[generated-conv-load] Conv2 of the INT8 and INT4 models splits across %d threads "
            + "(Rows.threads(); 1 means no split)%n",
        Rows.threads());
    SharedModelLoad.run(
        "generated-conv-load",
        targets,
        BATCHES,
        SharedModelLoad.threads(),
        SharedModelLoad.millis(2));
  }

  /**
   * One shared model: a sample is one call; a batch of 64 runs its samples on the common pool, a
   * smaller one on the caller's thread. Expected outputs: one call per input, on this thread.
   */
  private static SharedModelLoad.Target target(
      String name, UnaryOperator<float[]> model, Random random) {
    int in = SplitCnnShape.INPUT_SIZE;
    int out = SplitCnnShape.OUTPUT_SIZE;
    return SharedModelLoad.Target.of(
        name,
        in,
        out,
        (x, batch, y) -> {
          IntStream rows = IntStream.range(0, batch);
          (batch >= SharedModelLoad.INPUTS ? rows.parallel() : rows)
              .forEach(
                  r ->
                      System.arraycopy(
                          model.apply(batch == 1 ? x : Arrays.copyOfRange(x, r * in, (r + 1) * in)),
                          0,
                          y,
                          r * out,
                          out));
        },
        (x, batch, y) -> System.arraycopy(model.apply(x), 0, y, 0, out),
        GeneratedConvKernelsLoadTest::input,
        random);
  }

  /**
   * Seeded He-initialized FP32 weights under the layers' names, written as {@code .npz} and read
   * back.
   */
  private static Map<String, FloatTensor> savedAndLoaded(Path file, Random random)
      throws IOException {
    Map<String, FloatTensor> written = new LinkedHashMap<>();
    put(written, "Conv1", Shape.of(64, 1, 3, 3), 9, random);
    put(written, "Conv2", Shape.of(32, 64, 3, 3), 576, random);
    put(written, "Fc", Shape.of(10, 512), 512, random);
    NpyWriter.writeNpz(file, written, true);
    Map<String, FloatTensor> weights = new LinkedHashMap<>();
    try (WeightSource source = WeightSource.open(file)) {
      for (String name : source.names()) {
        weights.put(name, source.get(name));
      }
    }
    return weights;
  }

  private static void put(
      Map<String, FloatTensor> weights, String layer, Shape shape, int fanIn, Random random) {
    float[] w = new float[shape.size()];
    double std = Math.sqrt(2.0 / fanIn);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (random.nextGaussian() * std);
    }
    float[] b = new float[shape.dim(0)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (random.nextGaussian() * 0.05);
    }
    weights.put(layer + ".weight", FloatTensor.of(shape, w));
    weights.put(layer + ".bias", FloatTensor.of(Shape.of(shape.dim(0)), b));
  }

  /** One 16x16 input in [-0.5, 1.5): pixels and some negatives. */
  private static float[] input(Random random) {
    float[] x = new float[SplitCnnShape.INPUT_SIZE];
    for (int i = 0; i < x.length; i++) {
      x[i] = 2 * random.nextFloat() - 0.5f;
    }
    return x;
  }
}
