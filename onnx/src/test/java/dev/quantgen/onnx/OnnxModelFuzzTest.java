package dev.quantgen.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.palantir.javapoet.JavaFile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the ONNX reader with Jazzer: any bytes either parse as a model with
 * graph nodes, or fail with an {@link OnnxFormatException}. A parsed model is then lowered, which
 * must succeed or throw what {@link GraphLowering#lower} documents ({@link
 * UnsupportedOperatorException}, {@link IllegalArgumentException} for shapes). A lowered model then
 * gets its sources generated, which must succeed or reject a window the annotations cannot express
 * ({@link UnsupportedOperatorException}), and the sources must be exactly the expected types: one
 * per layer plus the model and its weight binding, every name a sanitized identifier, no two names
 * (nor any class the processor derives from them) equal ignoring case, and nothing else declared
 * once javac has decoded the text ({@link GeneratedSourcesCheck}). Anything else (an {@code
 * OutOfMemoryError} from a dimension, an unchecked exception, a timeout, a generated source with an
 * extra declaration) is a finding.
 *
 * <p>By default the committed seeds under {@code OnnxModelFuzzTestInputs/onnxModel/} run as
 * ordinary regression tests; with {@code JAZZER_FUZZ=1} the target is fuzzed (see {@code
 * tools/fuzz.sh}).
 */
class OnnxModelFuzzTest {
  private static final String MODEL = "FuzzModel";

  static {
    // javac's first parse loads the compiler (seconds under Jazzer's hooks): outside any input's
    // timeout
    GeneratedSourcesCheck.assertOnly(
        List.of(
            JavaFile.builder("p", com.palantir.javapoet.TypeSpec.classBuilder("Warm").build())
                .build()),
        List.of("Warm"));
  }

  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void onnxModel(byte[] data) {
    OnnxModel model;
    try {
      model = OnnxModel.parse(data, "fuzz.onnx");
    } catch (OnnxFormatException expected) {
      return; // a documented rejection
    }
    assertFalse(model.nodes().isEmpty(), "a parsed model has nodes");
    LoweredModel lowered;
    try {
      lowered = GraphLowering.lower(model);
    } catch (IllegalArgumentException expected) {
      // documented: unsupported operators (UnsupportedOperatorException) and shapes that do not fit
      return;
    }
    List<JavaFile> files;
    try {
      files = SourceGenerator.generate(lowered, "fuzz.generated", MODEL);
    } catch (UnsupportedOperatorException expected) {
      return; // documented: a window the layer annotations cannot express
    }
    List<String> layers = SourceGenerator.layerClassNames(lowered, MODEL);
    List<String> expected = new ArrayList<>(layers);
    expected.add(MODEL);
    expected.add(MODEL + "Weights");
    GeneratedSourcesCheck.assertOnly(files, expected);
    Set<String> all = new HashSet<>();
    for (String suffix : JavaNames.MODEL_COMPANIONS) {
      all.add((MODEL + suffix).toLowerCase(Locale.ROOT));
    }
    all.add(MODEL.toLowerCase(Locale.ROOT));
    for (String layer : layers) {
      assertTrue(all.add(layer.toLowerCase(Locale.ROOT)), () -> layer + " repeats");
      for (String suffix : JavaNames.LAYER_COMPANIONS) {
        assertTrue(
            all.add((layer + suffix).toLowerCase(Locale.ROOT)), () -> layer + suffix + " repeats");
      }
    }
  }
}
