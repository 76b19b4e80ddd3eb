package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.io.ModelFile;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.io.ModelTensor;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: {@code .qgen} files with valid checksums whose values would load and then compute
 * garbage. Each file is a valid model's container rewritten through the writer with one value
 * changed (so the CRCs are right), and each must fail at load with a {@link ModelFileException}
 * naming the file, the layer and the field.
 */
class QuantizedModelFilesValidationTest {
  private static final FloatModel MODEL = TestModels.random(31, 40, 24, 10);
  private static final float[] SAMPLES = TestModels.samples(32, 100, 40);

  @TempDir Path dir;

  private static QuantizedModel quantize(LayerQuantization layers) {
    return PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(layers), SAMPLES, 100);
  }

  @Test
  void outputBoundsWithMinAboveMaxAreRejected() throws Exception {
    Path file =
        rewrite(
            quantize(LayerQuantization.of(Precision.INT8)),
            Map.of("layer.0.outputMin", "100", "layer.0.outputMax", "-100"),
            t -> t);
    assertFails(file, "layer 0 'fc1', metadata 'layer.0.outputMax': is -100, expected 100..127");
  }

  @Test
  void outputBoundsOutsideInt8AreRejected() throws Exception {
    QuantizedModel int8 = quantize(LayerQuantization.of(Precision.INT8));
    assertFails(
        rewrite(int8, Map.of("layer.1.outputMin", "-300"), t -> t),
        "layer 1 'fc2', metadata 'layer.1.outputMin': is -300, expected -128..127");
    assertFails(
        rewrite(int8, Map.of("layer.1.outputMin", "0", "layer.1.outputMax", "300"), t -> t),
        "layer 1 'fc2', metadata 'layer.1.outputMax': is 300, expected 0..127");
  }

  @Test
  void negativeRequantizationMultiplierIsRejected() throws Exception {
    Path file =
        rewrite(
            quantize(LayerQuantization.of(Precision.INT8)),
            Map.of(),
            t -> t.name().equals("fc1.requant.multipliers") ? withInt(t, 3, -1_500_000_000) : t);
    assertFails(
        file,
        "layer 0 'fc1', tensor 'fc1.requant.multipliers'[3]: is -1500000000 (shift "
            + shift(file, 3)
            + "), expected a fixed-point multiplier in [2^30, 2^31) or 0 with shift 0");
  }

  @Test
  void nanRealRequantizationMultiplierIsRejected() throws Exception {
    Path file =
        rewrite(
            quantize(
                LayerQuantization.of(Precision.INT8)
                    .withRequantization(dev.quantgen.runtime.numerics.RequantMode.FLOAT)),
            Map.of(),
            t -> t.name().equals("fc2.requant.real_multipliers") ? withFloat(t, 0, Float.NaN) : t);
    assertFails(
        file,
        "layer 1 'fc2', tensor 'fc2.requant.real_multipliers'[0]: is NaN, expected a finite value >= 0");
  }

  @Test
  void nanAndInfiniteFp16WeightsAreRejected() throws Exception {
    QuantizedModel fp16 = quantize(LayerQuantization.of(Precision.FP16));
    Path nan =
        rewrite(
            fp16,
            Map.of(),
            t -> t.name().equals("fc2.weight") ? withHalf(t, 5, (short) 0x7e00) : t);
    assertFails(
        nan,
        "layer 1 'fc2', tensor 'fc2.weight'[5]: is NaN (binary16 0x7e00), expected a finite weight");
    Path inf =
        rewrite(
            fp16,
            Map.of(),
            t -> t.name().equals("fc1.weight") ? withHalf(t, 0, (short) 0xfc00) : t);
    assertFails(
        inf,
        "layer 0 'fc1', tensor 'fc1.weight'[0]: is -Inf (binary16 0xfc00), expected a finite weight");
  }

  @Test
  void nanOrNegativeBinaryAlphasAreRejected() throws Exception {
    QuantizedModel binary = quantize(LayerQuantization.of(Precision.BINARY));
    Path nan =
        rewrite(
            binary, Map.of(), t -> t.name().equals("fc1.alphas") ? withFloat(t, 2, Float.NaN) : t);
    assertFails(nan, "layer 0 'fc1', tensor 'fc1.alphas'[2]: is NaN, expected a finite value >= 0");
    Path negative =
        rewrite(binary, Map.of(), t -> t.name().equals("fc2.alphas") ? withFloat(t, 0, -0.5f) : t);
    assertFails(
        negative, "layer 1 'fc2', tensor 'fc2.alphas'[0]: is -0.5, expected a finite value >= 0");
  }

  @Test
  void zeroOrInfiniteWeightScalesAreRejected() throws Exception {
    QuantizedModel int4 = quantize(LayerQuantization.of(Precision.INT4));
    Path zero =
        rewrite(int4, Map.of(), t -> t.name().equals("fc1.scales") ? withFloat(t, 1, 0f) : t);
    assertFails(zero, "layer 0 'fc1', tensor 'fc1.scales'[1]: is 0.0, expected a finite value > 0");
    Path inf =
        rewrite(
            int4,
            Map.of(),
            t -> t.name().equals("fc2.scales") ? withFloat(t, 0, Float.POSITIVE_INFINITY) : t);
    assertFails(
        inf, "layer 1 'fc2', tensor 'fc2.scales'[0]: is Infinity, expected a finite value > 0");
  }

  @Test
  void infiniteBiasOfAnyPrecisionIsRejected() throws Exception {
    for (Precision p : new Precision[] {Precision.FP16, Precision.INT8, Precision.BINARY}) {
      Path file =
          rewrite(
              quantize(LayerQuantization.of(p)),
              Map.of(),
              t -> t.name().equals("fc2.bias") ? withFloat(t, 9, Float.NEGATIVE_INFINITY) : t);
      assertFails(
          file, "layer 1 'fc2', tensor 'fc2.bias'[9]: is -Infinity, expected a finite value");
    }
  }

  @Test
  void activationScaleErrorNamesItsMetadataKey() throws Exception {
    Path file =
        rewrite(
            quantize(LayerQuantization.of(Precision.INT8)),
            Map.of("layer.1.input.scale", "NaN"),
            t -> t);
    assertFails(
        file, "layer 1 'fc2', metadata 'layer.1.input.scale': is NaN, expected a finite value > 0");
  }

  @Test
  void int4ZeroPointOutsideTheTypeIsRejected() throws Exception {
    QuantizedModel int4 = quantize(LayerQuantization.of(Precision.INT4).withSymmetric(false));
    Path file =
        rewrite(
            int4,
            Map.of(),
            t -> t.name().equals("fc1.zero_points") ? withByte(t, 4, (byte) 100) : t);
    assertFails(
        file, "layer 0 'fc1', tensor 'fc1.zero_points'[4]: is 100, expected -8..7 (INT4 weights)");
    Path symmetric =
        rewrite(
            quantize(LayerQuantization.of(Precision.INT8)),
            Map.of(),
            t -> t.name().equals("fc2.zero_points") ? withByte(t, 0, (byte) 3) : t);
    assertFails(
        symmetric,
        "layer 1 'fc2', tensor 'fc2.zero_points'[0]: is 3, expected 0..0 (symmetric INT8 weights)");
  }

  @Test
  void fewerLayersThanStoredMustNotTruncateTheModel() throws Exception {
    Path file =
        rewrite(quantize(LayerQuantization.of(Precision.FP32)), Map.of("layers", "1"), t -> t);
    assertFails(
        file,
        "tensor 'fc2.weight' belongs to none of the 1 layers of metadata 'layers', expected every "
            + "stored tensor to belong to a layer (is the layer count too small?)");
  }

  @Test
  void metadataOfALayerPastTheCountIsRejected() throws Exception {
    QuantizedModel fp32 = quantize(LayerQuantization.of(Precision.FP32));
    ModelFile full = QuantizedModelFiles.toModelFile(fp32);
    ModelFile.Builder b = ModelFile.builder();
    full.metadata().forEach(b::metadata);
    b.metadata("layer.7.name", "ghost");
    full.tensors().forEach(b::tensor);
    Path file = dir.resolve("ghost.qgen");
    b.build().write(file);
    assertFails(
        file,
        "metadata 'layer.7.name' describes a layer past the 2 of metadata 'layers', expected layer "
            + "indexes 0..1");
  }

  @Test
  void hugeDeclaredShapeIsAModelFileException() throws Exception {
    Path file =
        rewrite(
            quantize(LayerQuantization.of(Precision.FP32)),
            Map.of("layer.0.in", "100000", "layer.0.out", "100000"),
            t -> t);
    assertFails(
        file,
        "layer 0 'fc1', metadata 'layer.0.in' and 'layer.0.out': 100000 x 100000 = 10000000000 "
            + "weights, expected at most 2^31 - 9 (an array-sized layer)");
  }

  @Test
  void everyPrecisionStillRoundTrips() throws Exception {
    for (Precision p : Precision.values()) {
      QuantizedModel model = quantize(LayerQuantization.of(p));
      Path file = rewrite(model, Map.of(), t -> t);
      TestModels.assertSameModel(model, QuantizedModelFiles.load(file));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private Path rewrite(
      QuantizedModel model, Map<String, String> metadata, UnaryOperator<ModelTensor> tensors)
      throws Exception {
    ModelFile full = QuantizedModelFiles.toModelFile(model);
    ModelFile.Builder b = ModelFile.builder();
    full.metadata().forEach((k, v) -> b.metadata(k, metadata.getOrDefault(k, v)));
    full.tensors().forEach(t -> b.tensor(tensors.apply(t)));
    Path file = dir.resolve("edited-" + System.nanoTime() + ".qgen");
    b.build().write(file);
    return file;
  }

  private static void assertFails(Path file, String problem) {
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertEquals(file + ": " + problem, e.getMessage());
  }

  private static int shift(Path file, int i) {
    try {
      return ModelFile.read(file).tensor("fc1.requant.shifts").ints()[i];
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static ModelTensor withFloat(ModelTensor t, int i, float v) {
    float[] values = t.floats();
    values[i] = v;
    return ModelTensor.float32(t.name(), t.shape(), values);
  }

  private static ModelTensor withInt(ModelTensor t, int i, int v) {
    int[] values = t.ints();
    values[i] = v;
    return ModelTensor.int32(t.name(), t.shape(), values);
  }

  private static ModelTensor withHalf(ModelTensor t, int i, short bits) {
    short[] values = t.float16Bits();
    values[i] = bits;
    return ModelTensor.float16Bits(t.name(), t.shape(), values);
  }

  private static ModelTensor withByte(ModelTensor t, int i, byte v) {
    byte[] values = t.bytes();
    values[i] = v;
    return ModelTensor.int8(t.name(), t.shape(), values);
  }
}
