package dev.quantgen.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.ptq.FloatLayer;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.io.ModelFile;
import dev.quantgen.runtime.io.ModelFileException;
import dev.quantgen.runtime.layer.StaticRequantization;
import dev.quantgen.runtime.numerics.Activation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A layer that clips to constant bounds survives save and load at every precision, in layout
 * version 2 (a model without one stays version 1, readable by readers from before clip bounds).
 */
class ClipModelFilesTest {
  private static final Activation CLIP = Activation.clip(-0.25f, 0.4f);
  private static final float[] SAMPLES = TestModels.samples(42, 120, 23);

  @TempDir Path dir;

  /** fc1 clips to [-0.25, 0.4], fc2 only from above (at 0.3), fc3 is linear. */
  private static FloatModel clippingModel() {
    FloatModel base = TestModels.random(41, 23, 17, 11, 5);
    List<Activation> acts =
        List.of(CLIP, Activation.clip(Float.NEGATIVE_INFINITY, 0.3f), Activation.NONE);
    List<FloatLayer> layers = new java.util.ArrayList<>();
    for (int k = 0; k < 3; k++) {
      FloatLayer l = base.layer(k);
      layers.add(new FloatLayer(l.name(), l.weights(), acts.get(k)));
    }
    return FloatModel.of(layers);
  }

  private static QuantizedModel quantize(Precision p) {
    return PostTrainingQuantizer.quantize(clippingModel(), PtqConfig.of(p), SAMPLES, 120);
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void clipBoundsSurviveSaveAndLoad(Precision precision) throws Exception {
    QuantizedModel model = quantize(precision);
    Path file = dir.resolve("clip.qgen");
    QuantizedModelFiles.save(model, file);
    ModelFile raw = ModelFile.read(file);
    assertEquals("2", raw.metadata().get("quantgen.model.version"));
    assertEquals("CLIP", raw.metadata().get("layer.0.activation"));
    assertEquals("-0.25", raw.metadata().get("layer.0.clipMin"));
    assertEquals("0.4", raw.metadata().get("layer.0.clipMax"));
    assertEquals("-Infinity", raw.metadata().get("layer.1.clipMin"));
    QuantizedModel loaded = QuantizedModelFiles.load(file);
    TestModels.assertSameModel(model, loaded);
    TestModels.assertSameOutputs(model, loaded, SAMPLES, 120);
  }

  @Test
  void int8OutputsClampToTheQuantizedBounds() {
    QuantizedModel model = quantize(Precision.INT8);
    StaticRequantization r = ((PreparedLayer.Quantized) model.layer(0)).params().requantization();
    float s = r.output().scale();
    int z = r.output().zeroPoint();
    assertEquals(CLIP.quantizedLower(s, z), r.outputMin());
    assertEquals(CLIP.quantizedUpper(s, z), r.outputMax());
  }

  @Test
  void aModelWithoutClipStaysVersionOne() throws Exception {
    QuantizedModel model =
        PostTrainingQuantizer.quantize(
            TestModels.random(43, 23, 9, 4), PtqConfig.of(Precision.INT8), SAMPLES, 120);
    assertEquals(
        "1", QuantizedModelFiles.toModelFile(model).metadata().get("quantgen.model.version"));
  }

  @Test
  void missingOrBadBoundsAreErrorsNamingTheKeys() throws Exception {
    QuantizedModel model = quantize(Precision.FP32);
    Path missing = rewrite(model, "layer.0.clipMax", null);
    ModelFileException e =
        assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(missing));
    assertEquals(missing + ": missing metadata 'layer.0.clipMax'", e.getMessage());
    Path reversed = rewrite(model, "layer.0.clipMax", "-1.0");
    e = assertThrows(ModelFileException.class, () -> QuantizedModelFiles.load(reversed));
    assertEquals(
        reversed
            + ": layer 0 'fc1', metadata 'layer.0.clipMin' and 'layer.0.clipMax': clip bounds"
            + " [-0.25, -1.0]: expected min < max",
        e.getMessage());
  }

  @Test
  void loadedClipIsTheSameInstance() throws Exception {
    Path file = dir.resolve("fp32.qgen");
    QuantizedModelFiles.save(quantize(Precision.FP32), file);
    assertSame(CLIP, ((PreparedLayer.Fp32) QuantizedModelFiles.load(file).layer(0)).activation());
  }

  private Path rewrite(QuantizedModel model, String key, String value) throws Exception {
    ModelFile full = QuantizedModelFiles.toModelFile(model);
    ModelFile.Builder b = ModelFile.builder();
    for (Map.Entry<String, String> e : full.metadata().entrySet()) {
      if (!e.getKey().equals(key)) {
        b.metadata(e.getKey(), e.getValue());
      } else if (value != null) {
        b.metadata(key, value);
      }
    }
    full.tensors().forEach(b::tensor);
    Path file = dir.resolve("rewritten-" + key + ".qgen");
    b.build().write(file);
    return file;
  }
}
