package dev.quantgen.onnx;

import dev.quantgen.runtime.conv.Window2d;
import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/** A 2-D max or average pooling layer ({@code ceil_mode = 0}). */
public record PoolSpec(
    String name,
    Kind kind,
    Shape inputShape,
    Shape outputShape,
    Window2d window,
    boolean countIncludePad,
    List<String> sources)
    implements LoweredLayer {
  /** Which pooling. */
  public enum Kind {
    MAX,
    AVERAGE
  }

  public PoolSpec {
    sources = List.copyOf(sources);
  }
}
