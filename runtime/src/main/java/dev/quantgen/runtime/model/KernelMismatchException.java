package dev.quantgen.runtime.model;

import java.util.List;

/**
 * Generated kernels were handed over for a model some of whose layers none of them matches, under
 * {@link KernelPolicy#GENERATED_ONLY}. The message names each such layer, what its generated
 * kernels accept and what the layer has; {@link #layers()} gives their indices.
 */
public final class KernelMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String modelName;

  @SuppressWarnings(
      "serial") // List.copyOf gives a serializable list; javac cannot tell from the type
  private final List<Integer> layers;

  KernelMismatchException(String modelName, List<Integer> layers, String message) {
    super(message);
    this.modelName = modelName;
    this.layers = List.copyOf(layers);
  }

  /** The qualified name of the {@code @Model} whose generated kernels were handed over. */
  public String modelName() {
    return modelName;
  }

  /** The indices of the layers no generated kernel matches, in layer order. */
  public List<Integer> layers() {
    return layers;
  }
}
