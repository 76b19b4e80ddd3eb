package dev.quantgen.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.quantize.calibrate.Range;
import dev.quantgen.quantize.data.Dataset;
import dev.quantgen.quantize.ptq.FloatModel;
import dev.quantgen.quantize.ptq.PostTrainingQuantizer;
import dev.quantgen.quantize.ptq.PtqConfig;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The numbers behind the report, on a small random model. */
class ReportAnalysisTest {
  private static final int[] SIZES = {12, 9, 4};

  static FloatModel model() {
    Random random = new Random(11);
    float[][] w = new float[2][];
    float[][] b = new float[2][];
    for (int l = 0; l < 2; l++) {
      w[l] = gaussian(random, SIZES[l] * SIZES[l + 1], 0.5);
      b[l] = gaussian(random, SIZES[l + 1], 0.1);
    }
    return FloatModel.mlp(SIZES, w, b);
  }

  static float[] gaussian(Random random, int n, double sd) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextGaussian() * sd);
    }
    return v;
  }

  static Dataset data(int n) {
    Random random = new Random(5);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(4);
    }
    return Dataset.of(gaussian(random, n * SIZES[0], 1), SIZES[0], labels, 4);
  }

  /** The clipping range drawn is the one post-training quantization turned into int8 parameters. */
  @ParameterizedTest
  @EnumSource(ObserverKind.class)
  void theDrawnRangeIsTheOneTheModelWasCalibratedWith(ObserverKind kind) throws Exception {
    FloatModel model = model();
    int count = 70; // not a multiple of the batch size: the last batch is short
    float[] calibration = gaussian(new Random(3), count * SIZES[0], 1);
    ObserverSpec spec = ObserverSpec.forActivations(QuantType.INT8).withKind(kind);
    PtqConfig config = PtqConfig.of(Precision.INT8).withActivationObserver(spec);
    QuantizedModel int8 = PostTrainingQuantizer.quantize(model, config, calibration, count);

    ModelReport r =
        new ReportAnalysis(model, calibration, count, data(30))
            .analyze(
                int8,
                new ReportAnalysis.Labels("m", "d", "s", "o"),
                spec,
                config.batchSize(),
                p -> PtqConfig.of(p).withActivationObserver(spec),
                null);

    assertEquals(3, r.boundaries().size());
    for (ModelReport.Boundary b : r.boundaries()) {
      QuantParams expected =
          new Range(b.clipLo(), b.clipHi()).quantParams(QuantType.INT8, Scheme.ASYMMETRIC);
      ModelReport.Grid grid = b.grid().orElseThrow();
      assertEquals(expected.scales().get(0), grid.scale(), b.name());
      assertEquals(expected.zeroPoints().get(0), grid.zeroPoint(), b.name());
      assertTrue(
          b.clipLo() >= b.min() && b.clipHi() <= b.max(), "an observer never widens past the data");
    }
  }

  @Test
  void everyValueLandsInABinAndTheMaximumInTheLast() {
    float[] v = {-1f, -0.5f, 0f, 0.25f, 3f, 3f};
    long[] counts = ReportAnalysis.histogram(v, -1f, 3f);
    assertEquals(ReportAnalysis.BINS, counts.length);
    assertEquals(1, counts[0]);
    assertEquals(
        2, counts[ReportAnalysis.BINS - 1], "the maximum is inside the last bin, not past it");
    assertEquals(v.length, java.util.Arrays.stream(counts).sum());
    assertArrayEquals(new long[] {3}, ReportAnalysis.histogram(new float[] {2f, 2f, 2f}, 2f, 2f));
  }

  @Test
  void nonStaticModelsHaveNoInt8RangeAndTheSweepCoversEveryPrecision() throws Exception {
    FloatModel model = model();
    float[] calibration = gaussian(new Random(3), 20 * SIZES[0], 1);
    QuantizedModel fp16 =
        PostTrainingQuantizer.quantize(model, PtqConfig.of(Precision.FP16), calibration, 20);
    ModelReport r =
        new ReportAnalysis(model, calibration, 20, data(25))
            .analyze(
                fp16,
                new ReportAnalysis.Labels("m", "d", "s", "o"),
                ObserverSpec.forActivations(QuantType.INT8),
                32,
                PtqConfig::of,
                null);
    assertTrue(r.boundaries().stream().allMatch(b -> b.grid().isEmpty()));
    assertEquals(Precision.values().length, r.precisions().size());
    assertEquals(fp16.parameterBytes(), r.parameterBytes());
    assertEquals(25, r.evaluationImages());
    assertEquals(2, r.layers().size());
  }

  @Test
  void calibrationMustHoldCountSamples() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ReportAnalysis(model(), new float[13], 1, data(3)));
    assertEquals(
        "calibration: expected count * inputSize = 1 * 12 values with count >= 1, got 13",
        e.getMessage());
  }
}
