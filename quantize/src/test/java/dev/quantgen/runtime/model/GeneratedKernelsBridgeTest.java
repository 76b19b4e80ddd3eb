package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.layer.BinaryDenseParams;
import dev.quantgen.runtime.layer.DenseLayer;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.Fp16DenseParams;
import dev.quantgen.runtime.layer.GeneratedKernels;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.Activation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How PTQ output reaches generated kernels: by layer index and prepared parameters; a layer no
 * generated variant matches is an error unless the caller opts in to the runtime's kernel for it
 * ({@link KernelPolicy#ALLOW_RUNTIME_KERNELS}). The generated kernels here are a stand-in that
 * wraps the runtime kernel of layer 0 only (the processor's own tests and the examples module check
 * real generated classes).
 */
class GeneratedKernelsBridgeTest {
  private static final FloatModel MODEL = TestModels.random(31, 41, 17, 5);
  private static final float[] SAMPLES = TestModels.samples(32, 50, 41);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Precision.class)
  void aLayerWithAMatchingGeneratedVariantRunsOnItAndTheOthersOnTheRuntime(Precision precision) {
    FirstLayerOnly kernels = new FirstLayerOnly(2);
    QuantizedModel runtime =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(precision), SAMPLES, 50);
    QuantizedModel bridged =
        PostTrainingQuantizer.quantize(
            MODEL,
            PtqConfig.of(precision),
            SAMPLES,
            50,
            kernels,
            KernelPolicy.ALLOW_RUNTIME_KERNELS);

    assertTrue(bridged.isGenerated(0));
    assertFalse(bridged.isGenerated(1));
    assertFalse(bridged.allGenerated());
    assertEquals("Wrapped", bridged.kernelName(0));
    assertEquals(runtime.kernelName(1), bridged.kernelName(1));
    assertEquals(
        List.of(0, 1), kernels.asked, "layer indices in model order, one question per layer");
    assertEquals(precision, kernels.kinds.get(0), "the question matching the layer's precision");
    TestModels.assertSameModel(runtime, bridged);
    TestModels.assertSameOutputs(runtime, bridged, SAMPLES, 50);
    assertEquals(
        "fc1: Wrapped, fc2: "
            + runtime.kernelName(1)
            + " (runtime kernel: no generated kernel of"
            + " test.TwoLayers matches)",
        bridged.kernelSummary());
  }

  @Test
  void byDefaultALayerWithoutAMatchingGeneratedVariantIsAnErrorNamingIt() {
    KernelMismatchException e =
        assertThrows(
            KernelMismatchException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    MODEL, PtqConfig.of(Precision.INT8), SAMPLES, 50, new FirstLayerOnly(2)));
    assertEquals(List.of(1), e.layers());
    assertEquals("test.TwoLayers", e.modelName());
    assertTrue(
        e.getMessage()
            .startsWith(
                "1 layer matches none of the kernels generated for test.TwoLayers:\n"
                    + "  layer 1 'fc2': expected a generated variant of that layer; the model has int8 "),
        e.getMessage());
    assertTrue(e.getMessage().contains("KernelPolicy.ALLOW_RUNTIME_KERNELS"), e.getMessage());
  }

  @Test
  void withoutGeneratedKernelsEveryLayerRunsOnTheRuntime() {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), SAMPLES, 50);
    assertFalse(model.isGenerated(0));
    assertEquals(List.of("StaticKernel", "StaticKernel"), model.kernelNames());
    QuantizedModel bridged =
        model.withKernels(new FirstLayerOnly(2), KernelPolicy.ALLOW_RUNTIME_KERNELS);
    assertEquals(List.of("Wrapped", "StaticKernel"), bridged.kernelNames());
    assertSame(
        model.layer(0), bridged.layer(0), "the prepared parameters are shared, not re-derived");
  }

  @Test
  void kernelsOfAModelWithAnotherLayerCountAreRejected() {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.FP16), SAMPLES, 50);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> model.withKernels(new FirstLayerOnly(3)));
    assertEquals(
        "kernels: expected the generated kernels of a model with 2 layers, got test.ThreeLayers with 3",
        e.getMessage());
  }

  @Test
  void aLoadedModelRunsOnTheGeneratedKernelsItIsGiven() throws Exception {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT4), SAMPLES, 50);
    Path file = dir.resolve("m.qgen");
    QuantizedModelFiles.save(model, file);
    QuantizedModel loaded =
        QuantizedModelFiles.load(file, new FirstLayerOnly(2), KernelPolicy.ALLOW_RUNTIME_KERNELS);
    assertEquals(List.of("Wrapped", "DynamicKernel"), loaded.kernelNames());
    TestModels.assertSameOutputs(model, loaded, SAMPLES, 50);
    assertFalse(QuantizedModelFiles.load(file).isGenerated(0));
    assertThrows(
        KernelMismatchException.class,
        () -> QuantizedModelFiles.load(file, new FirstLayerOnly(2)),
        "without the opt-in, a loaded layer without a generated kernel is an error too");

    ModelFileException e =
        assertThrows(
            ModelFileException.class, () -> QuantizedModelFiles.load(file, new FirstLayerOnly(3)));
    assertEquals(
        file
            + ": holds 2 layers, expected 3 (the layers of test.ThreeLayers, whose generated kernels were "
            + "asked for)",
        e.getMessage());
  }

  /** A generated kernel stand-in: delegates to the runtime kernel, with a class name of its own. */
  private static final class Wrapped implements DenseLayer {
    private final DenseLayer delegate;

    Wrapped(DenseLayer delegate) {
      this.delegate = delegate;
    }

    @Override
    public int inputSize() {
      return delegate.inputSize();
    }

    @Override
    public int outputSize() {
      return delegate.outputSize();
    }

    @Override
    public void forward(float[] x, float[] y) {
      delegate.forward(x, y);
    }
  }

  /** Matches layer 0 in every precision and no other layer; records what it was asked. */
  private static final class FirstLayerOnly implements GeneratedKernels {
    private final int layers;
    final List<Integer> asked = new ArrayList<>();
    final List<Precision> kinds = new ArrayList<>();

    FirstLayerOnly(int layers) {
      this.layers = layers;
    }

    @Override
    public String modelName() {
      return layers == 2 ? "test.TwoLayers" : "test.ThreeLayers";
    }

    @Override
    public int layers() {
      return layers;
    }

    private Optional<DenseLayer> answer(int layer, Precision kind, PreparedLayer prepared) {
      asked.add(layer);
      kinds.add(kind);
      return layer == 0 ? Optional.of(new Wrapped(prepared.kernel())) : Optional.empty();
    }

    @Override
    public Optional<DenseLayer> fp32(int layer, DenseWeights weights, Activation activation) {
      return answer(layer, Precision.FP32, new PreparedLayer.Fp32("l", weights, activation));
    }

    @Override
    public Optional<DenseLayer> fp16(int layer, Fp16DenseParams params) {
      return answer(layer, Precision.FP16, new PreparedLayer.Fp16("l", params));
    }

    @Override
    public Optional<DenseLayer> quantized(int layer, QuantizedDenseParams params) {
      PreparedLayer.Quantized q = new PreparedLayer.Quantized("l", params);
      return answer(layer, q.precision(), q);
    }

    @Override
    public Optional<DenseLayer> binary(int layer, BinaryDenseParams params) {
      return answer(layer, Precision.BINARY, new PreparedLayer.Binary("l", params));
    }
  }
}
