package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * A sequential model lowered from an ONNX graph: the graph input (per-sample shape, batch axis
 * dropped), the layers in execution order, and the graph output they produce.
 */
public record LoweredModel(
    String source,
    String inputName,
    Shape inputShape,
    List<LoweredLayer> layers,
    String outputName) {
  public LoweredModel {
    layers = List.copyOf(layers);
  }

  /** The per-sample output shape: the last layer's. */
  public Shape outputShape() {
    return layers.get(layers.size() - 1).outputShape();
  }
}
