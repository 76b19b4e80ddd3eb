package dev.quantgen.quantize.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.quantgen.quantize.calibrate.ObserverKind;
import dev.quantgen.runtime.layer.ActivationMode;
import dev.quantgen.runtime.model.Precision;
import org.junit.jupiter.api.Test;

class LayerQuantizationTest {
  @Test
  void defaultsFollowTheLiterature() {
    LayerQuantization int8 = LayerQuantization.of(Precision.INT8);
    assertEquals(true, int8.symmetric());
    assertEquals(true, int8.perChannel());
    assertEquals(ActivationMode.STATIC, int8.mode());
    assertEquals(ObserverKind.MIN_MAX, int8.weightObserver());
    assertEquals(ObserverKind.MSE, LayerQuantization.of(Precision.INT4).weightObserver());
    assertEquals("int4 dynamic", LayerQuantization.of(Precision.INT4).label());
    assertEquals("binary weight-only", LayerQuantization.of(Precision.BINARY).label());
    assertEquals("fp16", LayerQuantization.of(Precision.FP16).label());
  }

  @Test
  void floatPrecisionsHaveFloatActivationsOnly() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LayerQuantization.of(Precision.FP16).withMode(ActivationMode.STATIC));
    assertEquals("mode: expected FLOAT for FP16, got STATIC", e.getMessage());
  }

  @Test
  void binaryWeightsAreSymmetric() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LayerQuantization.of(Precision.BINARY).withSymmetric(false));
    assertEquals(
        "symmetric: expected true for BINARY (signs have no zero point), got false",
        e.getMessage());
  }

  @Test
  void blockwiseStaticInt4IsRejectedByTheLayerContract() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                LayerQuantization.of(Precision.INT4)
                    .withMode(ActivationMode.STATIC)
                    .withBlockSize(32));
    assertEquals(
        "blockSize: blockwise scales need perChannel = true and DYNAMIC or FLOAT activations, got "
            + "perChannel = true, mode = STATIC",
        e.getMessage());
  }

  @Test
  void theAnnotationsPrecisionGivesTheSameDefaultsAsTheRuntimes() {
    for (dev.quantgen.annotations.Precision p : dev.quantgen.annotations.Precision.values()) {
      Precision same = Precision.valueOf(p.name());
      assertEquals(LayerQuantization.of(same), LayerQuantization.of(p), p.name());
      assertEquals(LayerQuantization.of(same), PtqConfig.of(p).layer("any"), p.name());
    }
  }
}
