package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * One layer of a lowered ONNX graph. Shapes are per sample (no batch axis): {@code [C, H, W]} for
 * spatial layers, {@code [K]} for vectors. {@link #sources()} lists the ONNX nodes folded into the
 * layer, in graph order, so a message or a generated comment can point back to the model.
 */
public sealed interface LoweredLayer
    permits ConvSpec, PoolSpec, FlattenSpec, DenseSpec, JoinSpec, SoftmaxSpec {
  /** A Java-friendly unique name, from the first ONNX node of the layer. */
  String name();

  Shape inputShape();

  Shape outputShape();

  /** The names of the ONNX nodes this layer was made from. */
  List<String> sources();
}
