package dev.quantgen.processor;

import static com.google.common.truth.Truth.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The annotations module depends on nothing and users need it at compile time only, so the runtime
 * cannot use its enums: each concept the two share has one type on each side, and the processor
 * writes the runtime constant of the same name. These tests keep the pairs in step: a constant
 * added to one side and not the other fails here, not in a user's build.
 */
class MirroredEnumsTest {

  @Test
  void precisionHasTheSameConstantsOnBothSides() {
    assertThat(names(dev.quantgen.runtime.model.Precision.class))
        .containsExactlyElementsIn(names(dev.quantgen.annotations.Precision.class))
        .inOrder();
  }

  @Test
  void activationHasTheSameConstantsOnBothSides() {
    assertThat(names(dev.quantgen.runtime.numerics.Activation.Kind.class))
        .containsExactlyElementsIn(names(dev.quantgen.annotations.Activation.class))
        .inOrder();
  }

  @Test
  void requantizationModeHasTheSameConstantsOnBothSides() {
    assertThat(names(dev.quantgen.runtime.numerics.RequantMode.class))
        .containsExactlyElementsIn(names(dev.quantgen.annotations.Requantization.class))
        .inOrder();
  }

  @Test
  void everyResolvedActivationModeIsAnAnnotationConstant() {
    // The annotation adds DEFAULT (resolved by the processor from the precision); the rest match.
    assertThat(names(dev.quantgen.annotations.Activations.class))
        .containsAtLeastElementsIn(names(dev.quantgen.runtime.layer.ActivationMode.class))
        .inOrder();
  }

  private static List<String> names(Class<? extends Enum<?>> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).toList();
  }
}
