package dev.quantgen.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.examples.mlp.FashionMlp_Model;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.runtime.model.InferenceSession;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.QuantizedModelFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The demo's quantized models run on the kernels javac generated for the annotated FashionMlp and
 * compute what the runtime's own kernels compute for the same prepared parameters, on all 2,000
 * embedded test images (the first 500 calibrate): INT8 and INT4 bit for bit (integer pipelines,
 * fixed rounding), FP32, FP16 and BINARY (float activations) within {@code 1e-4 * (1 + max|y|)} of
 * each image's output, since both sum in float and the order of summation is each kernel's own
 * (unrolled accumulators, later SIMD lanes): each layer's reassociation error is at most {@code 2 *
 * gamma_K * sum|w x|} with {@code gamma_784 ~ 4.7e-5}, and {@code sum|w x|} stays within a small
 * multiple of the output range on these trained weights.
 */
class GeneratedKernelsTest {
  private static FloatModel model;
  private static float[] calibration;
  private static float[] images;
  private static int count;

  @TempDir Path dir;

  @BeforeAll
  static void load() throws Exception {
    model = FashionData.model();
    Dataset embedded = FashionData.embeddedTestSubset();
    calibration = FashionData.inputs(embedded.subset(0, FashionPtq.CALIBRATION_SAMPLES));
    images = FashionData.inputs(embedded);
    count = embedded.size();
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void generatedKernelsComputeWhatTheRuntimeKernelsComputeAndSurviveSaveAndLoad(Precision precision)
      throws Exception {
    QuantizedModel generated = FashionPtq.quantize(model, precision, calibration, null);
    QuantizedModel runtime = generated.withKernels(null);
    String suffix =
        precision.name().charAt(0) + precision.name().substring(1).toLowerCase(Locale.ROOT);
    assertEquals(
        List.of("Fc1_" + suffix, "Fc2_" + suffix, "Fc3_" + suffix), generated.kernelNames());
    assertTrue(generated.allGenerated());
    assertTrue(!runtime.isGenerated(0) && !runtime.isGenerated(2));

    Path file = dir.resolve(precision.label() + ".qgen");
    QuantizedModelFiles.save(generated, file);
    QuantizedModel loaded = QuantizedModelFiles.load(file, FashionMlp_Model.kernels());
    assertEquals(
        generated.kernelNames(),
        loaded.kernelNames(),
        "a loaded model runs on the generated kernels too");

    float[] expected = outputs(runtime);
    float[] actual = outputs(generated);
    assertArrayEquals(bits(actual), bits(outputs(loaded)), "save then load is bit-exact");
    if (precision == Precision.INT8 || precision == Precision.INT4) {
      assertArrayEquals(
          bits(expected), bits(actual), precision + ": integer pipelines agree bit for bit");
      return;
    }
    for (int s = 0; s < count; s++) {
      float range = 0;
      for (int c = 0; c < 10; c++) {
        range = Math.max(range, Math.abs(expected[s * 10 + c]));
      }
      for (int c = 0; c < 10; c++) {
        assertEquals(
            expected[s * 10 + c],
            actual[s * 10 + c],
            1e-4f * (1 + range),
            precision + " image " + s + " output " + c);
      }
    }
  }

  private static float[] outputs(QuantizedModel model) {
    float[] y = new float[count * 10];
    new InferenceSession(model).run(images, count, y);
    return y;
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }
}
