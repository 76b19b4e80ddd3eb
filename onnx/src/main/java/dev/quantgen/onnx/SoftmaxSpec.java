package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * Softmax over a vector {@code [K]} (ONNX Softmax on the last axis of {@code [N, K]}), in float.
 */
public record SoftmaxSpec(String name, Shape inputShape, Shape outputShape, List<String> sources)
    implements LoweredLayer {
  public SoftmaxSpec {
    sources = List.copyOf(sources);
  }
}
