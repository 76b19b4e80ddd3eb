package dev.quantgen.processor.model;

/** One entry of a {@code @Model}: a dense layer or a convolution, pooling or flatten layer. */
public sealed interface ModelLayer permits LayerSpec, SpatialSpec {
  /** The layer's simple name, nested names joined by {@code _}. */
  String baseName();

  /** The layer's canonical name. */
  String qualifiedName();

  /** The layer's simple (innermost) name, the key of its weights. */
  String simpleName();
}
