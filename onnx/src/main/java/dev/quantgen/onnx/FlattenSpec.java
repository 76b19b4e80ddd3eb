package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * {@code [C, H, W]} to {@code [C * H * W]} in row-major order (ONNX Flatten, or a Reshape doing
 * it).
 */
public record FlattenSpec(String name, Shape inputShape, Shape outputShape, List<String> sources)
    implements LoweredLayer {
  public FlattenSpec {
    sources = List.copyOf(sources);
  }
}
