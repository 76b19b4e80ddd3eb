package dev.quantgen.processor.model;

import dev.quantgen.annotations.Precision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A validated {@code @Dense} layer and the variants to generate for it. Plain data: names as
 * strings, no javac elements, so it survives rounds and is easy to test.
 *
 * @param packageName the layer's package
 * @param baseName the layer's simple name, nested names joined by {@code _} ({@code Outer_Inner})
 * @param qualifiedName the layer's canonical name, for comments and javadoc links
 * @param isPublic whether the generated classes are public (they follow the layer)
 * @param requested the {@code @Quantize} variants in source order (the first is a model's default)
 */
public record LayerSpec(
    String packageName,
    String baseName,
    String qualifiedName,
    boolean isPublic,
    int in,
    int out,
    boolean bias,
    FusedActivation activation,
    List<VariantSpec> requested)
    implements ModelLayer {

  public LayerSpec {
    requested = List.copyOf(requested);
  }

  /**
   * Every generated variant: the requested ones plus the FP32 baseline, in {@link Precision} order.
   */
  public List<VariantSpec> generated() {
    List<VariantSpec> all = new ArrayList<>(requested);
    if (requested.stream().noneMatch(v -> v.precision() == Precision.FP32)) {
      all.add(VariantSpec.FP32_BASELINE);
    }
    all.sort(Comparator.comparing(VariantSpec::precision));
    return all;
  }

  /** The variant a model uses unless told otherwise: the first {@code @Quantize}, else FP32. */
  public VariantSpec defaultVariant() {
    return requested.isEmpty() ? VariantSpec.FP32_BASELINE : requested.get(0);
  }

  /** The simple name of a variant's generated class, e.g. {@code Hidden_Int8}. */
  public String className(VariantSpec variant) {
    return baseName + "_" + variant.suffix();
  }

  /** The layer's simple (innermost) name, used in messages. */
  @Override
  public String simpleName() {
    int dot = qualifiedName.lastIndexOf('.');
    return qualifiedName.substring(dot + 1);
  }
}
