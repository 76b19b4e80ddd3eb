package dev.quantgen.examples.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The non-finite rule of docs/numerics.md on the generated kernels, INT8 (static activations) and
 * INT4 (dynamic activations) of {@link FashionMlp}: a NaN input reads as 0 (the output equals the
 * one for 0.0 there, bit for bit), infinities saturate and never widen a dynamic range (no output
 * is NaN), and every output equals the runtime's own kernels on the same {@code .qgen} file, bit
 * for bit. (FP32, FP16 and binary weight-only layers read float activations and propagate NaN by
 * IEEE 754, as documented.)
 */
class GeneratedNonFiniteInputsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(names = {"INT8", "INT4"})
  void nanReadsAsZeroAndInfinitiesSaturateOnGeneratedKernelsAsOnTheRuntimes(Precision precision)
      throws Exception {
    QuantizedModel generated =
        GeneratedModelFiles.load(
            dir, new int[] {784, 256, 128, 10}, FashionMlp_Model.kernels(), precision, 91);
    QuantizedModel runtime = QuantizedModelFiles.load(dir.resolve("256-" + precision + ".qgen"));
    Random random = new Random(92);
    float[] x = GeneratedModelFiles.input(random, 784);

    float[] withNaN = x.clone();
    float[] withZero = x.clone();
    for (int i = 3; i < 784; i += 97) {
      withNaN[i] = Float.NaN;
      withZero[i] = 0.0f;
    }
    assertArrayEquals(
        GeneratedModelFiles.bits(run(generated, withZero)),
        GeneratedModelFiles.bits(run(generated, withNaN)),
        precision + ": NaN inputs read as 0");

    float[] withInfinities = x.clone();
    withInfinities[5] = Float.POSITIVE_INFINITY;
    withInfinities[400] = Float.NEGATIVE_INFINITY;
    withInfinities[700] = Float.NaN;
    float[] y = run(generated, withInfinities);
    for (int c = 0; c < y.length; c++) {
      assertFalse(Float.isNaN(y[c]), precision + ": y[" + c + "] is NaN");
    }
    for (float[] input : new float[][] {withNaN, withInfinities}) {
      assertArrayEquals(
          GeneratedModelFiles.bits(run(runtime, input)),
          GeneratedModelFiles.bits(run(generated, input)),
          precision + ": generated kernels equal the runtime's on non-finite inputs");
    }
  }

  private static float[] run(QuantizedModel model, float[] x) {
    float[] y = new float[model.outputSize()];
    model.forward(x, y);
    return y;
  }
}
