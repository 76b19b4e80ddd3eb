package dev.quantgen.examples.mismatch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.KernelMismatchException;
import dev.quantgen.runtime.model.KernelPolicy;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handing a model the generated kernels of a {@code @Model} it does not match is an error naming
 * the layer, what the generated kernel expects and what the model has; running such layers on the
 * runtime's own kernels is an explicit opt-in ({@link KernelPolicy#ALLOW_RUNTIME_KERNELS}).
 */
class KernelMismatchTest {
  private static final int SAMPLES = 16;
  private static final String INT8 = "int8 symmetric per-channel static (integer requantization)";

  @TempDir Path dir;

  @Test
  void aWiderHiddenLayerThanTheAnnotationsDeclareIsAnErrorNamingTheLayer() {
    FloatModel wider = mlp(64, 48, 10);
    KernelMismatchException e =
        assertThrows(
            KernelMismatchException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    wider,
                    PtqConfig.of(Precision.INT8),
                    samples(64),
                    SAMPLES,
                    Mlp64x32x10_Model.kernels()));
    assertEquals(List.of(0, 1), e.layers(), "both layers differ in shape");
    assertEquals(
        "2 layers match none of the kernels generated for dev.quantgen.examples.mismatch.Mlp64x32x10:\n"
            + "  layer 0 'fc1': expected Hidden_Int8: "
            + INT8
            + ", 64 -> 32, bias, activation RELU;"
            + " the model has "
            + INT8
            + ", 64 -> 48, bias, activation RELU\n"
            + "  layer 1 'fc2': expected Logits_Int8: "
            + INT8
            + ", 32 -> 10, bias, activation NONE;"
            + " the model has "
            + INT8
            + ", 48 -> 10, bias, activation NONE\n"
            + "Make the model match its annotations (or add a @Quantize variant for this configuration), or opt in to"
            + " the runtime's slower kernels for such layers with KernelPolicy.ALLOW_RUNTIME_KERNELS.",
        e.getMessage());
  }

  @Test
  void aLastLayerWithoutTheReluItsAnnotationDeclaresIsAnError() {
    FloatModel model = mlp(64, 32, 10); // ReLU after fc1 only
    KernelMismatchException e =
        assertThrows(
            KernelMismatchException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    model,
                    PtqConfig.of(Precision.INT8),
                    samples(64),
                    SAMPLES,
                    Mlp64x32x10Relu_Model.kernels()));
    assertEquals(List.of(1), e.layers());
    assertTrue(
        e.getMessage()
            .contains(
                "  layer 1 'fc2': expected ReluLogits_Int8: "
                    + INT8
                    + ", 32 -> 10, bias, activation RELU; the model has "
                    + INT8
                    + ", 32 -> 10, bias, activation NONE\n"),
        e.getMessage());
  }

  @Test
  void aPrecisionWithoutAGeneratedVariantIsAnErrorListingTheVariantsThereAre() {
    KernelMismatchException e =
        assertThrows(
            KernelMismatchException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    mlp(64, 32, 10),
                    PtqConfig.of(Precision.INT4),
                    samples(64),
                    SAMPLES,
                    Mlp64x32x10_Model.kernels()));
    assertTrue(
        e.getMessage()
            .contains(
                "  layer 0 'fc1': expected Hidden_Fp32: fp32, 64 -> 32, bias, activation"
                    + " RELU or Hidden_Int8: "
                    + INT8
                    + ", 64 -> 32, bias, activation RELU; the model has int4 "),
        e.getMessage());
  }

  @Test
  void optingInRunsTheUnmatchedLayersOnTheRuntimeKernelsAndSaysWhich() {
    FloatModel model = mlp(64, 32, 10);
    float[] x = samples(64);
    QuantizedModel runtime =
        PostTrainingQuantizer.quantize(model, PtqConfig.of(Precision.INT8), x, SAMPLES);
    QuantizedModel mixed =
        PostTrainingQuantizer.quantize(
            model,
            PtqConfig.of(Precision.INT8),
            x,
            SAMPLES,
            Mlp64x32x10Relu_Model.kernels(),
            KernelPolicy.ALLOW_RUNTIME_KERNELS);

    assertEquals(List.of("Hidden_Int8", "StaticKernel"), mixed.kernelNames());
    assertFalse(mixed.allGenerated());
    InferenceSession session = new InferenceSession(mixed, 1);
    assertEquals(
        "fc1: Hidden_Int8, fc2: StaticKernel (runtime kernel: no generated kernel of"
            + " dev.quantgen.examples.mismatch.Mlp64x32x10Relu matches)",
        session.kernelSummary());
    float[] expected = new float[10];
    for (int s = 0; s < SAMPLES; s++) {
      float[] xi = java.util.Arrays.copyOfRange(x, s * 64, (s + 1) * 64);
      runtime.forward(xi, expected);
      assertArrayEquals(
          expected, session.run(xi), "sample " + s + ": integer pipelines agree bit for bit");
    }
  }

  @Test
  void aMatchingModelRunsEveryLayerOnItsGeneratedKernel() {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(
            mlp(64, 32, 10),
            PtqConfig.of(Precision.INT8),
            samples(64),
            SAMPLES,
            Mlp64x32x10_Model.kernels());
    assertEquals(List.of("Hidden_Int8", "Logits_Int8"), model.kernelNames());
    assertEquals("fc1: Hidden_Int8, fc2: Logits_Int8", model.kernelSummary());
  }

  @Test
  void aLoadedModelFileIsCheckedTheSameWay() throws IOException {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(
            mlp(64, 32, 10), PtqConfig.of(Precision.INT8), samples(64), SAMPLES);
    Path file = dir.resolve("mlp.qgen");
    QuantizedModelFiles.save(model, file);
    KernelMismatchException e =
        assertThrows(
            KernelMismatchException.class,
            () -> QuantizedModelFiles.load(file, Mlp64x32x10Relu_Model.kernels()));
    assertEquals(List.of(1), e.layers());
    assertEquals(
        List.of("Hidden_Int8", "StaticKernel"),
        QuantizedModelFiles.load(
                file, Mlp64x32x10Relu_Model.kernels(), KernelPolicy.ALLOW_RUNTIME_KERNELS)
            .kernelNames());
    assertEquals(
        List.of("StaticKernel", "StaticKernel"),
        QuantizedModelFiles.load(file).kernelNames(),
        "without generated kernels, the runtime's kernels run as before");
  }

  /**
   * An MLP of these sizes with ReLU after every layer but the last, as numpy training would give.
   */
  private static FloatModel mlp(int... sizes) {
    Random random = new Random(7);
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    for (int l = 0; l < w.length; l++) {
      w[l] = gaussian(random, sizes[l] * sizes[l + 1], Math.sqrt(2.0 / sizes[l]));
      b[l] = gaussian(random, sizes[l + 1], 0.05);
    }
    return FloatModel.mlp(sizes, w, b);
  }

  private static float[] samples(int in) {
    Random random = new Random(3);
    float[] x = new float[SAMPLES * in];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    return x;
  }

  private static float[] gaussian(Random random, int n, double std) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * std);
    }
    return v;
  }
}
