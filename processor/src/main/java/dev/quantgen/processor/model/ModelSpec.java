package dev.quantgen.processor.model;

import java.util.List;

/**
 * A validated {@code @Model}: its name and its layers in execution order.
 *
 * @param baseName the model's simple name, nested names joined by {@code _}
 * @param accessorNames one builder method name per layer (lower camel case, unique)
 */
public record ModelSpec(String packageName, String baseName, String qualifiedName, boolean isPublic,
    List<LayerSpec> layers, List<String> accessorNames) {

  public ModelSpec {
    layers = List.copyOf(layers);
    accessorNames = List.copyOf(accessorNames);
  }

  /** The generated class's simple name, e.g. {@code Mlp_Model}. */
  public String className() {
    return baseName + "_Model";
  }
}
