package dev.quantgen.onnx;

import dev.quantgen.runtime.numerics.Shape;
import java.util.List;

/**
 * An Add or channel Concat of two activations: the chain's value (the previous layer's output,
 * {@link #inputShape()}) and the output of an earlier layer {@link #from()} (-1: the graph input),
 * {@link #fromShape()}. Concat puts the chain's value first.
 */
public record JoinSpec(
    String name,
    Kind kind,
    Shape inputShape,
    Shape fromShape,
    Shape outputShape,
    int from,
    List<String> sources)
    implements LoweredLayer {
  /** Which join. */
  public enum Kind {
    ADD,
    CONCAT
  }

  public JoinSpec {
    sources = List.copyOf(sources);
  }
}
