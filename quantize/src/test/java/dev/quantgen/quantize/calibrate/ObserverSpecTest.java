package dev.quantgen.quantize.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quantgen.annotations.Scheme;
import dev.quantgen.runtime.numerics.QuantParams;
import dev.quantgen.runtime.numerics.QuantType;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObserverSpecTest {
  @Test
  void weightsDefaultToSymmetricPerOutputChannel() {
    ObserverSpec int8 = ObserverSpec.forWeights(QuantType.INT8);
    assertEquals(ObserverKind.MIN_MAX, int8.kind());
    assertEquals(Scheme.SYMMETRIC, int8.scheme());
    assertTrue(int8.isPerChannel());
    assertEquals(0, int8.axis());
    assertEquals(
        ObserverKind.MSE,
        ObserverSpec.forWeights(QuantType.INT4).kind(),
        "below 8 bits clipping pays");
  }

  @Test
  void activationsDefaultToAsymmetricPerTensorMinMax() {
    ObserverSpec spec = ObserverSpec.forActivations(QuantType.UINT8);
    assertEquals(ObserverKind.MIN_MAX, spec.kind());
    assertEquals(Scheme.ASYMMETRIC, spec.scheme());
    assertFalse(spec.isPerChannel());
    assertThrows(IllegalStateException.class, spec::axis);
  }

  @Test
  void eachKindMakesItsObserver() {
    assertInstanceOf(
        MinMaxObserver.class, ObserverKind.MIN_MAX.newObserver(QuantType.INT8, Scheme.SYMMETRIC));
    assertInstanceOf(
        MovingAverageObserver.class,
        ObserverKind.MOVING_AVERAGE.newObserver(QuantType.INT8, Scheme.SYMMETRIC));
    assertInstanceOf(
        PercentileObserver.class,
        ObserverKind.PERCENTILE.newObserver(QuantType.INT8, Scheme.SYMMETRIC));
    assertInstanceOf(
        EntropyObserver.class, ObserverKind.ENTROPY.newObserver(QuantType.INT8, Scheme.SYMMETRIC));
    assertInstanceOf(
        MseObserver.class, ObserverKind.MSE.newObserver(QuantType.INT8, Scheme.SYMMETRIC));
  }

  @Test
  void perChannelSpecsObservePerChannelAndGiveQuantParamsPerChannel() {
    TensorObserver o = ObserverSpec.forWeights(QuantType.INT8).newObserver();
    o.observe(new float[] {1, -2, 0.5f, 0.25f}, 0, Shape.of(2, 2));
    assertEquals(List.of(new Range(-2f, 1f), new Range(0.25f, 0.5f)), o.ranges());
    QuantParams params = o.quantParams(QuantType.INT8, Scheme.SYMMETRIC);
    assertEquals(
        QuantParams.perAxis(0, new float[] {2f / 127, 0.5f / 127}, new int[2], QuantType.INT8),
        params);
  }

  @Test
  void perTensorSpecsIgnoreTheShape() {
    TensorObserver o = ObserverSpec.forActivations(QuantType.UINT8).newObserver();
    o.observe(new float[] {1, -2, 0.5f, 3}, 0, Shape.of(2, 2));
    assertEquals(List.of(new Range(-2f, 3f)), o.ranges());
    assertEquals(
        QuantParams.perTensor(5f / 255, 102, QuantType.UINT8),
        o.quantParams(QuantType.UINT8, Scheme.ASYMMETRIC));
  }

  @Test
  void symmetricUnsignedSpecsAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ObserverSpec.perTensor(ObserverKind.MIN_MAX, QuantType.UINT4, Scheme.SYMMETRIC));
    assertTrue(e.getMessage().contains("uint4"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ObserverSpec.forActivations(QuantType.INT32),
        "no scale choice beyond 16 bits");
  }

  @Test
  void specsAreValues() {
    assertEquals(
        ObserverSpec.forWeights(QuantType.INT8),
        ObserverSpec.perChannel(ObserverKind.MIN_MAX, QuantType.INT8, Scheme.SYMMETRIC, 0));
    assertEquals(
        "PERCENTILE uint8 ASYMMETRIC per-tensor",
        ObserverSpec.forActivations(QuantType.UINT8).withKind(ObserverKind.PERCENTILE).toString());
  }

  @Test
  void aRecipeChoosesPerModelAndOverridesPerLayer() {
    ObserverSpec entropy =
        ObserverSpec.forActivations(QuantType.UINT8).withKind(ObserverKind.ENTROPY);
    CalibrationRecipe recipe =
        CalibrationRecipe.defaults(QuantType.INT8, QuantType.UINT8)
            .withLayerActivations("fc2", entropy);
    assertEquals(ObserverSpec.forActivations(QuantType.UINT8), recipe.activations("fc1"));
    assertEquals(entropy, recipe.activations("fc2"));
    assertEquals(ObserverSpec.forWeights(QuantType.INT8), recipe.weights("fc2"));
    ObserverSpec int4 = ObserverSpec.forWeights(QuantType.INT4);
    CalibrationRecipe mixed = recipe.withLayerWeights("fc1", int4);
    assertEquals(int4, mixed.weights("fc1"));
    assertEquals(
        ObserverSpec.forWeights(QuantType.INT8),
        recipe.weights("fc1"),
        "the original recipe is unchanged");
  }
}
