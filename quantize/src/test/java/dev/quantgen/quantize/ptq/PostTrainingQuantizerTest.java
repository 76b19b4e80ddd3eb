package dev.quantgen.quantize.ptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.quantize.calibrate.ObserverSpec;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.layer.ActivationParams;
import dev.quantgen.runtime.layer.DenseReference;
import dev.quantgen.runtime.layer.DenseWeights;
import dev.quantgen.runtime.layer.QuantizedDenseParams;
import dev.quantgen.runtime.layer.StaticQuantizedLayer;
import dev.quantgen.runtime.model.Precision;
import dev.quantgen.runtime.model.PreparedLayer;
import dev.quantgen.runtime.model.QuantizedModel;
import dev.quantgen.runtime.model.TestModels;
import dev.quantgen.runtime.numerics.Activation;
import dev.quantgen.runtime.numerics.QuantType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PostTrainingQuantizerTest {
  private static final FloatModel MODEL = TestModels.random(1, 20, 16, 12, 5);
  private static final float[] CALIBRATION = TestModels.samples(2, 100, 20);

  private static QuantizedDenseParams params(QuantizedModel model, int k) {
    return ((PreparedLayer.Quantized) model.layer(k)).params();
  }

  @Test
  void int8DefaultsAreSymmetricPerChannelWeightsAndStaticActivations() {
    QuantizedModel q =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), CALIBRATION, 100);
    for (int k = 0; k < 3; k++) {
      QuantizedDenseParams p = params(q, k);
      assertTrue(p.config().symmetric());
      assertTrue(p.config().perChannel());
      assertEquals(ActivationMode.STATIC, p.config().mode());
      assertEquals(MODEL.layer(k).weights().out(), p.scales().length);
      assertInstanceOf(StaticQuantizedLayer.class, q.kernel(k));
    }
  }

  @Test
  void inputBoundaryIsCalibratedAsymmetricMinMax() {
    // Samples in [0, 1): the range widened to 0 is [0, max], so z = -128 and s = max / 255.
    float max = 0;
    for (float v : CALIBRATION) {
      max = Math.max(max, v);
    }
    QuantizedModel q =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), CALIBRATION, 100);
    ActivationParams input = params(q, 0).requantization().input();
    assertEquals(-128, input.zeroPoint());
    assertEquals((float) ((double) max / 255), input.scale());
  }

  @Test
  void consecutiveStaticLayersShareTheirBoundaryParameters() {
    QuantizedModel q =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), CALIBRATION, 100);
    for (int k = 0; k + 1 < 3; k++) {
      assertSame(params(q, k).requantization().output(), params(q, k + 1).requantization().input());
    }
  }

  @Test
  void staticChainIsIntegerOnlyFromFirstInputToLastOutput() {
    // The model output equals: quantize the input once, run each layer int8 -> int8 with the
    // reference loops, dequantize the last output. No float in between.
    QuantizedModel q =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), CALIBRATION, 100);
    float[] samples = TestModels.samples(3, 50, 20);
    for (int s = 0; s < 50; s++) {
      float[] x = java.util.Arrays.copyOfRange(samples, s * 20, s * 20 + 20);
      byte[] a = new byte[20];
      for (int i = 0; i < 20; i++) {
        a[i] = (byte) params(q, 0).requantization().input().quantize(x[i]);
      }
      for (int k = 0; k < 3; k++) {
        byte[] next = new byte[params(q, k).out()];
        DenseReference.quantized(params(q, k), a, next);
        a = next;
      }
      float[] expected = new float[5];
      for (int c = 0; c < 5; c++) {
        expected[c] = params(q, 2).requantization().output().dequantize(a[c]);
      }
      float[] actual = new float[5];
      q.forward(x, actual);
      assertArrayEquals(TestModels.bits(expected), TestModels.bits(actual), "sample " + s);
    }
  }

  @Test
  void quantizationIsDeterministic() {
    PtqConfig config =
        PtqConfig.of(Precision.INT8)
            .withActivationObserver(
                ObserverSpec.perTensor(ObserverKind.ENTROPY, QuantType.INT8, Scheme.ASYMMETRIC));
    QuantizedModel a = PostTrainingQuantizer.quantize(MODEL, config, CALIBRATION, 100);
    QuantizedModel b = PostTrainingQuantizer.quantize(MODEL, config, CALIBRATION.clone(), 100);
    TestModels.assertSameModel(a, b);
  }

  @Test
  void samplesAsRowsGiveTheSameModelAsAFlatArray() {
    float[][] rows = new float[100][];
    for (int s = 0; s < 100; s++) {
      rows[s] = java.util.Arrays.copyOfRange(CALIBRATION, s * 20, s * 20 + 20);
    }
    TestModels.assertSameModel(
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), CALIBRATION, 100),
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), rows));
  }

  @Test
  void perLayerOverrideChangesOnlyThatLayer() {
    PtqConfig config =
        PtqConfig.of(Precision.INT8).withLayer("fc3", LayerQuantization.of(Precision.FP32));
    QuantizedModel q = PostTrainingQuantizer.quantize(MODEL, config, CALIBRATION, 100);
    assertEquals(Precision.INT8, q.layer(1).precision());
    assertInstanceOf(PreparedLayer.Fp32.class, q.layer(2));
    assertEquals("int8 static / fp32", q.label());
  }

  @Test
  void perBoundaryObserverOverrideChangesOnlyThatBoundary() {
    PtqConfig base = PtqConfig.of(Precision.INT8);
    PtqConfig symmetric =
        base.withActivationObserver(
            "fc1", ObserverSpec.perTensor(ObserverKind.MIN_MAX, QuantType.INT8, Scheme.SYMMETRIC));
    QuantizedModel a = PostTrainingQuantizer.quantize(MODEL, base, CALIBRATION, 100);
    QuantizedModel b = PostTrainingQuantizer.quantize(MODEL, symmetric, CALIBRATION, 100);
    assertEquals(params(a, 0).requantization().input(), params(b, 0).requantization().input());
    assertEquals(0, params(b, 0).requantization().output().zeroPoint());
    assertNotEquals(params(a, 0).requantization().output(), params(b, 0).requantization().output());
    assertEquals(params(a, 1).requantization().output(), params(b, 1).requantization().output());
  }

  @Test
  void mseWeightObserverClipsTheTailsThatMinMaxKeeps() {
    // 4,096 Gaussian weights in one channel: at 4 bits the MSE-optimal range is well inside the
    // extremes (about 2.5 sigma against more than 3.5), so its scale is smaller and the extreme
    // weights saturate at 7.
    java.util.Random r = new java.util.Random(5);
    float[] w = new float[4096];
    int extreme = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
      extreme = Math.abs(w[i]) > Math.abs(w[extreme]) ? i : extreme;
    }
    FloatModel model =
        FloatModel.of(
            List.of(new FloatLayer("fc", DenseWeights.of(4096, 1, w, null), Activation.NONE)));
    LayerQuantization int4 = LayerQuantization.of(Precision.INT4).withMode(ActivationMode.FLOAT);
    QuantizedDenseParams minMax =
        params(
            PostTrainingQuantizer.quantize(
                model,
                PtqConfig.of(int4.withWeightObserver(ObserverKind.MIN_MAX)),
                new float[0],
                0),
            0);
    QuantizedDenseParams mse =
        params(PostTrainingQuantizer.quantize(model, PtqConfig.of(int4), new float[0], 0), 0);
    assertEquals(Math.abs(w[extreme]) / 7, minMax.scales()[0]);
    assertTrue(
        mse.scales()[0] < 0.8f * minMax.scales()[0],
        "MSE scale " + mse.scales()[0] + " should clip well below min/max " + minMax.scales()[0]);
    assertEquals(w[extreme] > 0 ? 7 : -7, mse.weight(0, extreme));
  }

  @ParameterizedTest
  @EnumSource(Precision.class)
  void everyPrecisionQuantizesAndRuns(Precision precision) {
    QuantizedModel q =
        PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(precision), CALIBRATION, 100);
    assertEquals(precision, q.layer(0).precision());
    float[] y = new float[5];
    q.forward(java.util.Arrays.copyOf(CALIBRATION, 20), y);
    for (float v : y) {
      assertTrue(Float.isFinite(v));
    }
  }

  @Test
  void precisionsWithoutStaticLayersNeedNoCalibrationSamples() {
    for (Precision p : List.of(Precision.FP32, Precision.FP16, Precision.INT4, Precision.BINARY)) {
      assertEquals(
          3, PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(p), new float[0], 0).size());
    }
  }

  @Test
  void staticLayersWithoutSamplesAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    MODEL, PtqConfig.of(Precision.INT8), new float[0], 0));
    assertEquals(
        "count: expected calibration samples for the STATIC layers, got 0", e.getMessage());
  }

  @Test
  void samplesOfTheWrongLengthAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    MODEL, PtqConfig.of(Precision.INT8), new float[41], 2));
    assertEquals(
        "samples: expected count * inputSize = 2 * 20 = 40 values, got 41", e.getMessage());
  }

  @Test
  void nanInCalibrationSamplesIsAnErrorNamingTheBoundary() {
    float[] bad = CALIBRATION.clone();
    bad[45] = Float.NaN;
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PostTrainingQuantizer.quantize(MODEL, PtqConfig.of(Precision.INT8), bad, 100));
    assertTrue(
        e.getMessage().startsWith("calibration samples 0..31, boundary input: "), e.getMessage());
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }

  @Test
  void overridesMustNameALayerOrBoundaryOfTheModel() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    MODEL,
                    PtqConfig.of(Precision.INT8)
                        .withLayer("fc9", LayerQuantization.of(Precision.FP16)),
                    CALIBRATION,
                    100));
    assertEquals("layer override 'fc9': expected one of [fc1, fc2, fc3]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PostTrainingQuantizer.quantize(
                    MODEL,
                    PtqConfig.of(Precision.INT8)
                        .withActivationObserver("out", ObserverSpec.forActivations(QuantType.INT8)),
                    CALIBRATION,
                    100));
    assertEquals(
        "activation observer override 'out': expected one of [fc1, fc2, fc3, input]",
        e.getMessage());
  }

  @Test
  void perChannelActivationObserversAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PtqConfig.of(Precision.INT8)
                    .withActivationObserver(
                        ObserverSpec.perChannel(
                            ObserverKind.MIN_MAX, QuantType.INT8, Scheme.ASYMMETRIC, 1)));
    assertTrue(e.getMessage().startsWith("spec: expected a per-tensor int8 spec"), e.getMessage());
  }

  @Test
  void progressIsSilentForAShortCalibration() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PostTrainingQuantizer.quantize(
        MODEL, PtqConfig.of(Precision.INT8).withProgress(new PrintStream(out)), CALIBRATION, 100);
    assertEquals("", out.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void batchSizeMustBePositive() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> PtqConfig.of(Precision.INT8).withBatchSize(0));
    assertEquals("batchSize: expected >= 1, got 0", e.getMessage());
  }
}
