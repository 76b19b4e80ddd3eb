package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.LayerQuantization;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.io.ModelFile;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.io.ModelTensor;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.numerics.RequantMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantizedModelFilesTest {
  // Odd sizes: int4 rows end in a half-used byte, binary rows in a partial word.
  private static final FloatModel MODEL = TestModels.random(21, 67, 33, 9);
  private static final float[] SAMPLES = TestModels.samples(22, 200, 67);

  @TempDir Path dir;

  private static QuantizedModel quantize(PtqConfig config) {
    return PostTrainingQuantizer.quantize(MODEL, config, SAMPLES, 200);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void saveThenLoadIsBitExact(Precision precision) throws Exception {
    QuantizedModel model = quantize(PtqConfig.of(precision));
    Path file = dir.resolve("m.qgen");
    QuantizedModelFiles.save(model, file);
    QuantizedModel loaded = QuantizedModelFiles.load(file);
    TestModels.assertSameModel(model, loaded);
    TestModels.assertSameOutputs(model, loaded, SAMPLES, 200);
    assertEquals(model.parameterBytes(), loaded.parameterBytes());
  }

  @Test
  void everyLayerConfigurationSurvivesSaveAndLoad() throws Exception {
    PtqConfig config =
        PtqConfig.of(LayerQuantization.of(Precision.INT4).withSymmetric(false).withBlockSize(8))
            .withLayer(
                "fc2",
                LayerQuantization.of(Precision.INT8)
                    .withSymmetric(false)
                    .withPerChannel(false)
                    .withRequantization(RequantMode.FLOAT));
    QuantizedModel model = quantize(config);
    Path file = dir.resolve("mixed.qgen");
    QuantizedModelFiles.save(model, file);
    QuantizedModel loaded = QuantizedModelFiles.load(file);
    QuantizedDenseParams a = ((PreparedLayer.Quantized) model.layer(0)).params();
    QuantizedDenseParams b = ((PreparedLayer.Quantized) loaded.layer(0)).params();
    assertEquals(a.config(), b.config());
    assertArrayEquals(a.weights(), b.weights());
    assertArrayEquals(a.scales(), b.scales());
    assertArrayEquals(a.zeroPoints(), b.zeroPoints());
    QuantizedDenseParams c = ((PreparedLayer.Quantized) loaded.layer(1)).params();
    assertEquals(RequantMode.FLOAT, c.config().requantization());
    assertEquals(
        ((PreparedLayer.Quantized) model.layer(1)).params().requantization().output(),
        c.requantization().output());
    TestModels.assertSameOutputs(model, loaded, SAMPLES, 200);
  }

  @Test
  void binaryXnorLayersSurviveSaveAndLoad() throws Exception {
    QuantizedModel model =
        quantize(
            PtqConfig.of(LayerQuantization.of(Precision.BINARY).withMode(ActivationMode.BINARY)));
    Path file = dir.resolve("xnor.qgen");
    QuantizedModelFiles.save(model, file);
    TestModels.assertSameOutputs(model, QuantizedModelFiles.load(file), SAMPLES, 200);
  }

  @Test
  void parameterBytesAreTheStoredTensorBytes() {
    for (Precision p : Precision.values()) {
      QuantizedModel model = quantize(PtqConfig.of(p));
      long stored = 0;
      for (ModelTensor t : QuantizedModelFiles.toModelFile(model).tensors()) {
        stored += t.bytes().length;
      }
      assertEquals(stored, model.parameterBytes(), p.toString());
    }
  }

  @Test
  void truncatedFileIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("t.qgen");
    QuantizedModelFiles.save(quantize(PtqConfig.of(Precision.INT8)), file);
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
  }

  @Test
  void corruptDataIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("c.qgen");
    QuantizedModelFiles.save(quantize(PtqConfig.of(Precision.INT8)), file);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(
        e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("checksum")
            || e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("crc"),
        e.getMessage());
  }

  @Test
  void wrongContainerVersionIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("v.qgen");
    QuantizedModelFiles.save(quantize(PtqConfig.of(Precision.FP16)), file);
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer.wrap(bytes)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(8, 99); // the u32 after the 8-byte magic
    Files.write(file, bytes);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertTrue(
        e.getMessage().contains(file.toString()) && e.getMessage().contains("99"), e.getMessage());
  }

  @Test
  void wrongModelLayoutVersionIsAnErrorNamingTheFile() throws Exception {
    Path file = dir.resolve("layout.qgen");
    rewriteMetadata(quantize(PtqConfig.of(Precision.FP32)), file, "quantgen.model.version", "3");
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertEquals(file + ": model layout version 3 is not supported, expected 1..2", e.getMessage());
  }

  @Test
  void missingTensorIsAnErrorNamingTheFileAndTensor() throws Exception {
    QuantizedModel model = quantize(PtqConfig.of(Precision.INT8));
    ModelFile full = QuantizedModelFiles.toModelFile(model);
    ModelFile.Builder b = ModelFile.builder();
    full.metadata().forEach(b::metadata);
    full.tensors().stream().filter(t -> !t.name().equals("fc2.scales")).forEach(b::tensor);
    Path file = dir.resolve("missing.qgen");
    b.build().write(file);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertEquals(file + ": missing tensor 'fc2.scales'", e.getMessage());
  }

  @Test
  void inconsistentMetadataIsAnErrorNamingTheFileAndKey() throws Exception {
    Path file = dir.resolve("meta.qgen");
    rewriteMetadata(quantize(PtqConfig.of(Precision.INT8)), file, "layer.1.mode", "SOMETIMES");
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertEquals(
        file
            + ": metadata 'layer.1.mode' is 'SOMETIMES', expected one of [STATIC, DYNAMIC, FLOAT, BINARY]",
        e.getMessage());
    rewriteMetadata(quantize(PtqConfig.of(Precision.INT8)), file, "layer.0.in", "68");
    e = assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(file));
    assertEquals(
        file + ": tensor 'fc1.weight' is INT8[33, 67], expected INT8[33, 68]", e.getMessage());
  }

  @Test
  void saveReplacesAnExistingFile() throws Exception {
    Path file = dir.resolve("r.qgen");
    QuantizedModelFiles.save(quantize(PtqConfig.of(Precision.FP32)), file);
    QuantizedModel int8 = quantize(PtqConfig.of(Precision.INT8));
    QuantizedModelFiles.save(int8, file);
    TestModels.assertSameModel(int8, QuantizedModelFiles.load(file));
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  private static void rewriteMetadata(QuantizedModel model, Path file, String key, String value)
      throws Exception {
    ModelFile full = QuantizedModelFiles.toModelFile(model);
    ModelFile.Builder b = ModelFile.builder();
    for (Map.Entry<String, String> e : full.metadata().entrySet()) {
      b.metadata(e.getKey(), e.getKey().equals(key) ? value : e.getValue());
    }
    full.tensors().forEach(b::tensor);
    b.build().write(file);
  }
}
