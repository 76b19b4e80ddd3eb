package dev.quantgen.processor.model;

import java.util.List;

/**
 * A validated {@code @Model}: its name and its layers in execution order.
 *
 * @param layers the dense layers, when every layer is dense (else empty)
 * @param sequence every layer, dense or spatial, in execution order
 * @param baseName the model's simple name, nested names joined by {@code _}
 * @param accessorNames one builder method name per layer (lower camel case, unique)
 */
public record ModelSpec(
    String packageName,
    String baseName,
    String qualifiedName,
    boolean isPublic,
    List<LayerSpec> layers,
    List<String> accessorNames,
    List<ModelLayer> sequence) {

  public ModelSpec {
    layers = List.copyOf(layers);
    sequence = List.copyOf(sequence);
    accessorNames = List.copyOf(accessorNames);
  }

  /**
   * Whether some layer is a convolution, pooling or flatten layer (the model then runs sample by
   * sample).
   */
  public boolean spatial() {
    return sequence.stream().anyMatch(l -> l instanceof SpatialSpec);
  }

  /** The generated class's simple name, e.g. {@code Mlp_Model}. */
  public String className() {
    return baseName + "_Model";
  }
}
